import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectRanks } from '../src/stats/select.ts';
import { summarize, SUMMARY_FIELDS } from '../src/stats/summarize.ts';
import { percentileCI, percentileSorted } from '../src/stats/percentile.ts';
import type { Role } from '../src/plan.ts';

/** Every placed rank holds the sorted value, with nothing larger before it and nothing smaller after it. */
function expectPlaced(a: Float64Array, ranks: number[], sorted: Float64Array) {
  for (const r of ranks) {
    expect(a[r]).toBe(sorted[r]);
    for (let i = 0; i < r; i++) expect(a[i] <= a[r]).toBe(true);
    for (let i = r + 1; i < a.length; i++) expect(a[i] >= a[r]).toBe(true);
  }
}

describe('selectRanks', () => {
  it('places each asked rank as a full sort would, for any values and ranks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, 1, -1, Infinity, -Infinity)), { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (xs, picks) => {
          const a = Float64Array.from(xs.map((x) => (Object.is(x, -0) ? 0 : x)));
          const sorted = a.slice().sort();
          const ranks = [...new Set(picks.map((p) => p % a.length))].sort((x, y) => x - y);
          selectRanks(a, a.length, ranks, new Float64Array(a.length));
          expectPlaced(a, ranks, sorted);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('handles sorted, reversed, organ-pipe, constant and few-valued columns of 50,000 values', () => {
    const n = 50_000;
    const shapes: Record<string, (i: number) => number> = {
      sorted: (i) => i, reversed: (i) => -i, organ: (i) => Math.min(i, n - i), constant: () => 7, fewValues: (i) => (i * 7919) % 5, mostlyZero: (i) => (i % 10 === 3 ? i : 0),
    };
    const ranks = [0, 1, 499, 500, 2_499, 12_499, 24_999, 25_000, 37_499, 47_500, 49_499, 49_999];
    for (const f of Object.values(shapes)) {
      const a = Float64Array.from({ length: n }, (_, i) => f(i));
      const sorted = a.slice().sort();
      selectRanks(a, n, ranks, new Float64Array(n));
      for (const r of ranks) expect(a[r]).toBe(sorted[r]);
    }
  });
  it('uses only the first n values', () => {
    const a = Float64Array.of(3, 1, 2, -100, -200);
    selectRanks(a, 3, [0, 2], new Float64Array(5));
    expect([a[0], a[2], a[3], a[4]]).toEqual([1, 3, -100, -200]);
  });
  it('is deterministic: the same values in the same order end in the same order', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const x = Float64Array.from({ length: 20_000 }, rand);
    const [a, b] = [x.slice(), x.slice()];
    selectRanks(a, a.length, [10, 5_000, 19_000], new Float64Array(a.length));
    selectRanks(b, b.length, [10, 5_000, 19_000], new Float64Array(b.length));
    expect(a).toEqual(b);
  });
});

describe('summarize by selection', () => {
  it('gives each zero it reads the sign a full sort gives it (−0 before +0)', () => {
    const x = Float64Array.of(0, -0, 0, 5, -0, -3); // sorted: −3, −0, −0, 0, 0, 5
    const got = summarize(x, 'loss');
    expect(Object.is(summarize(Float64Array.of(0, -0, 0), 'loss').min, -0)).toBe(true);
    expect(got.min).toBe(-3);
    expect(got.p50).toBe(percentileSorted(x.slice().sort(), 0.5));
    expect(Object.is(percentileSorted(x.slice().sort(), 0.25), got.p25)).toBe(true);
  });
  it('gives every order statistic of a full sort, and means and shortfalls to rounding', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(0, NaN)), { minLength: 1, maxLength: 3_000 }), fc.constantFrom<Role>('loss', 'value', 'month'), (xs, role) => {
        const x = Float64Array.from(xs);
        const got = summarize(x, role);
        const s = x.filter((v) => !Number.isNaN(v)).sort();
        const n = s.length;
        expect(got.count).toBe(n);
        if (n === 0) return;
        expect(got.min).toBe(s[0]);
        expect(got.max).toBe(s[n - 1]);
        for (const q of [1, 5, 10, 25, 50, 75, 90, 95, 99]) {
          expect(got[`p${q}`]).toBe(percentileSorted(s, q / 100));
          expect([got[`p${q}_lo`], got[`p${q}_hi`]]).toEqual(percentileCI(s, q / 100));
        }
        const scale = Math.max(1, ...Array.from(s, Math.abs));
        const mean = s.reduce((t, v) => t + v, 0) / n;
        expect(Math.abs(got.mean - mean)).toBeLessThanOrEqual(1e-12 * scale);
        if (role !== 'month') {
          const k = Math.ceil(n * 0.05);
          const tail = role === 'loss' ? s.subarray(n - k) : s.subarray(0, k);
          expect(Math.abs(got.es95 - tail.reduce((t, v) => t + v, 0) / k)).toBeLessThanOrEqual(1e-12 * scale);
        }
        expect(SUMMARY_FIELDS.every((f) => f in got)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
