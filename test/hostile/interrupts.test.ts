import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Ctrl-C or SIGTERM at any moment of a run — sampling, simulating,
 * summarising, writing — ends it within 2 s with exit 130/143, one line on
 * stderr and nothing left beside --out. Moments are pseudo-random but seeded,
 * so a failure names a moment that can be replayed.
 */
const BIN = new URL('../../bin/sim.mjs', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'sim-interrupts-'));
const ROUNDS = 50;
const rng = seedrandom.xor4096('signals');
const cases = Array.from({ length: ROUNDS }, (_, i) => ({ i, signal: i % 2 ? ('SIGTERM' as const) : ('SIGINT' as const), delay: Math.round(rng.double() * 4000) }));

async function interrupt({ i, signal, delay }: (typeof cases)[number]): Promise<string[]> {
  const parent = join(root, String(i));
  mkdirSync(parent);
  const child = spawn(process.execPath, [BIN, '--trials', '200000', '--chunk-size', '2000', '--workers', '2', '--format', i % 4 === 3 ? 'arrow,parquet' : 'arrow', '--out', join(parent, 'run')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  // the run is under way once its temporary directory exists
  while (!readdirSync(parent).some((f) => f.includes('.tmp-'))) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, delay));
  child.kill(signal);
  const sent = performance.now();
  const code = await exited;
  const took = performance.now() - sent;
  const problems: string[] = [];
  const at = `round ${i} (${signal} after ${delay} ms)`;
  if (code !== (signal === 'SIGINT' ? 130 : 143)) problems.push(`${at}: exit ${code}, stderr ${JSON.stringify(stderr)}`);
  if (took > 2000) problems.push(`${at}: took ${Math.round(took)} ms to stop`);
  if (stderr.trim().split('\n').length !== 1 || /\n\s+at /.test(stderr)) problems.push(`${at}: stderr is not one line: ${JSON.stringify(stderr)}`);
  const left = readdirSync(parent);
  if (left.length) problems.push(`${at}: left ${left.join(', ')}`);
  return problems;
}

describe('interrupting a run at random moments', () => {
  it(`${ROUNDS} signals: every one exits 130/143 within 2 s, one line, nothing left`, async () => {
    const problems: string[] = [];
    const queue = [...cases];
    const lane = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) problems.push(...(await interrupt(c)));
    };
    await Promise.all([lane(), lane()]);
    expect(problems).toEqual([]);
  }, 400_000);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
