import { percentileSorted } from '../stats/percentile.ts';

/**
 * Mean of the values.
 *
 * @example mean(Float64Array.of(1, 2, 6)) // 3
 */
export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/**
 * Percentiles (numpy's default interpolation) of the finite values, NaN when there are none.
 *
 * @example percentiles(Float64Array.of(4, 1, 3, 2), [0.5]) // [2.5]
 */
export function percentiles(x: Float64Array, ps: readonly number[]): number[] {
  const sorted = x.filter(Number.isFinite).sort();
  return ps.map((p) => percentileSorted(sorted, p));
}

/**
 * Median of the finite values.
 *
 * @example median(Float64Array.of(5, 1, 3)) // 3
 */
export function median(x: Float64Array): number {
  return percentiles(x, [0.5])[0];
}

/**
 * A fraction as a whole percentage with its sign where it matters: -0.1 → "−10%".
 *
 * @example percent(0.456) // '46%'
 */
export function percent(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const p = Math.round(100 * x);
  return `${p < 0 ? '−' : ''}${Math.abs(p)}%`;
}
