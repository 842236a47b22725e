import type { Role } from '../plan.ts';
import { percentileCI, percentileCIRanks, percentileRanks, percentileSorted } from './percentile.ts';
import { selectRanks } from './select.ts';

/** The percentiles every summary reports, in percent. */
export const PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99] as const;

/** One column's summary, as a row of summary.arrow and an entry of summary.json. */
export interface Summary {
  count: number;
  nan_count: number;
  mean: number;
  mean_se: number;
  sd: number;
  min: number;
  max: number;
  /** p1 … p99 with their 95 % CI as p95_lo / p95_hi */
  [percentile: `p${number}` | `p${number}_lo` | `p${number}_hi`]: number;
  prob_positive: number;
  es95: number;
  es99: number;
}

/** Reusable work space for summaries, at least as long as the longest column. */
export interface SortSpace {
  values: Float64Array;
  scratch: Float64Array;
}

function sortSpace(n: number): SortSpace {
  return { values: new Float64Array(n), scratch: new Float64Array(n) };
}

/**
 * Summary of one column over its non-NaN values; `values` is left untouched.
 * Expected shortfall at level q is the mean of the ⌈n·(1 − q)⌉ worst values:
 * the largest for losses, the smallest for values, NaN for months and inputs.
 *
 * @param values the column (NaN = no value in that trial)
 * @param role how the column is summarised (which tail is the shortfall)
 * @param space sort space at least as long as `values`
 * @returns the summary
 * @example summarize(Float64Array.of(3, NaN, 1, 2), 'loss').mean // 2
 */
export function summarize(values: Float64Array, role: Role, space: SortSpace = sortSpace(values.length)): Summary {
  let n = 0, sum = 0, positive = 0;
  const s = space.values;
  // sums of the differences from the first value: a column of equal values (a fixed input, a write-down the same in
  // every trial) then has exactly that mean and sd 0, where a plain sum drifts off it (a mean above the max, sd 1e-10)
  let first = 0;
  while (first < values.length && values[first] !== values[first]) first++;
  const shift = first < values.length && Number.isFinite(values[first]) ? values[first] : 0;
  // branch-free: where NaN and positive values fall is random, and a branch on them mispredicts; adding 0 leaves the sum as it was
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const has = +(v === v); // not NaN
    s[n] = v;
    n += has;
    sum += has ? v - shift : 0;
    positive += +(v > 0);
  }
  // only the order statistics read below are put in place, not the whole column
  if (n > 0) {
    const read = ranksRead(n, role);
    selectRanks(s, n, read, space.scratch);
    signZeros(s, n, read);
  }
  // within [min, max] whatever the rounding of the sum
  const mean = n ? within(shift + sum / n, s[0], s[n - 1]) : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i] - mean) * (s[i] - mean);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const out: Record<string, number> = {
    count: n,
    nan_count: values.length - n,
    mean,
    mean_se: sd / Math.sqrt(n),
    sd,
    min: n ? s[0] : NaN,
    max: n ? s[n - 1] : NaN,
  };
  for (const q of PERCENTILES) {
    out[`p${q}`] = percentileSorted(s, q / 100, n);
    [out[`p${q}_lo`], out[`p${q}_hi`]] = percentileCI(s, q / 100, n);
  }
  out.prob_positive = n ? positive / n : NaN;
  [out.es95, out.es99] = TAILS.map((t) => shortfall(s, n, t, role));
  return out as unknown as Summary;
}

/**
 * Selection holds −0 and +0 equal; a sort puts every −0 before every +0.
 * Give each zero at a read rank the sign a sort would give it, counting the
 * values below zero only when a zero is read (a column of write-downs is
 * mostly zeros; most other columns hold none).
 */
function signZeros(s: Float64Array, n: number, read: Int32Array): void {
  if (!read.some((r) => s[r] === 0)) return;
  let below = 0;
  for (let i = 0; i < n; i++) below += +(s[i] < 0 || Object.is(s[i], -0));
  for (const r of read) if (s[r] === 0) s[r] = r < below ? -0 : 0;
}

/** The shortfall levels, as the percent of trials in the tail. */
const TAILS = [5, 1];

/** Values in the tail of a shortfall: ⌈n·tail/100⌉, in integers, since n·(1 − 0.95) is 5000.000000000005 at n = 100,000. */
const tailCount = (n: number, tailPercent: number) => Math.ceil((n * tailPercent) / 100);

/** Every 0-based rank a summary of n values reads, ascending: min, max, the percentiles, their intervals and the shortfalls' cut-offs. */
function ranksRead(n: number, role: Role): Int32Array {
  const ranks = [0, n - 1, ...PERCENTILES.flatMap((q) => [...percentileRanks(q / 100, n), ...percentileCIRanks(q / 100, n)])];
  if (role === 'loss') ranks.push(...TAILS.map((t) => n - tailCount(n, t)));
  if (role === 'value') ranks.push(...TAILS.map((t) => tailCount(n, t) - 1));
  return Int32Array.from(new Set(ranks)).sort();
}

/** Mean of the ⌈n·tail/100⌉ worst values; `s` has the cut-off's rank in place, so the tail is the values beyond it, in any order. */
function shortfall(s: Float64Array, n: number, tailPercent: number, role: Role): number {
  if (n === 0 || (role !== 'loss' && role !== 'value')) return NaN;
  const k = tailCount(n, tailPercent);
  // differences from the cut-off, as in the mean: a tail of equal values has exactly that value
  let sum = 0;
  if (role === 'loss') {
    const cut = s[n - k];
    for (let i = n - k; i < n; i++) sum += s[i] - cut;
    return within(cut + sum / k, cut, s[n - 1]);
  }
  const cut = s[k - 1];
  for (let i = 0; i < k; i++) sum += s[i] - cut;
  return within(cut + sum / k, s[0], cut);
}

/** x held within [lo, hi]. */
const within = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Field order of a summary row, as written to summary.arrow and summary.json. */
export const SUMMARY_FIELDS = [
  'count', 'nan_count', 'mean', 'mean_se', 'sd', 'min', 'max',
  ...PERCENTILES.flatMap((q) => [`p${q}`, `p${q}_lo`, `p${q}_hi`]),
  'prob_positive', 'es95', 'es99',
] as const;
