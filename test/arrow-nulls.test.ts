import { tableFromIPC, tableToIPC, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { makeBatch, makeSchema } from '../src/output/arrow.ts';

const schema = makeSchema([{ name: 'x', type: 'float64' }, { name: 'i', type: 'int32' }], {});

describe('makeBatch writes NaN as null', () => {
  it('a column with NaN gets a validity bitmap over the unchanged values', () => {
    const x = Float64Array.of(1, NaN, 3);
    const col = makeBatch(schema, [x, Int32Array.of(0, 1, 2)], 3).getChildAt(0)!;
    expect(col.nullCount).toBe(1);
    expect([col.get(0), col.get(1), col.get(2)]).toEqual([1, null, 3]);
    expect(col.data[0].nullBitmap).toEqual(Uint8Array.of(0b101)); // LSB first, padding bits 0
    expect(col.data[0].values).toBe(x); // zero-copy
  });

  it('a column without NaN is a plain wrapper with no bitmap', () => {
    const x = Float64Array.of(1, 2, 3);
    const col = makeBatch(schema, [x, Int32Array.of(0, 1, 2)], 3).getChildAt(0)!;
    expect(col.nullCount).toBe(0);
    expect(col.data[0].nullBitmap?.byteLength ?? 0).toBe(0);
    expect(col.data[0].values).toBe(x);
  });

  it('the bitmap has a bit per value, LSB first, 0 for NaN and past the end, whatever the length and wherever the NaN', () => {
    for (let n = 1; n <= 40; n++) {
      for (const at of [0, n - 1, n >> 1, 7, 8]) {
        if (at >= n) continue;
        const x = Float64Array.from({ length: n }, (_, i) => (i === at || i % 11 === 10 ? NaN : i));
        const col = makeBatch(schema, [x, new Int32Array(n)], n).getChildAt(0)!;
        const want = new Uint8Array((n + 7) >> 3);
        for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) want[i >> 3] |= 1 << (i & 7);
        expect(col.data[0].nullBitmap, `n ${n}, NaN at ${at}`).toEqual(want);
        expect(col.nullCount).toBe(x.filter(Number.isNaN).length);
      }
    }
    // a batch after one with NaN: its own bitmap, not the last one's
    const a = makeBatch(schema, [Float64Array.of(NaN, 1, NaN), new Int32Array(3)], 3).getChildAt(0)!;
    const b = makeBatch(schema, [Float64Array.of(1, NaN), new Int32Array(2)], 2).getChildAt(0)!;
    expect([a.data[0].nullBitmap, b.data[0].nullBitmap]).toEqual([Uint8Array.of(0b010), Uint8Array.of(0b01)]);
  });

  it('nulls survive an IPC file round trip; float64 fields are nullable, int32 fields are not', () => {
    const n = 70, x = Float64Array.from({ length: n }, (_, i) => (i % 9 === 4 ? NaN : i));
    const t = tableFromIPC(tableToIPC(new Table(makeBatch(schema, [x, new Int32Array(n)], n)), 'file'));
    const col = t.getChild('x')!;
    expect(col.nullCount).toBe(8);
    for (let i = 0; i < n; i++) expect(col.get(i), String(i)).toBe(i % 9 === 4 ? null : i);
    expect(t.schema.fields.map((f) => f.nullable)).toEqual([true, false]);
  });
});
