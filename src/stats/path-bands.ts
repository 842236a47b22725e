import { percentileSorted } from './percentile.ts';
import { radixSort } from './radix-sort.ts';

export const BANDS = ['p5', 'p25', 'p50', 'p75', 'p95', 'mean'] as const;
const LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95];

/**
 * Percentile bands over the first `count` recorded trials of one quantity,
 * month by month, in the PathSink layout with `K` trials per row. `assets`
 * lists the asset indices to add up (one for an asset, all for the
 * portfolio). Returns bands[b·(H + 1) + t] in BANDS order.
 */
export function pathBands(data: Float64Array, K: number, count: number, H: number, q: number, assets: number[], space: { values: Float64Array; scratch: Float64Array }): Float64Array {
  const out = new Float64Array(BANDS.length * (H + 1));
  const v = space.values.subarray(0, count);
  for (let t = 0; t <= H; t++) {
    v.fill(0);
    for (const a of assets) {
      const base = ((a * 3 + q) * (H + 1) + t) * K;
      for (let k = 0; k < count; k++) v[k] += data[base + k];
    }
    let sum = 0;
    for (let k = 0; k < count; k++) sum += v[k];
    radixSort(v, space.scratch);
    LEVELS.forEach((p, b) => (out[b * (H + 1) + t] = percentileSorted(v, p, count)));
    out[5 * (H + 1) + t] = sum / count;
  }
  return out;
}
