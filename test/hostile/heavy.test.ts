import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../../src/scenario/load.ts';
import { interruptSim, startSim, stopProblems } from '../cli-process.ts';

/**
 * Issue 17's heavy cases, run by `npm run test:hostile` (not `npm test`):
 * big scenarios under the usual descriptor limits, 2,000,000 trials, a
 * million queued chunks, interrupts at random (seeded) moments. Each runs the
 * CLI in a shell whose limits are set first, as a user's terminal would.
 */
const root = mkdtempSync(join(tmpdir(), 'sim-heavy-'));

/** A scenario of `n` copies of the default's h100 cohort (own policy only: the columns, not the books, are what strain descriptors). */
function cohorts(n: number): string {
  const raw = parse(readFileSync(DEFAULT_SCENARIO, 'utf8'));
  const file = join(root, `cohorts-${n}.yaml`);
  writeFileSync(file, stringify({ ...raw, policies: {}, correlations: [], assets: Array.from({ length: n }, (_, i) => ({ ...raw.assets[0], name: `h100-${i}` })) }));
  return file;
}

/** Run to the end and check it succeeded with nothing on stderr; returns the manifest. */
async function completes(limits: string, args: string[], name: string) {
  const out = join(root, name, 'run');
  const r = await startSim([...args, '--quiet', '--out', out], join(root, name), limits).ended;
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  rmSync(join(root, name), { recursive: true, force: true }); // gigabytes of trials
  return manifest;
}

describe('big scenarios under the usual descriptor limits (item 1)', () => {
  it('80 cohorts at 100,000 trials under ulimit -n 256', async () => {
    const m = await completes('ulimit -n 256', ['run', cohorts(80), '--trials', '100000', '--valuation', 'pathwise', '--store', 'spill'], 'c80');
    expect(m.trials).toBe(100_000);
    expect(m.store).toBe('spill');
  });

  it('500 cohorts at 10,000 trials under ulimit -n 256', async () => {
    const m = await completes('ulimit -n 256', ['run', cohorts(500), '--trials', '10000', '--valuation', 'pathwise', '--path-sample', '1000'], 'c500');
    expect(m.trials).toBe(10_000);
  });

  it('the default scenario at 2,000,000 trials (it spills by itself) under ulimit -n 1024', async () => {
    const m = await completes('ulimit -n 1024', ['--trials', '2000000', '--valuation', 'pathwise', '--columns', 'portfolio.*'], 'default-2m');
    expect(m.store).toBe('spill');
  });
});

describe('stopping (item 3)', () => {
  it('Ctrl-C with 1,000,000 queued chunks stops within 2 s; nothing is left', async () => {
    const parent = join(root, 'million');
    const r = await interruptSim(['--trials', '1000000', '--chunk-size', '1', '--valuation', 'pathwise', '--out', join(parent, 'run')], parent, 2000);
    expect(r.code).toBe(130);
    expect(r.after).toBeLessThan(2000);
    expect(r.stderr).toBe('sim: interrupted by SIGINT; no run directory was written');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('Ctrl-C while 500 cohorts are being checked (about 30 s of a worker) stops within 2 s', async () => {
    const parent = join(root, 'checking');
    // the check is the pool's first task: 3 s in, a worker is in it (the main thread, which handles the signal, is not)
    const r = await interruptSim(['run', cohorts(500), '--trials', '10000', '--valuation', 'pathwise', '--out', join(parent, 'run')], parent, 3000);
    expect(r.code).toBe(130);
    expect(r.after).toBeLessThan(2000);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('20 interrupts at random moments of a 100,000-chunk spilled run under ulimit -n 256: each exits 130/143 within 2 s, one line, nothing left', async () => {
    const rng = seedrandom.xor4096('hostile-interrupts');
    const problems: string[] = [];
    for (let i = 0; i < 20; i++) {
      const signal = i % 2 ? 'SIGTERM' : 'SIGINT';
      const delay = Math.round(rng.double() * 6000);
      const parent = join(root, `interrupt-${i}`);
      const r = await interruptSim(['--trials', '1000000', '--chunk-size', '10', '--valuation', 'pathwise', '--store', 'spill', '--out', join(parent, 'run')], parent, delay, signal, 'ulimit -n 256');
      problems.push(...stopProblems(`round ${i} (${signal} after ${delay} ms)`, r, signal, parent));
    }
    expect(problems).toEqual([]);
  });
});

describe('a 50 MB scenario file (item 8)', () => {
  it('is refused at once, naming the limit', async () => {
    const file = join(root, 'big.yaml');
    writeFileSync(file, `# ${'x'.repeat(50_000_000)}\n${readFileSync(DEFAULT_SCENARIO, 'utf8')}`);
    const r = await startSim(['run', file, '--out', join(root, 'big', 'run')], join(root, 'big')).ended;
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sim: ${file}: (top level): a scenario file of at most 4 MiB (README "Limits"), but this one has 47.7 MiB or more`);
    expect(r.ms).toBeLessThan(5000);
    expect(existsSync(join(root, 'big', 'run'))).toBe(false);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
