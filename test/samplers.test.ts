import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { fillSobol, sobolDirections } from '../src/sampling/sobol.ts';
import { halfBits, stratum } from '../src/sampling/lhs.ts';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { InputError } from '../src/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-samplers-'));

describe('Sobol points', () => {
  it("match scipy's unscrambled Sobol sequence (Joe–Kuo), 256 points in 64 dimensions", () => {
    const ref = JSON.parse(readFileSync(new URL('./fixtures/sobol-reference.json', import.meta.url), 'utf8')) as { d: number; points: number[][] };
    const U = new Float64Array(ref.d * 256);
    fillSobol(sobolDirections(ref.d), new Uint32Array(ref.d), 0, 256, U);
    for (let i = 0; i < 256; i++) for (let j = 0; j < ref.d; j++) expect(U[j * 256 + i] - 0.5 / 2 ** 32, `point ${i} dim ${j}`).toBe(ref.points[i][j]);
  });
  it('a chunk starting mid-sequence continues it exactly', () => {
    const v = sobolDirections(10), shift = Uint32Array.from({ length: 10 }, (_, j) => j * 2654435761);
    const all = new Float64Array(10 * 100), tail = new Float64Array(10 * 37);
    fillSobol(v, shift, 0, 100, all);
    fillSobol(v, shift, 63, 37, tail);
    for (let j = 0; j < 10; j++) for (let i = 0; i < 37; i++) expect(tail[j * 37 + i]).toBe(all[j * 100 + 63 + i]);
  });
});

describe('Latin hypercube strata', () => {
  it.each([1, 7, 1000, 4096, 100_003])('are a permutation of 0..N−1 (N = %i)', (N) => {
    const seen = new Uint8Array(N), h = halfBits(N);
    for (let i = 0; i < N; i++) seen[stratum(i, N, 12345, h)]++;
    expect(seen.every((c) => c === 1)).toBe(true);
  });
});

describe('samplers end to end', async () => {
  const go = (sampler: 'random' | 'lhs' | 'sobol', workers: number, name: string, trials = 4096) =>
    run({ scenarioFile: DEFAULT_SCENARIO, trials, seed: '9', chunkSize: 1000, workers, sampler, out: join(root, name) });
  const lhs1 = await go('lhs', 1, 'lhs1');
  const lhs2 = await go('lhs', 2, 'lhs2');
  const sob = await go('sobol', 2, 'sobol');
  const col = (r: { dir: string }, name: string) => tableFromIPC(readFileSync(join(r.dir, 'trials.arrow'))).getChild(name)!.toArray() as Float64Array;

  it('lhs hits each of the N strata exactly once for every uncorrelated input', () => {
    // cadenceMonths is uniform(12, 24) and uncorrelated: its stratum is floor(N·(x − 12)/12)
    const x = col(lhs1, 'h100.cadenceMonths'), N = x.length;
    const hits = new Uint32Array(N);
    for (const v of x) hits[Math.min(N - 1, Math.floor((N * (v - 12)) / 12))]++;
    expect(hits.every((c) => c === 1)).toBe(true);
  });

  it('lhs and sobol give the same numbers with 1 or 2 workers', async () => {
    expect(Array.from(col(lhs2, 'portfolio.writedown'))).toEqual(Array.from(col(lhs1, 'portfolio.writedown')));
    const sob1 = await go('sobol', 1, 'sobol1');
    expect(Array.from(col(sob1, 'portfolio.writedown'))).toEqual(Array.from(col(sob, 'portfolio.writedown')));
  });

  it('correlation survives every sampler: achieved Spearman within 0.05 of target', async () => {
    const rnd = await go('random', 2, 'random');
    for (const r of [rnd, lhs1, sob]) {
      expect(r.manifest.correlations).toHaveLength(r.scenario.correlations.length);
      expect(r.manifest.correlations.length).toBeGreaterThan(2);
      for (const c of r.manifest.correlations) expect(Math.abs(c.achieved - c.target), `${r.manifest.sampler.split(':')[0]} ${c.a}~${c.b}`).toBeLessThan(0.05);
    }
  });

  it('sobol warns when N is not a power of two, and lhs refuses --precision', async () => {
    expect(sob.manifest.warnings).toEqual([]);
    const odd = await go('sobol', 2, 'odd', 3000);
    expect(odd.manifest.warnings[0]).toMatch(/power of two/);
    await expect(run({ scenarioFile: DEFAULT_SCENARIO, trials: 100, seed: '1', chunkSize: 100, workers: 1, sampler: 'lhs', precision: 0.1, maxTrials: 1000, out: join(root, 'x') })).rejects.toBeInstanceOf(InputError);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

import { nearestCorrelation } from '../src/math/nearest-correlation.ts';

describe('--repair-correlations', () => {
  it('nearest correlation matrix agrees with a numpy transcription of Higham (2002)', () => {
    // numpy alternating projections on [[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]] → off-diagonals ±0.5
    const Y = nearestCorrelation(Float64Array.of(1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1), 3);
    [0.5, 0.5, -0.5].forEach((v, k) => expect(Y[[1, 2, 5][k]]).toBeCloseTo(v, 6));
  });

  it('turns an impossible set of correlations into the nearest valid one, runs, and reports both', async () => {
    const bad = fileURLToPath(new URL('./fixtures/bad/correlation-not-psd.yaml', import.meta.url));
    const r = await run({ scenarioFile: bad, trials: 4000, seed: '1', chunkSize: 1000, workers: 2, repairCorrelations: true, out: join(root, 'repaired') });
    expect(r.manifest.correlation_repair).toHaveLength(3);
    for (const c of r.manifest.correlation_repair) expect(Math.abs(c.repaired)).toBeLessThan(Math.abs(c.asked));
    const used = JSON.parse(readFileSync(join(r.dir, 'scenario.json'), 'utf8')).correlations;
    expect(used.map((c: [string, string, number]) => c[2])).toEqual(r.manifest.correlation_repair.map((c) => c.repaired));
    for (const c of r.manifest.correlations) expect(Math.abs(c.achieved - c.target)).toBeLessThan(0.05);
  });
});
