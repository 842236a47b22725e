import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/summarize.ts';
import { percentileCI, percentileSorted } from '../src/stats/percentile.ts';
import { radixSort } from '../src/stats/radix-sort.ts';

describe('radixSort', () => {
  it('sorts like the built-in sort, negatives, zeros and infinities included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, 1, -1, Infinity, -Infinity, 1e-300)), { maxLength: 300 }), (xs) => {
        const a = Float64Array.from(xs.map((x) => (Object.is(x, -0) ? 0 : x)));
        const want = a.slice().sort();
        expect(Array.from(radixSort(a, new Float64Array(a.length)))).toEqual(Array.from(want));
      }),
      { numRuns: 500 },
    );
  });
});

describe('summarize', () => {
  it('a column of equal values has that mean and shortfall exactly, and sd 0 (a fixed input, a write-down the same in every trial)', () => {
    // values from a run with every input fixed (gpu.writedown, gpu.pue): a plain sum gave a mean above the max and sd 1e-10
    for (const [x, n] of [[74461.49738326992, 200], [1.2, 200], [0.1, 100_000], [-20952.05202758558, 999]] as const) {
      const s = summarize(new Float64Array(n).fill(x), 'loss');
      expect([s.mean, s.sd, s.mean_se, s.min, s.max, s.p50, s.es95, s.es99]).toEqual([x, 0, 0, x, x, x, x, x]);
      expect(summarize(new Float64Array(n).fill(x), 'value').es95).toBe(x);
    }
  });

  it('mean and shortfalls lie within the values they average', () => {
    fc.assert(
      // few distinct values, so that long runs of equal ones (where a plain sum drifts) are common
      fc.property(fc.array(fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constant(NaN), fc.constantFrom(0.1, 1.2, 0.7, 74461.49738326992)), { minLength: 1, maxLength: 300 }), (xs) => {
        const v = Float64Array.from(xs);
        const loss = summarize(v, 'loss'), value = summarize(v, 'value');
        if (loss.count === 0) return;
        expect(loss.mean).toBeGreaterThanOrEqual(loss.min);
        expect(loss.mean).toBeLessThanOrEqual(loss.max);
        expect(loss.es95).toBeLessThanOrEqual(loss.max);
        expect(value.es95).toBeGreaterThanOrEqual(value.min);
        expect(value.es95).toBeLessThanOrEqual(value.max);
      }),
      { numRuns: 500 },
    );
  });

  it('matches hand-computed statistics', () => {
    const s = summarize(Float64Array.of(4, NaN, 1, 3, 2, 0), 'loss');
    expect(s.count).toBe(5);
    expect(s.nan_count).toBe(1);
    expect(s.mean).toBe(2);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.min).toBe(0);
    expect(s.max).toBe(4);
    expect(s.p50).toBe(2);
    expect(s.p25).toBe(1);
    expect(s.p90).toBeCloseTo(3.6, 12); // numpy: h = 4·0.9 = 3.6 → 3 + 0.6·(4 − 3)
    expect(s.prob_positive).toBe(0.8);
    expect(s.es95).toBe(4); // ⌈5·0.05⌉ = 1 largest value
  });
  it('averages exactly ⌈n·5 %⌉ and ⌈n·1 %⌉ worst values, even where n·0.05 is not exact in floating point', () => {
    // 1..100000: the 5,000 largest are 95001..100000 (mean 97500.5); 5,001 would give 97500
    const x = Float64Array.from({ length: 100_000 }, (_, i) => i + 1);
    expect(summarize(x, 'loss').es95).toBe(97500.5);
    expect(summarize(x, 'loss').es99).toBe(99500.5);
    expect(summarize(x, 'value').es95).toBe(2500.5);
    // n = 21: ⌈1.05⌉ = 2 worst values
    expect(summarize(Float64Array.from({ length: 21 }, (_, i) => i), 'loss').es95).toBe(19.5);
  });
  it('takes the smallest values as the shortfall of a value column, none for months', () => {
    expect(summarize(Float64Array.of(-5, 1, 2, 3), 'value').es95).toBe(-5);
    expect(summarize(Float64Array.of(1, 2), 'month').es95).toBeNaN();
  });
  it('percentiles agree with numpy linear interpolation', () => {
    // numpy.percentile(np.arange(1, 11), [1, 33, 95]) = [1.09, 3.97, 9.55]
    const x = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentileSorted(x, 0.01)).toBeCloseTo(1.09, 12);
    expect(percentileSorted(x, 0.33)).toBeCloseTo(3.97, 12);
    expect(percentileSorted(x, 0.95)).toBeCloseTo(9.55, 12);
  });
  it('order-statistic CIs cover the true median about 95 % of the time', () => {
    let covered = 0;
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let rep = 0; rep < 400; rep++) {
      const x = Float64Array.from({ length: 200 }, rand).sort();
      const [lo, hi] = percentileCI(x, 0.5);
      if (lo <= 0.5 && 0.5 <= hi) covered++;
    }
    expect(covered / 400).toBeGreaterThan(0.92);
    expect(covered / 400).toBeLessThan(0.99);
  });
});

import { centredRankProduct, rankCorrelation, rankInto } from '../src/stats/ranks.ts';

describe('ranks and Spearman correlation', () => {
  it('averages tied ranks', () => {
    expect(Array.from(rankInto(Float64Array.of(10, 30, 20, 20, -5), new Float64Array(5)))).toEqual([2, 5, 3.5, 3.5, 1]);
  });
  it('matches scipy.stats.spearmanr on a hand case', () => {
    // spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233
    const a = rankInto(Float64Array.of(1, 2, 3, 4, 5), new Float64Array(5));
    const b = rankInto(Float64Array.of(5, 6, 7, 8, 7), new Float64Array(5));
    expect(rankCorrelation(a, b)).toBeCloseTo(0.8207826816681233, 12);
  });
  it('centredRankProduct equals the plain sum for every length (the four partial sums and the tail)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 1, maxLength: 40 }), (pairs) => {
        const n = pairs.length, m = (n + 1) / 2;
        const a = rankInto(Float64Array.from(pairs, (p) => p[0]), new Float64Array(n)), b = rankInto(Float64Array.from(pairs, (p) => p[1]), new Float64Array(n));
        let plain = 0;
        for (let i = 0; i < n; i++) plain += (a[i] - m) * (b[i] - m);
        expect(centredRankProduct(a, b, n)).toBeCloseTo(plain, 9); // half-integers: exact up to the order of the adds
      }),
    );
  });
  it('argsort through radixSort is stable and consistent with the values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 200 }), (xs) => {
        const v = Float64Array.from(xs), n = v.length;
        const idx = Uint32Array.from({ length: n }, (_, i) => i);
        radixSort(v, new Float64Array(n), idx, new Uint32Array(n));
        for (let k = 0; k < n; k++) {
          expect(xs[idx[k]]).toBe(v[k]);
          if (k > 0 && v[k] === v[k - 1]) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
        }
      }),
    );
  });
});
