import { Z95 } from '../math/normal.ts';

/**
 * Percentile of sorted values by linear interpolation between order
 * statistics (numpy's default, R type 7): h = (n − 1)·p.
 *
 * @param sorted values in ascending order, no NaN
 * @param p the level in [0, 1]
 * @param n how many of `sorted` to use
 * @returns the percentile, NaN when n is 0
 * @example percentileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function percentileSorted(sorted: Float64Array, p: number, n = sorted.length): number {
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const [lo, hi] = percentileRanks(p, n);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The 0-based ranks percentileSorted reads: only these need to be in sorted
 * position (selectRanks), not the whole array.
 *
 * @param p the level in [0, 1]
 * @param n how many values (> 0)
 * @returns [lo, hi], the order statistics interpolated between
 * @example percentileRanks(0.5, 4) // [1, 2]
 */
export function percentileRanks(p: number, n: number): [number, number] {
  const lo = Math.floor((n - 1) * p);
  return [lo, Math.min(lo + 1, n - 1)];
}

/**
 * Distribution-free 95 % confidence interval for the p-quantile from order
 * statistics: the ranks n·p ∓ Z95·√(n·p·(1 − p)) (normal approximation to
 * the binomial count below the quantile), clamped to the sample.
 *
 * @param sorted values in ascending order, no NaN
 * @param p the level in [0, 1]
 * @param n how many of `sorted` to use
 * @returns the interval's ends [lo, hi], NaN when n is 0
 * @example percentileCI(sorted1to1000, 0.5) // [469, 532]
 */
export function percentileCI(sorted: Float64Array, p: number, n = sorted.length): [number, number] {
  if (n === 0) return [NaN, NaN];
  const [lo, hi] = percentileCIRanks(p, n);
  return [sorted[lo], sorted[hi]];
}

/**
 * The 0-based ranks percentileCI reads.
 *
 * @param p the level in [0, 1]
 * @param n how many values (> 0)
 * @returns [lo, hi], the interval's order statistics
 * @example percentileCIRanks(0.5, 1000) // [468, 531]
 */
export function percentileCIRanks(p: number, n: number): [number, number] {
  const [lo, hi] = unclampedCIRanks(p, n);
  return [Math.max(1, lo) - 1, Math.min(n, hi) - 1];
}

/**
 * The 1-based ranks of the distribution-free interval before percentileCI
 * clamps them to the sample: outside [1, n] with too few values.
 *
 * @param p the level in [0, 1]
 * @param n how many values
 * @returns [lo, hi], 1-based, possibly beyond the sample
 * @example unclampedCIRanks(0.95, 2) // [1, 4]: beyond the 2 values
 */
export function unclampedCIRanks(p: number, n: number): [number, number] {
  const half = Z95 * Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - half), Math.ceil(n * p + half) + 1];
}
