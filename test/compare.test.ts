import { describe, expect, it } from 'vitest';
import { drawsDiffer } from '../src/report/compare.ts';
import type { ManifestFile } from '../src/report/run-files.ts';
import type { Draws } from '../src/run.ts';

const draws: Draws = { sampler: 'random', keyed_by: 'seed, chunk, input name', seed: '1', chunk_size: 4096, trials: 100_000, inputs: ['h100.rentalPrice', 'h100.pue'] };
const manifest = (d: Partial<Draws> | null) => ({ seed: '1', trials: 100_000, version: '0', timings: {}, command: [], scenario_file: 'x.yaml', ...(d && { draws: { ...draws, ...d } }) }) as unknown as ManifestFile;

describe('sim compare: do two runs share draws?', () => {
  it('yes with the same sampler, seed, chunk size and trials, whatever inputs were added (random, lhs)', () => {
    expect(drawsDiffer(manifest({}), manifest({ inputs: [...draws.inputs, 'h100.utilization.3'] }))).toBeNull();
    expect(drawsDiffer(manifest({ sampler: 'lhs' }), manifest({ sampler: 'lhs', inputs: ['a100.pue', ...draws.inputs] }))).toBeNull();
  });

  it('no, saying why, when a key differs, when sobol inputs differ, or when a run predates keyed draws', () => {
    expect(drawsDiffer(manifest({}), manifest({ seed: '2' }))).toBe('seed 1 vs 2');
    expect(drawsDiffer(manifest({}), manifest({ chunk_size: 1000 }))).toBe('chunk size 4096 vs 1000');
    expect(drawsDiffer(manifest({}), manifest({ trials: 200_000 }))).toBe('trials 100000 vs 200000');
    expect(drawsDiffer(manifest({}), manifest({ sampler: 'lhs' }))).toBe('sampler random vs lhs');
    expect(drawsDiffer(manifest({ sampler: 'sobol' }), manifest({ sampler: 'sobol', inputs: ['h100.pue'] }))).toMatch(/sobol/);
    expect(drawsDiffer(manifest(null), manifest({}))).toMatch(/predates/);
  });
});
