import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The benchmark in its tiny smoke mode, so it never rots. Its figures are never asserted.
describe('npm run bench -- --smoke', () => {
  it('runs every section and writes its JSON', () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-bench-'));
    try {
      const root = new URL('..', import.meta.url).pathname;
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'benchmarks/bench.ts'), '--smoke', '--out-dir', out], { cwd: root, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, r.stderr).toBe(0);
      const [file] = readdirSync(out);
      const result = JSON.parse(readFileSync(join(out, file), 'utf8'));
      expect(Object.keys(result.figures)).toEqual(['kernel', 'samplingDrawsPerSecond', 'endToEnd', 'scale', 'scaling']);
      expect(result.figures.kernel.hardwareCohort.cAgreesWithKernel).toBe(true); // the C loop computes the same write-downs
      expect(result.figures.endToEnd).toHaveLength(2);
      expect(result.figures.endToEnd[0].phases.simulate).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);

  it('the sampler benchmark runs too (npm run bench:samplers -- --smoke)', () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-bench-'));
    try {
      const root = new URL('..', import.meta.url).pathname;
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'benchmarks/samplers.ts'), '--smoke', '--out-dir', out], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(readFileSync(join(out, readdirSync(out)[0]), 'utf8'));
      expect(result.samplers.map((s: { sampler: string }) => s.sampler)).toEqual(['random', 'lhs', 'sobol']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
