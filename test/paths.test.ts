import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../src/run.ts';
import { hardware, model } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-paths-'));

describe('paths.arrow', () => {
  it('bands C, V and M month by month (hand-computed fixed case)', async () => {
    // the exit-recursion case of kernel-hand.test.ts: exit at 1, book 1000, 750, …; S = 1000, 500, 250, 125
    const file = join(root, 'fixed.yaml');
    writeFileSync(file, stringify({
      horizonMonths: 3, discountRate: 0, testMonths: [0, 2],
      assets: [
        hardware({ rentalPrice: 700 / 730, firstSupersededAge: 2, cadenceMonths: 100, generationShock: 0.75, resaleDecay: 12 * Math.LN2, policy: { method: 'straight-line', usefulLifeMonths: 4 } }),
        model({ trainingCost: 0, peakMonthlyRevenue: 0, accounting: { treatment: 'expensed' } }),
      ],
    }));
    const r = await run({ scenarioFile: file, trials: 50, seed: '1', workers: 2, chunkSize: 16, pathSample: 20, out: join(root, 'run') });
    const t = tableFromIPC(readFileSync(join(r.dir, 'paths.arrow')));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['t', 'series', 'quantity', 'p5', 'p25', 'p50', 'p75', 'p95', 'mean']);
    expect(t.numRows).toBe(3 * 3 * 4); // (2 assets + portfolio) × (C, V, M) × months 0..3
    expect(t.schema.metadata.get('path_sample')).toBe('20');
    const rows = t.toArray().map((x) => x.toJSON());
    const path = (series: string, q: string) => rows.filter((x) => x.series === series && x.quantity === q).map((x) => x.p50);
    const near = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
    near(path('gpu', 'C'), [1000, 500, 0, 0]);
    near(path('gpu', 'V'), [1200, 500, 0, 0]);
    near(path('gpu', 'M'), [1000, 500, 0, 0]);
    near(path('portfolio', 'C'), [1000, 500, 0, 0]);
    for (const x of rows) expect(x.p5).toBeCloseTo(x.p95, 9); // every trial is the same
  });

  it('follows an impairment with reset through the months', async () => {
    // IFRS case of kernel-hand.test.ts: C after the loss at 0 is 60 (= V[0]), then 0.5·B until 12, 24 = V[12] at 12, 0.4·B after
    const file = join(root, 'model.yaml');
    writeFileSync(file, stringify({ horizonMonths: 24, discountRate: 0, assets: [model()] }));
    const r = await run({ scenarioFile: file, trials: 4, seed: '1', workers: 1, chunkSize: 4, out: join(root, 'run2') });
    const rows = tableFromIPC(readFileSync(join(r.dir, 'paths.arrow'))).toArray().map((x) => x.toJSON());
    const C = rows.filter((x) => x.series === 'llm' && x.quantity === 'C').map((x) => x.mean);
    expect(C[0]).toBeCloseTo(60, 9);
    expect(C[6]).toBeCloseTo(0.5 * (120 - 30), 9);
    expect(C[12]).toBeCloseTo(24, 9);
    expect(C[16]).toBeCloseTo(0.4 * (120 - 80), 9);
    expect(C[20]).toBeCloseTo(0.4 * (120 - 100), 9); // revenue ends at 20, but a model is never sold
    expect(C[24]).toBeCloseTo(0, 9);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
