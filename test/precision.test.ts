import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { fewestTrialsForP95, p95IntervalHolds, relativeHalfWidths } from '../src/convergence.ts';
import { riskTable } from '../src/output/report.ts';
import { hardware } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-precision-'));
const base = { scenarioFile: DEFAULT_SCENARIO, seed: '5', chunkSize: 500, workers: 2 };
const bytes = (dir: string) => readFileSync(join(dir, 'trials.arrow'));

describe('--precision', () => {
  it('stops where it says, and equals a fixed run of the same size', async () => {
    const r = await run({ ...base, trials: 1000, precision: 0.01, maxTrials: 200_000, out: join(root, 'p') });
    const cv = r.manifest.convergence!;
    expect(cv.stopped).toBe('converged');
    expect(cv.p95).toBeLessThanOrEqual(0.01);
    expect(cv.mean).toBeLessThanOrEqual(0.01);
    // doubling from 1000: the run stopped at the first size that met the target
    const n = r.manifest.trials;
    expect(n % 500).toBe(0);
    const fixed = await run({ ...base, trials: n, out: join(root, 'fixed') });
    const a = tableFromIPC(bytes(r.dir)), b = tableFromIPC(bytes(fixed.dir));
    for (const f of a.schema.fields) expect(Array.from(a.getChild(f.name)!.toArray()), f.name).toEqual(Array.from(b.getChild(f.name)!.toArray()));
    const half = await run({ ...base, trials: n / 2, out: join(root, 'half') });
    const h = relativeHalfWidths(half.summaries.get('portfolio.writedown')!);
    expect(h.p95 > 0.01 || h.mean > 0.01).toBe(true); // half as many trials would not have done
  }, 120_000);

  it('reports when --max-trials stops it first', async () => {
    const r = await run({ ...base, trials: 500, precision: 0.0001, maxTrials: 1700, out: join(root, 'max') });
    expect(r.manifest.convergence!.stopped).toBe('max-trials');
    expect(r.manifest.trials).toBe(1700);
    expect(r.manifest.convergence!.p95).toBeGreaterThan(0.0001);
  }, 60_000);

  it('without maxTrials, stops (it used to run forever: the default max trials was missing)', async () => {
    const minimal = fileURLToPath(new URL('./fixtures/minimal.yaml', import.meta.url));
    const r = await run({ ...base, scenarioFile: minimal, trials: 1000, precision: 0.05, out: join(root, 'no-max') });
    expect(r.manifest.convergence!.stopped).toBe('converged');
    expect(r.manifest.trials).toBeLessThanOrEqual(1_000_000);
  }, 60_000);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--precision with paths', () => {
  it('bands the paths of the trials actually run when the run stops before the path sample fills', async () => {
    const r = await run({ ...base, trials: 500, precision: 0.02, maxTrials: 64_000, pathSample: 20_000, out: join(root, 'paths') });
    const n = r.manifest.trials;
    expect(n).toBeLessThan(20_000);
    const fixed = await run({ ...base, trials: n, pathSample: 20_000, out: join(root, 'paths-fixed') });
    const a = tableFromIPC(readFileSync(join(r.dir, 'paths.arrow'))), b = tableFromIPC(readFileSync(join(fixed.dir, 'paths.arrow')));
    expect(a.schema.metadata.get('path_sample')).toBe(String(n));
    for (const f of ['p5', 'p50', 'p95', 'mean']) expect(Array.from(a.getChild(f)!.toArray())).toEqual(Array.from(b.getChild(f)!.toArray()));
  }, 120_000);
});

describe('--precision from a handful of trials', () => {
  // Rent is 0 in 90 % of trials (the cohort is sold at t = 0 and loses its disposal cost) and high in the rest (held, no loss):
  // the mean write-down is 0.9 of that loss, so two trials that both drew no rent agree exactly and say nothing of the mean or the P95.
  const scenario = join(root, 'lumpy.yaml');
  writeFileSync(scenario, JSON.stringify({
    valuation: 'pathwise',
    assets: [hardware({ units: 10, disposalCost: 0.1, rentalPrice: { dist: 'discrete', values: [0, 50], weights: [0.9, 0.1] }, resaleFloor: 1 })],
  }));

  it('does not stop while the P95 interval is clamped to the sample (2 equal trials are not ±0 %)', async () => {
    const r = await run({ ...base, scenarioFile: scenario, trials: 2, chunkSize: 2, precision: 0.01, maxTrials: 4096, out: join(root, 'lumpy') });
    const cv = r.manifest.convergence!;
    // the first round of 2 trials drew no rent twice (seed 5): identical write-downs
    expect(cv.trace[0]).toEqual({ trials: 2, p95: 0, mean: 0 });
    expect(r.manifest.trials).toBeGreaterThanOrEqual(fewestTrialsForP95());
  }, 60_000);

  it('stopped by --max-trials below those trials with both half-widths inside the target, it says why it did not stop', async () => {
    const r = await run({ ...base, scenarioFile: scenario, trials: 2, chunkSize: 2, precision: 0.5, maxTrials: 64, out: join(root, 'lumpy-64') });
    const cv = r.manifest.convergence!;
    expect(cv.stopped).toBe('max-trials');
    expect(Math.max(cv.p95, cv.mean)).toBeLessThanOrEqual(0.5);
    expect(riskTable(r)).toContain(`Precision: NOT reached (stopped at --max-trials, below the ${fewestTrialsForP95()} trials whose P95 interval lies inside the sample) with 64 trials`);
  }, 60_000);

  it('needs ~110 trials before the P95 interval lies inside the sample', () => {
    const n = fewestTrialsForP95();
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThan(130);
    expect(p95IntervalHolds(n)).toBe(true);
    expect(p95IntervalHolds(n - 1)).toBe(false);
    expect(p95IntervalHolds(2)).toBe(false);
  });
});
