import { radixSort } from './radix-sort.ts';

/** Sort space for ranking n values. */
export interface RankSpace {
  values: Float64Array;
  scratch: Float64Array;
  index: Uint32Array;
  indexScratch: Uint32Array;
}

/**
 * Allocate sort space for ranking up to n values.
 *
 * @param n the longest column to rank
 * @returns the space, reusable across columns
 * @example rankInto(values, out, rankSpace(values.length))
 */
export function rankSpace(n: number): RankSpace {
  return { values: new Float64Array(n), scratch: new Float64Array(n), index: new Uint32Array(n), indexScratch: new Uint32Array(n) };
}

/**
 * Ranks 1..n of `values` into `out`, ties sharing their average rank (the
 * convention of Spearman's correlation). Values must not be NaN.
 *
 * @param values the values (left untouched)
 * @param out receives the ranks
 * @param space sort space of at least values.length
 * @returns `out`
 * @example rankInto(Float64Array.of(10, 30, 20, 20), out) // out = [1, 4, 2.5, 2.5]
 */
export function rankInto(values: Float64Array, out: Float64Array, space: RankSpace = rankSpace(values.length)): Float64Array {
  const n = values.length;
  const v = space.values.subarray(0, n);
  v.set(values);
  const idx = space.index.subarray(0, n);
  for (let i = 0; i < n; i++) idx[i] = i;
  radixSort(v, space.scratch, idx, space.indexScratch);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && v[j] === v[i]) j++;
    const r = (i + j + 1) / 2; // average of ranks i+1 … j
    for (let k = i; k < j; k++) out[idx[k]] = r;
    i = j;
  }
  return out;
}

/**
 * Σ (a_i − m)(b_i − m) over the first n trials, m = (n + 1)/2: the
 * numerator of Spearman's ρ, and with a = b its denominator's factors. Four
 * partial sums (i mod 4) so the adds do not wait on one another; the order is
 * fixed, so the result is the same on every thread.
 *
 * @param a ranks 1..n of one variable
 * @param b ranks 1..n of the other
 * @param n how many to use
 * @returns the centred cross product
 * @example centredRankProduct(Float64Array.of(1, 2, 3), Float64Array.of(3, 2, 1), 3) // -2
 */
export function centredRankProduct(a: Float64Array, b: Float64Array, n: number): number {
  const m = (n + 1) / 2;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] - m) * (b[i] - m);
    s1 += (a[i + 1] - m) * (b[i + 1] - m);
    s2 += (a[i + 2] - m) * (b[i + 2] - m);
    s3 += (a[i + 3] - m) * (b[i + 3] - m);
  }
  for (; i < n; i++) s0 += (a[i] - m) * (b[i] - m);
  return s0 + s1 + (s2 + s3);
}

/**
 * Pearson correlation of two rank vectors of 1..n (mean (n + 1)/2): Spearman's ρ.
 *
 * @param a ranks of one variable
 * @param b ranks of the other
 * @param n how many to use
 * @returns ρ in [−1, 1], NaN when either is constant
 * @example rankCorrelation(Float64Array.of(1, 2, 3), Float64Array.of(3, 2, 1)) // -1
 */
export function rankCorrelation(a: Float64Array, b: Float64Array, n = a.length): number {
  return correlationOf(centredRankProduct(a, b, n), centredRankProduct(a, a, n), centredRankProduct(b, b, n));
}

/**
 * ρ from the centred products (centredRankProduct): a sensitivity computes
 * each variable's own product once and reuses it for every pair.
 *
 * @param ab Σ (a − m)(b − m)
 * @param aa Σ (a − m)²
 * @param bb Σ (b − m)²
 * @returns ρ, NaN when either variable is constant
 * @example correlationOf(-2, 2, 2) // -1
 */
export function correlationOf(ab: number, aa: number, bb: number): number {
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : NaN;
}

/** An output's Spearman ρ with each input, and its mean when the input sits in its bottom and top decile (the tornado's swing), in input order. */
export interface InputEffects { rho: Float64Array; bottom: Float64Array; top: Float64Array }

/** Tails of a tornado: deciles, as @RISK draws it. */
const DECILES = 10;

/** The trials in an input's bottom and top decile, in trial order. */
export interface Deciles { bottom: Int32Array; top: Int32Array }

/**
 * The trials whose input sits in its bottom decile (rank ≤ k) and its top
 * decile (rank > n − k), k = ⌊n/10⌋ trials each, so the swing compares tails
 * of one size whatever n; read from the input's ranks so no second sort is
 * needed. Ties share their average rank, so a tie straddling a cut falls
 * wholly on one side.
 *
 * @param ranks the input's ranks 1..n
 * @param n trials
 * @returns the two sets of trial indices, ascending
 * @example decilesOf(Float64Array.from({ length: 10 }, (_, i) => i + 1), 10) // { bottom: [0], top: [9] }
 */
export function decilesOf(ranks: Float64Array, n: number): Deciles {
  const cut = Math.floor(n / DECILES), top = n - cut;
  let nlo = 0, nhi = 0;
  for (let i = 0; i < n; i++) {
    nlo += +(ranks[i] <= cut);
    nhi += +(ranks[i] > top);
  }
  const d = { bottom: new Int32Array(nlo), top: new Int32Array(nhi) };
  for (let i = 0, lo = 0, hi = 0; i < n; i++) {
    if (ranks[i] <= cut) d.bottom[lo++] = i;
    else if (ranks[i] > top) d.top[hi++] = i;
  }
  return d;
}

/**
 * Mean of `values` at the given trials, NaN values skipped.
 *
 * @param values the output, trial by trial
 * @param trials indices into values
 * @returns the mean, NaN when no value is left
 * @example meanAt(Float64Array.of(1, NaN, 3, 5), Int32Array.of(0, 1, 2)) // 2
 */
export function meanAt(values: Float64Array, trials: Int32Array): number {
  let sum = 0, count = 0;
  for (let k = 0; k < trials.length; k++) {
    const v = values[trials[k]];
    if (v === v) {
      sum += v;
      count++;
    }
  }
  return count ? sum / count : NaN;
}
