import { describe, expect, it } from 'vitest';
import { createStoreSpec, openStore } from '../src/column-store.ts';

describe('the memory store', () => {
  it('packs whole columns into shared blocks of at most 64 MiB, and keeps each column to itself', () => {
    // 3,000,000 trials: 24 MB a column, two a block
    const capacity = 3_000_000;
    const spec = createStoreSpec('memory', 5, capacity, '');
    if (spec.kind !== 'memory') throw new Error('expected a memory store');
    expect(spec.blocks.map((b) => b.byteLength)).toEqual([2, 2, 1].map((k) => 8 * capacity * k));
    const writer = openStore(spec), reader = openStore(spec);
    for (let j = 0; j < 5; j++) {
      writer.write(j, 0, Float64Array.of(j + 0.25));
      writer.write(j, capacity - 2, Float64Array.of(-j, j + 0.5));
    }
    for (let j = 0; j < 5; j++) {
      const col = reader.read(j, 0, capacity);
      expect(col.length).toBe(capacity);
      expect([col[0], col[1], col[capacity - 2], col[capacity - 1]]).toEqual([j + 0.25, 0, -j, j + 0.5]);
    }
  });

  it('puts small columns in one block, and holds no columns or empty ones', () => {
    const spec = createStoreSpec('memory', 600, 10_000, '');
    if (spec.kind !== 'memory') throw new Error('expected a memory store');
    expect(spec.blocks.map((b) => b.byteLength)).toEqual([8 * 10_000 * 600]);
    const empty = createStoreSpec('memory', 3, 0, '');
    if (empty.kind !== 'memory') throw new Error('expected a memory store');
    expect(empty.blocks.map((b) => b.byteLength)).toEqual([0]);
    expect(openStore(empty).read(2, 0, 0)).toHaveLength(0);
    const none = createStoreSpec('memory', 0, 100, '');
    if (none.kind !== 'memory') throw new Error('expected a memory store');
    expect(none.blocks).toEqual([]);
  });
});
