import type { AssetPlan } from '../plan.ts';
import { fitted, observe, standardize, type CompiledMonth } from '../valuation/basis.ts';
import type { Flows } from './flows.ts';

/** Scratch for the features of one month. */
export interface ObserveSpace {
  x: Float64Array;
  z: Float64Array;
}

/**
 * Recoverable amounts when the holder knows only what is observable
 * (MODEL.md "`expected`"), month by month with the fitted coefficients:
 * Ĉ[t] = norm·β[t]·φ(x[t]) (0 where nothing is left in service),
 * V[t] = max(S[t], Ĉ[t]), W[t] = max(S[t], Ĉu[t]) (US GAAP; else W = V),
 * and a cohort is sold at the first t < H with S[t] ≥ Ĉ[t]. Months after the
 * sale are left as they are (nothing reads them).
 *
 * @param a the asset's plan
 * @param months its compiled fits, t = 0..H − 1
 * @param fl the trial's flows
 * @param draws the trial's draws (HW or MD offsets)
 * @param s a model's supersession month
 * @param H horizon in months
 * @param usgaap fill W from the undiscounted fit
 * @param sp feature scratch
 * @returns exitMonth
 */
export function expectedValues(a: AssetPlan, months: CompiledMonth[], fl: Flows, draws: Float64Array, s: number, H: number, usgaap: boolean, sp: ObserveSpace): number {
  const { S, V, W } = fl;
  for (let t = 0; t < H; t++) {
    const norm = a.kind === 'hardware' ? fl.n[t] * a.fixed.unitCost : a.K;
    let c = 0, cu = 0;
    if (norm > 0) {
      const m = months[t];
      observe(a, fl, draws, s, t, sp.x);
      standardize(m, sp.x, sp.z);
      c = norm * fitted(m, m.beta, sp.z);
      cu = usgaap ? norm * fitted(m, m.betaU!, sp.z) : c;
    }
    V[t] = S[t] >= c ? S[t] : c;
    W[t] = S[t] >= cu ? S[t] : cu;
    if (a.kind === 'hardware' && S[t] >= c) return t;
  }
  V[H] = S[H];
  W[H] = S[H];
  return H;
}

/**
 * The trial's realized discounted value under its exit rule:
 * Σ_{t=1..e} d^t CF[t] + d^e S[e].
 *
 * @param CF cash flows
 * @param S net disposal value
 * @param d monthly discount factor
 * @param e exit month
 * @returns the value at t = 0
 */
export function realizedValue(CF: Float64Array, S: Float64Array, d: number, e: number): number {
  let v = 0, df = 1;
  for (let t = 1; t <= e; t++) {
    df *= d;
    v += df * CF[t];
  }
  return v + df * S[e];
}
