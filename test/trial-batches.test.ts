import { afterAll, describe, expect, it } from 'vitest';
import { trialBatches } from '../src/output/write-run.ts';
import { chunksOf, planChunks } from '../src/sampling/chunk-plan.ts';

describe('planChunks and chunksOf', () => {
  it('cut the trials into chunks of chunkSize in order, the last shorter', () => {
    expect(planChunks(10, 4)).toEqual([{ index: 0, start: 0, count: 4 }, { index: 1, start: 4, count: 4 }, { index: 2, start: 8, count: 2 }]);
    expect([...chunksOf(10, 4)]).toEqual(planChunks(10, 4));
    expect(planChunks(8, 4).map((c) => c.count)).toEqual([4, 4]);
    expect(planChunks(0, 4)).toEqual([]);
  });
});

describe('trialBatches', () => {
  it('covers every trial once, in order, in whole chunks of at most 64 MiB of columns', () => {
    for (const [trials, chunkSize, columns] of [[1_000_000, 4096, 633], [10_000, 4096, 1], [5, 4096, 633], [100_000, 100, 5_000], [50_000, 70_000, 633]]) {
      const chunks = planChunks(trials, chunkSize);
      const batches = trialBatches(chunks, columns);
      expect(batches[0].start).toBe(0);
      for (let b = 1; b < batches.length; b++) expect(batches[b].start).toBe(batches[b - 1].start + batches[b - 1].count);
      expect(batches.reduce((s, b) => s + b.count, 0)).toBe(trials);
      const starts = new Set(chunks.map((c) => c.start));
      for (const b of batches) {
        expect(starts.has(b.start)).toBe(true); // whole chunks
        const oneChunk = chunks.find((c) => c.start === b.start)!.count === b.count;
        expect(oneChunk || b.count * columns * 8 <= 64 * 2 ** 20).toBe(true);
      }
    }
    // 633 columns of 4096-trial chunks: three chunks (63.4 MiB) a batch
    expect(trialBatches(planChunks(1_000_000, 4096), 633)[0].count).toBe(3 * 4096);
    // read once, the chunks need not be held (the run's resource estimate reads a million one-trial chunks this way)
    expect(trialBatches(chunksOf(100_003, 7), 5_000)).toEqual(trialBatches(planChunks(100_003, 7), 5_000));
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { trialsWriter } from '../src/output/write-run.ts';
import { createStoreSpec, openStore } from '../src/column-store.ts';
import { buildPlan } from '../src/plan.ts';
import { loadScenario } from '../src/scenario/load.ts';
import type { RunDir } from '../src/output/run-dir.ts';

describe('trialsWriter', () => {
  const plan = buildPlan(loadScenario(fileURLToPath(new URL('./fixtures/minimal.yaml', import.meta.url))));
  // removed at the end: the first case writes a 226 MB trials.arrow, and /tmp held one per run of this file
  const paths: string[] = [];
  afterAll(() => paths.forEach((p) => rmSync(p, { recursive: true, force: true })));
  const setup = (trials: number, chunkSize: number) => {
    const path = mkdtempSync(join(tmpdir(), 'sim-tw-'));
    paths.push(path);
    const dir = { file: (name: string) => join(path, name) } as RunDir;
    const store = openStore(createStoreSpec('memory', plan.columns.length, trials, ''));
    // column j of trial i holds j·10⁶ + i, so order and place are both visible
    for (let j = 0; j < plan.columns.length; j++) store.write(j, 0, Float64Array.from({ length: trials }, (_, i) => j * 1e6 + i));
    return { dir, store, chunks: planChunks(trials, chunkSize), file: join(path, 'trials.arrow') };
  };
  const selected = [0, 3, plan.columns.length - 1];

  it('writes the trials in order whatever order the chunks finish in', async () => {
    // every column, and trials for about three and a half 64 MiB batches
    const all = plan.columns.map((_, j) => j);
    const n = Math.round(3.5 * Math.floor((64 * 2 ** 20) / (8 * all.length)));
    const { dir, store, chunks, file } = setup(n, 4096);
    const w = trialsWriter(dir, plan, store, all, chunks, { trials: String(n) }, new AbortController().signal, () => {});
    // odd chunks first, then even ones backwards: batches complete out of order
    for (const c of [...chunks.filter((c) => c.index % 2), ...chunks.filter((c) => c.index % 2 === 0).reverse()]) w.chunkDone(c);
    await w.done();
    const t = tableFromIPC(readFileSync(file));
    expect(t.batches.length).toBe(4);
    expect(t.numRows).toBe(n);
    expect(Array.from(t.getChild('trial')!.toArray() as Int32Array)).toEqual(Array.from({ length: n }, (_, i) => i));
    selected.forEach((j) => expect(Array.from(t.getChild(plan.columns[j].name)!.toArray() as Float64Array)).toEqual(Array.from({ length: n }, (_, i) => j * 1e6 + i)));
  });
  it('stops at a cancel: done() rejects with its reason and nothing more is written', async () => {
    const { dir, store, chunks } = setup(10_000, 700);
    const abort = new AbortController();
    const seen: unknown[] = [];
    const w = trialsWriter(dir, plan, store, selected, chunks, {}, abort.signal, (e) => seen.push(e));
    w.chunkDone(chunks[0]);
    abort.abort(new Error('stopped'));
    chunks.slice(1).forEach(w.chunkDone);
    await expect(w.done()).rejects.toThrow('stopped');
    expect(seen.length).toBeLessThanOrEqual(1);
  });
  it('refuses to finish while a batch still waits for a chunk', async () => {
    const { dir, store, chunks } = setup(5_000, 1_000);
    const w = trialsWriter(dir, plan, store, selected, chunks, {}, new AbortController().signal, () => {});
    chunks.slice(1).forEach(w.chunkDone);
    await expect(w.done()).rejects.toThrow(/still wait for their chunks/);
  });
});
