import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';

/**
 * Golden runs: a hash of every column of 2,000 trials. A change in any number
 * fails here. After a deliberate change to the model (MODEL.md), regenerate with
 *   UPDATE_GOLDENS=1 npx vitest run test/golden.test.ts
 * and say in the commit why the numbers moved.
 */
const GOLDEN = fileURLToPath(new URL('./fixtures/golden/hashes.json', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sim-golden-'));
const methods = fileURLToPath(new URL('./fixtures/golden/methods.yaml', import.meta.url));
const previousDefault = fileURLToPath(new URL('./fixtures/golden/default-2026-11.yaml', import.meta.url));
// the pathwise runs of fixed files keep their hashes from before the expected valuation existed (bar its new recoverable_m{t} columns)
const scenarios: Record<string, { file: string; overrides: string[] }> = {
  'default-2026-11': { file: previousDefault, overrides: ['valuation=pathwise'] },
  default: { file: DEFAULT_SCENARIO, overrides: ['valuation=pathwise'] },
  methods: { file: methods, overrides: ['valuation=pathwise'] },
  'default-expected': { file: DEFAULT_SCENARIO, overrides: ['calibrationTrials=4096'] },
};

async function hashes(name: string, { file, overrides }: { file: string; overrides: string[] }): Promise<Record<string, string>> {
  const r = await run({ scenarioFile: file, overrides, trials: 2000, seed: 'golden', workers: 1, chunkSize: 4096, out: join(root, name) });
  const t = tableFromIPC(readFileSync(join(r.dir, 'trials.arrow')));
  return Object.fromEntries(t.schema.fields.map((f) => {
    const a = t.getChild(f.name)!.toArray() as Float64Array;
    return [f.name, createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16)];
  }));
}

describe('golden outputs', async () => {
  const got: Record<string, Record<string, string>> = {};
  for (const [name, spec] of Object.entries(scenarios)) got[name] = await hashes(name, spec);
  if (process.env.UPDATE_GOLDENS) writeFileSync(GOLDEN, JSON.stringify(got, null, 1) + '\n');
  const want = JSON.parse(readFileSync(GOLDEN, 'utf8'));

  it.each(Object.keys(scenarios))('%s: every column matches its committed hash', (name) => {
    expect(Object.keys(got[name])).toEqual(Object.keys(want[name]));
    const changed = Object.keys(want[name]).filter((c) => got[name][c] !== want[name][c]);
    expect(changed, 'columns whose values changed').toEqual([]);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
