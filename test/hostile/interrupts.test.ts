import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { interruptSim, stopProblems } from '../cli-process.ts';

/**
 * Ctrl-C or SIGTERM at any moment of a run — sampling, simulating,
 * summarising, writing — ends it within 2 s with exit 130/143, one line on
 * stderr and nothing left beside --out. Moments are pseudo-random but seeded,
 * so a failure names a moment that can be replayed.
 */
const root = mkdtempSync(join(tmpdir(), 'sim-interrupts-'));
const ROUNDS = 50;
const rng = seedrandom.xor4096('signals');
const cases = Array.from({ length: ROUNDS }, (_, i) => ({ i, signal: i % 2 ? ('SIGTERM' as const) : ('SIGINT' as const), delay: Math.round(rng.double() * 4000) }));

async function interrupt({ i, signal, delay }: (typeof cases)[number]): Promise<string[]> {
  const parent = join(root, String(i));
  const args = ['--trials', '200000', '--chunk-size', '2000', '--workers', '2', '--format', i % 4 === 3 ? 'arrow,parquet' : 'arrow', '--out', join(parent, 'run')];
  return stopProblems(`round ${i} (${signal} after ${delay} ms)`, await interruptSim(args, parent, delay, signal), signal, parent);
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
