import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tableFromIPC } from 'apache-arrow';
import { run } from '../src/run.ts';
import { rowsByOutput, sensitivityRowsOf } from '../src/output/sensitivity-table.ts';
import { readRunFiles } from '../src/report/run-files.ts';
import { decilesOf, meanAt } from '../src/stats/ranks.ts';
import { hardware } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-sens-'));

describe('sensitivity', () => {
  it('finds the one input that moves the write-down, with ρ = −1 and all the variance', async () => {
    // only the rental price is uncertain (resale fixed at 10 % of cost after disposal); a higher price raises V and lowers the loss at t = 0
    const file = join(root, 'one-driver.yaml');
    // a what-if book written off in its first month never has a write-down: its ρ are NaN, written to sensitivity.arrow as null
    writeFileSync(file, stringify({ horizonMonths: 36, testMonths: [0], policies: { instant: { method: 'straight-line', usefulLifeMonths: 1 } }, assets: [hardware({ units: 10, ageMonths: 12, disposalCost: 0.9, resaleFloor: 1, rentalPrice: { dist: 'uniform', min: 0.001, max: 0.015 }, pue: { dist: 'uniform', min: 1, max: 1.000001 }, policy: { method: 'straight-line', usefulLifeMonths: 72 } })] }));
    // the other uncertain inputs are noise with ρ² ≈ 1/n each: 8000 trials keep their share well under 0.1 %
    const r = await run({ scenarioFile: file, trials: 8000, seed: '1', workers: 2, chunkSize: 256, out: join(root, 'run') });
    const rows = sensitivityRowsOf(r.sensitivity, 'portfolio.writedown');
    expect(rows[0].input).toBe('gpu.rentalPrice');
    expect(rows[0].spearman).toBeLessThan(-0.9999);
    expect(rows[0].variance_share).toBeGreaterThan(0.999);
    // the tornado swing: mean write-down over the 800 trials with the lowest and the highest price, from the trials file
    const t = tableFromIPC(readFileSync(join(r.dir, 'trials.arrow')));
    const price = Array.from(t.getChild('gpu.rentalPrice')!.toArray() as Float64Array), loss = t.getChild('portfolio.writedown')!.toArray() as Float64Array;
    const order = price.map((_, i) => i).sort((a, b) => price[a] - price[b]);
    const mean = (idx: number[]) => idx.reduce((s, i) => s + loss[i], 0) / idx.length;
    expect(rows[0].mean_bottom_decile).toBeCloseTo(mean(order.slice(0, 800)), 6);
    expect(rows[0].mean_top_decile).toBeCloseTo(mean(order.slice(-800)), 6);
    expect(rows[0].swing).toBeLessThan(0);
    // the report reads back from sensitivity.arrow the table the run held, NaN (written as null) included
    const read = (await readRunFiles(r.dir)).sensitivity!;
    expect(read).toEqual(r.sensitivity);
    const instant = sensitivityRowsOf(read, 'gpu@instant.writedown');
    expect(instant.length).toBe(r.plan.sensitivity.inputs.length);
    expect(instant.every((row) => Number.isNaN(row.spearman))).toBe(true);
    expect([...rowsByOutput(read)].map(([o, i]) => [o, i.length])).toEqual(r.plan.sensitivity.outputs.map((o) => [r.plan.columns[o].name, r.plan.sensitivity.inputs.length]));
  }, 60_000);

  it('decile means: ties at a cut fall on one side; NaN values are skipped', () => {
    const ranks = Float64Array.of(1, 2.5, 2.5, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    const values = Float64Array.from(ranks, (r) => r * 10);
    const d = decilesOf(ranks, ranks.length);
    expect([...d.bottom]).toEqual([0]); // cut = 2: rank 1 only (2.5 > 2)
    expect([...d.top]).toEqual([18, 19]); // ranks 19 and 20
    expect([meanAt(values, d.bottom), meanAt(values, d.top)]).toEqual([10, 195]);
    values[19] = NaN;
    expect(meanAt(values, d.top)).toBe(190);
    expect(meanAt(values, Int32Array.of(19))).toBeNaN();
  });

  it('decile tails hold ⌊n/10⌋ trials each when n is not a multiple of 10', () => {
    for (const n of [9, 19, 2005, 2009]) {
      const d = decilesOf(Float64Array.from({ length: n }, (_, i) => n - i), n); // trial i has rank n − i
      const k = Math.floor(n / 10);
      expect([d.bottom.length, d.top.length]).toEqual([k, k]);
      expect([...d.bottom]).toEqual(Array.from({ length: k }, (_, j) => n - k + j)); // ranks 1..k
      expect([...d.top]).toEqual(Array.from({ length: k }, (_, j) => j)); // ranks n − k + 1..n
    }
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
