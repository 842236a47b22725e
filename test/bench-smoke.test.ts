import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Run a benchmark in smoke mode, as its npm script starts it (`node` and its arguments), and return the JSON it wrote. Its figures are never asserted. */
function smoke(start: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'sim-bench-'));
  try {
    const r = spawnSync(process.execPath, [...start, '--smoke', '--out-dir', out], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(out, readdirSync(out)[0]), 'utf8'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The arguments package.json's script gives node: the test runs what `npm run` runs. */
function script(name: string): string[] {
  const command: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts[name];
  const [node, ...rest] = command.split(' ');
  if (node !== 'node') throw new Error(`${name}: expected a node command, got ${command}`);
  return rest;
}

// The benchmarks in their tiny smoke mode, so they never rot.
describe('benchmarks, smoke mode', () => {
  it('npm run bench runs every section and writes its JSON', () => {
    const result = smoke(script('bench'));
    expect(Object.keys(result.figures)).toEqual(['kernel', 'valuation', 'samplingDrawsPerSecond', 'endToEnd', 'scale', 'scaling']);
    expect(result.figures.kernel.hardwareCohort.cAgreesWithKernel).toBe(true); // the C loop computes the same write-downs
    expect(result.figures.endToEnd).toHaveLength(2);
    expect(result.figures.endToEnd[0].phases.simulate).toBeGreaterThan(0);
    expect(result.machine.firstTouchMicrosecondsPerPage).toHaveLength(2);
    expect(result.machine.firstTouchMicrosecondsPerPage[0]).toBeGreaterThan(0);
  }, 240_000);

  it('npm run bench:samplers runs every sampler', () => {
    expect(smoke(script('bench:samplers')).samplers.map((s: { sampler: string }) => s.sampler)).toEqual(['random', 'lhs', 'sobol']);
  }, 240_000);
});
