import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER } from '../src/coordinator.ts';
import { startSim } from './cli-process.ts';

/**
 * Stopping a run: a second signal, and the pool's entry. Ctrl-C and SIGTERM
 * at 50 seeded moments of a run are in test/hostile/interrupts.test.ts
 * (`npm run test:hostile`: two minutes of two cores).
 */
const root = mkdtempSync(join(tmpdir(), 'sim-signals-'));

describe('a second signal', () => {
  it('leaves at once, and takes the half-written run and its lock with it', async () => {
    const parent = join(root, 'twice');
    const run = startSim(['--trials', '100000', '--workers', '2', '--out', join(parent, 'run')], parent);
    await run.started();
    await new Promise((r) => setTimeout(r, 3000)); // trials.arrow is being written
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1)); // the first is still stopping the run
    run.child.kill('SIGINT');
    const r = await run.ended;
    expect(r.code, `exit ${r.code} after ${Math.round(r.ms)} ms; it said: ${r.stderr}`).toBe(130);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('the pool entry', () => {
  it('is CommonJS, so a worker stopped while it loads cannot abort the process', () => {
    // piscina require()s its entry first. An ES module entry goes through Node's require(esm), and a worker
    // terminated inside that aborts the whole process (V8: "IsGraphAsync must be used on an instantiated
    // module"): about 1 run in 100 stopped in its first 110 ms, too rare to catch here, so test the cause.
    const load = `const entry = require(${JSON.stringify(fileURLToPath(WORKER))}); console.log(entry instanceof Promise); process.exit(0)`;
    const r = spawnSync(process.execPath, ['-e', load], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('true');
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
