import type { Flows } from './flows.ts';
import type { ModelAsset } from '../scenario/types.ts';
import { MD } from '../schema.ts';

/** What a trained-model asset fixes for every trial. */
export type ModelFixed = Pick<ModelAsset, 'releaseMonth' | 'rampMonths'>;

/**
 * Fill CF, zero M, S (weights have no secondary market), f = 1 (a model is
 * never partly out of service) and, when asked, the revenue R (in `rate`),
 * for t = 0..H.
 *
 * @param c the model's fixed parameters
 * @param x one trial's draws, at the offsets of MD
 * @param s the supersession month, already capped by the parent's
 * @param H horizon in months
 * @param f the flows to fill
 * @param revenue also fill R: the expected valuation observes it, the scenario check sums it; a pathwise run reads only CF (a pow a trial and a store a month fewer)
 */
export function modelFlows(c: ModelFixed, x: Float64Array, s: number, H: number, f: Flows, revenue: boolean): void {
  const { CF, M, S, rate } = f;
  f.f.fill(1);
  const tokenPriceCompression = x[MD.tokenPriceCompression], tailFraction = x[MD.tailFraction], peak = x[MD.peakMonthlyRevenue];
  const compress = Math.pow(1 - tokenPriceCompression, 1 / 12);
  const keep = 1 - x[MD.servingCostRatio];
  // (1 − tokenPriceCompression)^(α/12): one pow at the first month with revenue, then a multiply a month
  let price = Math.pow(1 - tokenPriceCompression, Math.max(1, 1 - c.releaseMonth) / 12);
  let live = false;
  CF[0] = 0;
  M[0] = 0;
  S[0] = 0;
  // R[0] by the formula: what the holder observes at t = 0
  const age0 = -c.releaseMonth;
  if (revenue) rate[0] = age0 <= 0 ? 0 : peak * Math.min(1, age0 / c.rampMonths) * Math.pow(1 - tokenPriceCompression, age0 / 12) * (0 <= s ? 1 : tailFraction);
  for (let t = 1; t <= H; t++) {
    M[t] = 0;
    S[t] = 0;
    const age = t - c.releaseMonth;
    if (age <= 0) {
      CF[t] = 0;
      if (revenue) rate[t] = 0;
      continue;
    }
    if (live) price *= compress;
    live = true;
    const ramp = age < c.rampMonths ? age / c.rampMonths : 1;
    const tail = t <= s ? 1 : tailFraction;
    // multiplied in MODEL.md's order, so ties in the exit decision resolve as the formula does
    const R = peak * ramp * price * tail;
    if (revenue) rate[t] = R;
    CF[t] = R * keep;
  }
}

/**
 * Supersession month: release + lifespan, capped by the parent's.
 *
 * @param releaseMonth the model's release month
 * @param lifespanMonths its sampled competitive life
 * @param parentS the parent's supersession month (Infinity without a parent)
 * @returns s
 * @example supersession(-3, 9, 4) // 4
 */
export function supersession(releaseMonth: number, lifespanMonths: number, parentS: number): number {
  const s = releaseMonth + lifespanMonths;
  return parentS < s ? parentS : s;
}
