import { describe, expect, it } from 'vitest';
import { trialBatches } from '../src/output/write-run.ts';
import { planChunks } from '../src/sampling/chunk-plan.ts';

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
  });
});
