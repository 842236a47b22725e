import { percentileSorted } from '../stats/percentile.ts';

/**
 * Mean of the finite values (a trial's NaN: the figure is undefined in it), NaN when there are none.
 *
 * @example mean(Float64Array.of(1, 2, NaN, 6)) // 3
 */
export function mean(x: Float64Array): number {
  let s = 0, n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) {
    s += x[i];
    n++;
  }
  return n === 0 ? NaN : s / n;
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
 * A fraction as a whole percentage with its sign where it matters: -0.1 → "−10%";
 * from a million percent on (a negative discount rate over a long horizon),
 * with an exponent: −1.81e+98%, not −1.805477615840068e+98%.
 *
 * @example percent(0.456) // '46%'
 */
export function percent(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const p = Math.round(100 * x), a = Math.abs(p);
  return `${p < 0 ? '−' : ''}${a >= 1e6 ? a.toExponential(2) : a}%`;
}

/**
 * A check's figures, or, when it does not apply, the same keys all null: never NaN or Infinity.
 *
 * @param why why the check does not apply, or null
 * @example applicable('no training cost', { meanRatio: NaN }) // { meanRatio: null }
 */
export function applicable(why: string | null, f: Record<string, number>): Record<string, number | null> {
  return why === null ? f : Object.fromEntries(Object.keys(f).map((k) => [k, null]));
}
