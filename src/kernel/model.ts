import type { Flows } from './flows.ts';
import type { ModelAsset } from '../scenario/types.ts';

/** What a trained-model asset fixes for every trial. */
export type ModelFixed = Pick<ModelAsset, 'releaseMonth' | 'rampMonths'>;

/** One trial's draws for a model; reused across trials. */
export interface ModelDraw {
  lifespanMonths: number;
  peakMonthlyRevenue: number;
  tokenPriceCompression: number;
  tailFraction: number;
  servingCostRatio: number;
}

/**
 * Fill CF (and zero M, S: weights have no secondary market) for t = 0..H,
 * given the supersession month s (already capped by the parent's).
 */
export function modelFlows(c: ModelFixed, x: ModelDraw, s: number, H: number, f: Flows): void {
  const { CF, M, S } = f;
  const compress = Math.pow(1 - x.tokenPriceCompression, 1 / 12);
  const keep = 1 - x.servingCostRatio;
  // (1 − tokenPriceCompression)^(α/12): one pow at the first month with revenue, then a multiply a month
  let price = Math.pow(1 - x.tokenPriceCompression, Math.max(1, 1 - c.releaseMonth) / 12);
  let live = false;
  CF[0] = 0;
  M[0] = S[0] = 0;
  for (let t = 1; t <= H; t++) {
    M[t] = S[t] = 0;
    const age = t - c.releaseMonth;
    if (age <= 0) {
      CF[t] = 0;
      continue;
    }
    if (live) price *= compress;
    live = true;
    const ramp = age < c.rampMonths ? age / c.rampMonths : 1;
    // multiplied in MODEL.md's order, so ties in the exit decision resolve as the formula does
    CF[t] = x.peakMonthlyRevenue * ramp * price * (t <= s ? 1 : x.tailFraction) * keep;
  }
}

/** Supersession month: release + lifespan, capped by the parent's (NaN parent = none). */
export function supersession(releaseMonth: number, lifespanMonths: number, parentS: number): number {
  const s = releaseMonth + lifespanMonths;
  return parentS < s ? parentS : s;
}
