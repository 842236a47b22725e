import type { AssetPlan } from '../plan.ts';
import { FEATURES, observe } from '../valuation/basis.ts';
import { BETA, BETA_U, continuation, MONTH_STRIDE } from '../valuation/rule.ts';
import type { Flows } from './flows.ts';

/**
 * Recoverable amounts when the holder knows only what is observable
 * (MODEL.md "`expected`"), month by month with the compiled rule:
 * Ĉ[t] = norm·β[t]·φ(x[t]) (0 where nothing is left in service),
 * V[t] = max(S[t], Ĉ[t]), W[t] = max(S[t], Ĉu[t]) (US GAAP), and a cohort is
 * sold at the first t < H with S[t] ≥ Ĉ[t].
 *
 * Only what is read afterwards is filled, since the rule costs a fit per
 * month: a cohort's V up to its exit (the rule needs every Ĉ), a model's V at
 * the valued months (it never exits), every month of V when `everyMonth`
 * (paths), W at the valued months under US GAAP, and V[H], W[H]. Other
 * months are left as they are.
 *
 * @param a the asset's plan
 * @param rule its compiled rule (compileRule), t = 0..H − 1
 * @param fl the trial's flows
 * @param draws the trial's draws (HW or MD offsets)
 * @param s a model's supersession month
 * @param H horizon in months
 * @param usgaap fill W from the undiscounted fit
 * @param valued the valued months, increasing (t = 0 and the test months)
 * @param everyMonth fill V at every month (a trial whose paths are recorded)
 * @param x scratch of FEATURES + 1: the month's features, then the fitted continuation (continuation() writes it there)
 * @returns exitMonth
 * @example const e = expectedValues(a, compileRule(fits), fl, draws, s, plan.H, plan.usgaap, plan.valuedMonths, false, x); // fl.V[0..e]
 */
export function expectedValues(
  a: AssetPlan, rule: Float64Array, fl: Flows, draws: Float64Array, s: number, H: number,
  usgaap: boolean, valued: Int32Array, everyMonth: boolean, x: Float64Array,
): number {
  const { S, V, W } = fl;
  const hardware = a.kind === 'hardware';
  let k = 0; // next valued month
  for (let t = 0; t < H; t++) {
    const shown = k < valued.length && valued[k] === t;
    if (shown) k++;
    if (!hardware && !shown && !everyMonth) continue;
    const norm = hardware ? fl.n[t] * a.fixed.unitCost : a.norm;
    const o = t * MONTH_STRIDE;
    let c = 0;
    if (norm > 0) {
      observe(a, fl, draws, s, t, x);
      continuation(rule, o, x, BETA, x, FEATURES);
      c = norm * x[FEATURES];
    }
    V[t] = S[t] >= c ? S[t] : c;
    if (usgaap && shown) {
      let cu = 0;
      if (norm > 0) {
        continuation(rule, o, x, BETA_U, x, FEATURES);
        cu = norm * x[FEATURES];
      }
      W[t] = S[t] >= cu ? S[t] : cu;
    }
    if (hardware && S[t] >= c) return t;
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
 * @example realizedValue(Float64Array.of(0, 10, 10), Float64Array.of(0, 5, 0), 0.5, 1) // 0.5·10 + 0.5·5 = 7.5
 */
export function realizedValue(CF: Float64Array, S: Float64Array, d: number, e: number): number {
  let v = 0, df = 1;
  for (let t = 1; t <= e; t++) {
    df *= d;
    v += df * CF[t];
  }
  return v + df * S[e];
}
