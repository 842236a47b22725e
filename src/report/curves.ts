import { percentileSorted } from '../stats/percentile.ts';
import { radixSort } from '../stats/radix-sort.ts';

/** Exceedance levels of the curve: every percent, then a log-spaced tail down to 1/n (the tail is where P95 and ES95 sit). */
const LINEAR_STEPS = 100;
const TAIL_STEPS_PER_DECADE = 12;

/**
 * The values without NaN, sorted ascending.
 *
 * @param values one column
 * @returns a sorted copy
 * @example sortedValues(Float64Array.of(3, NaN, 1)) // [1, 3]
 */
export function sortedValues(values: Float64Array): Float64Array {
  const v = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) v[n++] = values[i];
  return radixSort(v.subarray(0, n), new Float64Array(n));
}

/**
 * Exceedance curve P(X > x) as points [x, p], from 1 − P(X > 0)'s mass at
 * the minimum down to 1/n, summarised on a fixed grid of levels so a curve
 * costs the same bytes at 10,000 or 10,000,000 trials.
 *
 * @param sorted values, ascending, no NaN
 * @returns points [x, P(X > x)], x ascending
 * @example exceedance(Float64Array.of(0, 0, 1, 2)) // [[0, 0.5], …, [2, 0]]
 */
export function exceedance(sorted: Float64Array): [number, number][] {
  const n = sorted.length;
  if (n === 0) return [];
  const levels = new Set<number>();
  for (let k = 0; k <= LINEAR_STEPS; k++) levels.add(k / LINEAR_STEPS);
  for (let e = -2; 10 ** e >= 1 / n; e -= 1 / TAIL_STEPS_PER_DECADE) levels.add(10 ** e);
  const points: [number, number][] = [...levels].sort((a, b) => b - a).map((p) => {
    const x = percentileSorted(sorted, 1 - p);
    return [x, share(sorted, x)];
  });
  points.push([sorted[n - 1], 0]);
  return points;
}

/** P(X > x) over sorted values: the share above the last index holding x or less (binary search). */
function share(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return (sorted.length - lo) / sorted.length;
}

/** One bar of a histogram: [from, to) and the share of all trials (NaN included in the denominator) that fall in it. */
export type Bin = [from: number, to: number, share: number];

/**
 * Histogram of a column as shares of all trials, on `count` equal bins from
 * `from` to `to` (or the data's range); NaN trials count in the total only,
 * so a month histogram's bars add up to the share that has a month at all.
 *
 * @param values one column
 * @param count bins
 * @param range [from, to], default the data's min and max
 * @returns the bins
 * @example histogram(Float64Array.of(1, 2, NaN, 4), 3) // [[1, 2, 0.25], [2, 3, 0.25], [3, 4, 0.25]]
 */
export function histogram(values: Float64Array, count: number, range?: [number, number]): Bin[] {
  let [from, to] = range ?? [Infinity, -Infinity];
  const n = values.length;
  if (!range) {
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x < from) from = x;
      if (x > to) to = x;
    }
  }
  if (!Number.isFinite(from) || n === 0) return [];
  if (to === from) to = from + 1;
  const width = (to - from) / count, counts = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x >= from && x <= to) counts[Math.min(count - 1, Math.floor((x - from) / width))]++; // NaN fails both tests
  }
  return Array.from(counts, (c, k) => [from + k * width, from + (k + 1) * width, c / values.length]);
}

/**
 * Share of trials still holding an asset at each month 0..H: a trial holds it
 * while t < exit_month (the sale happens at the exit month). exit_month is H
 * for a trial that never sells, which is then held (and valued) at H too.
 *
 * @param exitMonths the asset's exit_month column
 * @param H horizon in months
 * @returns H + 1 shares
 * @example holdingShare(Float64Array.of(1, 3), 3) // [1, 0.5, 0.5, 0.5]
 */
export function holdingShare(exitMonths: Float64Array, H: number): number[] {
  const sold = new Float64Array(H + 1);
  for (let i = 0; i < exitMonths.length; i++) if (exitMonths[i] < H) sold[Math.max(0, exitMonths[i])]++;
  const out: number[] = [];
  let gone = 0;
  for (let t = 0; t <= H; t++) {
    gone += sold[t];
    out.push(1 - gone / exitMonths.length);
  }
  return out;
}
