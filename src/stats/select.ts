import { radixSort } from './radix-sort.ts';

/** Below this many values a range is finished by insertion sort: cheaper than partitioning it further. */
const SMALL = 32;

/**
 * Reorder the first n values of `a` in place so that, for every rank r in
 * `ranks`, a[r] holds the value a full ascending sort would put there, with
 * every value before it ≤ it and every value after it ≥ it: the order
 * statistics a summary needs, at a fraction of a sort's cost. Multiple
 * quickselect whose partitions are branch-free (a sign test added to an
 * index, so random data costs no mispredicted branches: ~2 ns a value
 * against ~8 branching), split three ways where a rank needs it (columns hold
 * long runs of equal values, such as zero write-downs), with median-of-three
 * pivots at pseudo-random positions and a radix sort of any range that partitions badly, so no input
 * takes more than O(n log n). Deterministic: the same values in the same
 * order end in the same order. NaN must have been removed.
 *
 * @param a the values (reordered in place)
 * @param n how many of them
 * @param ranks 0-based ranks to place, ascending, each in [0, n)
 * @param scratch at least n values of work space (used only for a bad range)
 * @returns `a`
 * @example selectRanks(Float64Array.of(5, 1, 4, 2, 3), 5, [0, 2], new Float64Array(5))[2] // 3
 */
export function selectRanks(a: Float64Array, n: number, ranks: ArrayLike<number>, scratch: Float64Array): Float64Array {
  seed = SEED;
  if (ranks.length > 0 && n > 1) select(a, 0, n - 1, ranks, 0, ranks.length, 2 * Math.ceil(Math.log2(n)), scratch);
  return a;
}

/** Place ranks[rlo … rhi), all within [lo, hi], by partitioning [lo, hi]; after `depth` partitions the range is sorted instead. */
function select(a: Float64Array, lo: number, hi: number, ranks: ArrayLike<number>, rlo: number, rhi: number, depth: number, scratch: Float64Array): void {
  while (rlo < rhi) {
    if (hi - lo < SMALL) return insertionSort(a, lo, hi);
    if (depth-- === 0) {
      radixSort(a.subarray(lo, hi + 1), scratch);
      return;
    }
    const size = hi - lo + 1;
    const p = medianOf3(a[lo + next() % size], a[lo + next() % size], a[lo + next() % size]);
    // [lo, lt) < p ≤ [lt, hi]
    const lt = partitionBelow(a, lo, hi, p, false);
    let left = rlo;
    while (left < rhi && ranks[left] < lt) left++;
    // ranks at or above lt: split off the values equal to p, which are in place already
    let gt = lt - 1, right = left;
    if (left < rhi) {
      gt = partitionBelow(a, lt, hi, p, true) - 1; // [lt, gt] = p < (gt, hi]
      while (right < rhi && ranks[right] <= gt) right++;
    }
    // recurse into the side with fewer values, loop on the other
    if (lt - lo < hi - gt) {
      select(a, lo, lt - 1, ranks, rlo, left, depth, scratch);
      lo = gt + 1;
      rlo = right;
    } else {
      select(a, gt + 1, hi, ranks, right, rhi, depth, scratch);
      hi = lt - 1;
      rhi = left;
    }
  }
}

/** Move the values of [lo, hi] below p (or ≤ p, `orEqual`) to its front, branch-free; returns the end of that front. */
function partitionBelow(a: Float64Array, lo: number, hi: number, p: number, orEqual: boolean): number {
  let j = lo;
  if (orEqual) {
    for (let i = lo; i <= hi; i++) {
      const v = a[i];
      const moves = +(v <= p);
      a[i] = a[j];
      a[j] = v;
      j += moves;
    }
  } else {
    for (let i = lo; i <= hi; i++) {
      const v = a[i];
      const moves = +(v < p);
      a[i] = a[j];
      a[j] = v;
      j += moves;
    }
  }
  return j;
}

/** Pivot positions come from a fixed xorshift sequence, restarted per call: no ordering of the values (sorted, reversed, organ-pipe) defeats them, and the result stays deterministic. */
const SEED = 0x9e3779b9 | 0;
let seed = SEED;
function next(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

function medianOf3(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
