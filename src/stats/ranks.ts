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
 * Pearson correlation of two rank vectors of 1..n (mean (n + 1)/2): Spearman's ρ.
 *
 * @param a ranks of one variable
 * @param b ranks of the other
 * @param n how many to use
 * @returns ρ in [−1, 1], NaN when either is constant
 * @example rankCorrelation(Float64Array.of(1, 2, 3), Float64Array.of(3, 2, 1)) // -1
 */
export function rankCorrelation(a: Float64Array, b: Float64Array, n = a.length): number {
  const m = (n + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - m, y = b[i] - m;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** An output's Spearman ρ with each input, and its mean when the input sits in its bottom and top decile (the tornado's swing), in input order. */
export interface InputEffects { rho: Float64Array; bottom: Float64Array; top: Float64Array }

/** The share of trials in each tail of a tornado: deciles, as @RISK draws it. */
const DECILE = 0.1;

/**
 * Mean of `values` over the trials whose input sits in its bottom decile
 * (rank ≤ n/10) and in its top decile (rank > n − n/10), read from the input's
 * ranks so no second sort is needed: the two ends of a tornado bar, in the
 * output's own unit. Ties share their average rank, so a tie straddling a
 * cut falls wholly on one side.
 *
 * @param values the output, trial by trial: finite, or NaN (skipped)
 * @param ranks the input's ranks 1..n
 * @param n trials
 * @returns [bottom-decile mean, top-decile mean], NaN for an empty side
 * @example decileMeans(Float64Array.from({ length: 10 }, (_, i) => i), Float64Array.from({ length: 10 }, (_, i) => i + 1), 10) // [0, 9]
 */
export function decileMeans(values: Float64Array, ranks: Float64Array, n = values.length): [number, number] {
  const cut = n * DECILE, top = n - cut;
  let lo = 0, nlo = 0, hi = 0, nhi = 0;
  // branch-free (a trial lands in a tail at random, so a branch mispredicts): adding 0 leaves a sum as it was
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const has = +(v === v); // not NaN
    const x = has ? v : 0;
    const inLo = +(ranks[i] <= cut) * has, inHi = +(ranks[i] > top) * has;
    lo += x * inLo;
    nlo += inLo;
    hi += x * inHi;
    nhi += inHi;
  }
  return [nlo ? lo / nlo : NaN, nhi ? hi / nhi : NaN];
}
