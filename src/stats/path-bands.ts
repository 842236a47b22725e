import { PATH_QUANTITIES } from '../schema.ts';
import { percentileRanks, percentileSorted } from './percentile.ts';
import { selectRanks } from './select.ts';

/** The columns of paths.arrow after t, series and quantity: five percentiles, then the mean. */
export const BANDS = ['p5', 'p25', 'p50', 'p75', 'p95', 'mean'] as const;
/** The percentile bands' levels, in BANDS order. */
const LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95];
/** Position of the mean in BANDS. */
const MEAN = BANDS.indexOf('mean');

/**
 * Percentile bands over the first `count` recorded trials of one quantity,
 * month by month, in the PathSink layout: quantity q of asset a at month t for
 * trial k sits at ((a·PATH_QUANTITIES.length + q)·(H + 1) + t)·K + k.
 *
 * @param data the path sink
 * @param K trials per sink row
 * @param count recorded trials to use (≤ K)
 * @param H horizon in months (months 0 … H)
 * @param q the quantity, an index into PATH_QUANTITIES (PQ.C, PQ.V, PQ.M)
 * @param assets the asset indices to add up (one for an asset, all for the portfolio)
 * @param space sort space of at least `count` values
 * @returns bands[b·(H + 1) + t] in BANDS order
 * @example pathBands(sink.data, sink.K, n, H, PQ.C, [0], space) // C of asset 0
 */
export function pathBands(data: Float64Array, K: number, count: number, H: number, q: number, assets: number[], space: { values: Float64Array; scratch: Float64Array }): Float64Array {
  const months = H + 1;
  const out = new Float64Array(BANDS.length * months);
  const v = space.values.subarray(0, count);
  const ranks = Int32Array.from(new Set(LEVELS.flatMap((p) => percentileRanks(p, count)))).sort();
  for (let t = 0; t <= H; t++) {
    v.fill(0);
    for (const a of assets) {
      const base = ((a * PATH_QUANTITIES.length + q) * months + t) * K;
      for (let k = 0; k < count; k++) v[k] += data[base + k];
    }
    let sum = 0;
    for (let k = 0; k < count; k++) sum += v[k];
    if (count > 0) selectRanks(v, count, ranks, space.scratch);
    for (let b = 0; b < LEVELS.length; b++) out[b * months + t] = percentileSorted(v, LEVELS[b], count);
    out[MEAN * months + t] = sum / count;
  }
  return out;
}
