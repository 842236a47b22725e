import { type Distribution, require_ } from './distribution.ts';

/**
 * The distribution of observed samples, with quantiles by linear
 * interpolation between order statistics (numpy's default): the sorted
 * samples sit at p = k / (n − 1) and the CDF is piecewise linear between them.
 *
 * @param params at least two samples
 * @returns the distribution
 * @example empirical({ samples: [3, 1, 2] }).quantile(0.25) // 1.5
 */
export function empirical({ samples }: { samples: readonly number[] }): Distribution {
  require_(samples.length >= 2, 'samples', `at least 2 numbers, got ${samples.length}`);
  const s = Float64Array.from(samples).sort();
  const n = s.length, seg = n - 1;
  const quantile = (p: number) => {
    if (p <= 0) return s[0];
    if (p >= 1) return s[seg];
    const h = seg * p, k = Math.floor(h);
    return s[k] + (h - k) * (s[k + 1] - s[k]);
  };
  // moments of the piecewise-uniform law the interpolation describes
  let m1 = 0, m2 = 0;
  for (let k = 0; k < seg; k++) {
    const a = s[k], b = s[k + 1];
    m1 += (a + b) / 2;
    m2 += (a * a + a * b + b * b) / 3;
  }
  m1 /= seg;
  m2 /= seg;
  return {
    family: 'empirical',
    params: { samples: [...samples] },
    support: [s[0], s[seg]],
    mean: m1,
    variance: Math.max(0, m2 - m1 * m1),
    cdf: (x) => {
      if (x < s[0]) return 0;
      if (x >= s[seg]) return 1;
      let k = 0; // last k with s[k] ≤ x
      for (let lo = 0, hi = seg; lo <= hi; ) {
        const mid = (lo + hi) >> 1;
        if (s[mid] <= x) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const w = s[k + 1] - s[k];
      return (k + (w > 0 ? (x - s[k]) / w : 1)) / seg;
    },
    quantile,
    sample: quantile,
  };
}
