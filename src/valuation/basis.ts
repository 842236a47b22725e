import type { AssetPlan } from '../plan.ts';
import type { Flows } from '../kernel/flows.ts';
import { HW, MD } from '../schema.ts';

/** Observable features per asset and month (MODEL.md "`expected`"). */
export const FEATURES = 5;

/** Features 4 and 5 are rates that hold from t = 0 on: the first month reveals them, so the fit at t = 0 leaves them out. */
export const RATE_FEATURES = [3, 4] as const;

/**
 * The fit of one month for one asset, as `valuation.json` holds it.
 * Ĉ[t] = norm · Σ_k beta[k] · φ_k(z), z_i = (x_i − mean[i]) / scale[i]; norm = n[t]·unitCost (hardware) or trainingCost (model; $1 for one that cost nothing).
 */
export interface MonthFit {
  t: number;
  /** calibration trials in the fit (n[t] > 0) */
  trials: number;
  mean: number[];
  /** 0 marks a dropped feature */
  scale: number[];
  /** kept functions in the order of beta: "1", "x1", "x1*x2" (i ≤ j) */
  basis: string[];
  beta: number[];
  r2: number;
  betaU?: number[];
  r2U?: number;
}

/**
 * The holder's observable state x[t] of MODEL.md: hardware, per surviving
 * unit and relative to unitCost — net disposal value, annualized margin,
 * years since the newest generation shipped, priceCompression, failureRate;
 * a model, relative to trainingCost ($1 if it cost nothing) — annualized revenue, superseded (0/1),
 * age in years, tokenPriceCompression, servingCostRatio.
 *
 * @param a the asset's plan
 * @param fl the trial's flows, filled with what this reads: FILL.observed (hardware), `revenue` (a model)
 * @param draws the trial's draws at the offsets of HW or MD
 * @param s the model's supersession month (unused for hardware)
 * @param t the month
 * @param x the five features, filled
 * @example observe(a, fl, draws, s, 12, x); // x[0]: a cohort's S[12] per surviving unit, relative to unitCost
 */
export function observe(a: AssetPlan, fl: Flows, draws: Float64Array, s: number, t: number, x: Float64Array): void {
  if (a.kind === 'hardware') {
    const unitCost = a.fixed.unitCost;
    x[0] = fl.n[t] > 0 ? fl.S[t] / (fl.n[t] * unitCost) : 0;
    x[1] = annualized(fl.rate[t], unitCost);
    x[2] = years(fl.sinceShip[t]);
    x[3] = draws[HW.priceCompression];
    x[4] = draws[HW.failureRate];
  } else {
    x[0] = annualized(fl.rate[t], a.norm);
    x[1] = superseded(t, s);
    x[2] = modelAge(a.fixed.releaseMonth, t);
    x[3] = draws[MD.tokenPriceCompression];
    x[4] = draws[MD.servingCostRatio];
  }
}

/**
 * A monthly amount annualized, relative to a cost: a cohort's x2 (margin per
 * unit over unitCost), a model's x1 (revenue over trainingCost).
 *
 * @param perMonth the monthly amount
 * @param cost what it is relative to; 0 gives 0
 * @returns 12 · perMonth / cost
 * @example annualized(250, 30000) // 0.1
 */
export function annualized(perMonth: number, cost: number): number {
  return cost > 0 ? (12 * perMonth) / cost : 0;
}

/**
 * Months in years: a cohort's x3 (since the newest generation shipped).
 *
 * @example years(18) // 1.5
 */
export function years(months: number): number {
  return months / 12;
}

/**
 * A model's feature x2: superseded at t (itself or through its parent).
 *
 * @param t the month
 * @param s its supersession month
 * @returns 1 once t > s, else 0
 * @example superseded(12, 10) // 1
 */
export function superseded(t: number, s: number): number {
  return t > s ? 1 : 0;
}

/**
 * A model's feature x3: its age in years, the same in every trial.
 *
 * @param releaseMonth its release month
 * @param t the month
 * @returns (t − releaseMonth) / 12, negative before release
 * @example modelAge(-6, 6) // 1
 */
export function modelAge(releaseMonth: number, t: number): number {
  return years(t - releaseMonth);
}

/**
 * The basis for the kept features: 1, each kept x_i, then x_i·x_j for kept
 * i ≤ j — except the square of a feature with two values only (an affine
 * function of it, so a duplicated column).
 *
 * @param kept whether each feature has spread
 * @param binary whether each feature takes exactly two values
 * @returns the names, as in valuation.json
 * @example basisNames([true, true, false, false, false], [false, true, false, false, false]) // ['1', 'x1', 'x2', 'x1*x1', 'x1*x2']
 */
export function basisNames(kept: boolean[], binary: boolean[]): string[] {
  const names = ['1'];
  for (let i = 0; i < FEATURES; i++) if (kept[i]) names.push(`x${i + 1}`);
  for (let i = 0; i < FEATURES; i++) {
    for (let j = i; j < FEATURES; j++) if (kept[i] && kept[j] && !(i === j && binary[i])) names.push(`x${i + 1}*x${j + 1}`);
  }
  return names;
}
