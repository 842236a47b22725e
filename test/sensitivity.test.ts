import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../src/run.ts';
import { hardware } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-sens-'));

describe('sensitivity', () => {
  it('finds the one input that moves the write-down, with ρ = −1 and all the variance', async () => {
    // only the rental price is uncertain (resale fixed at 10 % of cost after disposal); a higher price raises V and lowers the loss at t = 0
    const file = join(root, 'one-driver.yaml');
    writeFileSync(file, stringify({ horizonMonths: 36, testMonths: [0], assets: [hardware({ units: 10, ageMonths: 12, disposalCost: 0.9, resaleFloor: 1, rentalPrice: { dist: 'uniform', min: 0.001, max: 0.015 }, pue: { dist: 'uniform', min: 1, max: 1.000001 }, policy: { method: 'straight-line', usefulLifeMonths: 72 } })] }));
    const r = await run({ scenarioFile: file, trials: 2000, seed: '1', workers: 2, chunkSize: 256, out: join(root, 'run') });
    const rows = r.sensitivity.filter((s) => s.output === 'portfolio.writedown');
    expect(rows[0].input).toBe('gpu.rentalPrice');
    expect(rows[0].spearman).toBeLessThan(-0.9999);
    expect(rows[0].variance_share).toBeGreaterThan(0.999);
  }, 60_000);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
