import { FEATURES, type MonthFit } from './basis.ts';

/**
 * The fitted rule compiled for evaluation, one flat Float64Array per asset:
 * per month t, at t·MONTH_STRIDE, the feature means, the inverse scales (0
 * for a dropped feature) and the quadratic's coefficients for β and βu,
 * dense over every term (0 for a function the fit left out). Terms in the
 * order of `basisNames` with every feature kept: 1, z1..z5, then z_i·z_j for
 * i ≤ j, row by row.
 */

/** Dense terms of the quadratic: 1, five features, fifteen products. */
export const TERMS = 1 + FEATURES + (FEATURES * (FEATURES + 1)) / 2;
/** Offset of β within a month's block. */
export const BETA = 2 * FEATURES;
/** Offset of βu within a month's block (0s under IFRS). */
export const BETA_U = BETA + TERMS;
/** Values per month in a compiled rule. */
export const MONTH_STRIDE = BETA_U + TERMS;

/** The dense term of z_i·z_j, i ≤ j (0-based features): 6 for z1², 20 for z5². */
function pairTerm(i: number, j: number): number {
  return 1 + FEATURES + i * FEATURES - (i * (i - 1)) / 2 + (j - i);
}

/**
 * @param name a basis function as valuation.json names it: "1", "x3", "x1*x2"
 * @returns its dense term
 * @example termOf('x2*x3') // pairTerm(1, 2) = 11
 */
export function termOf(name: string): number {
  if (name === '1') return 0;
  const [a, b] = name.split('*').map((f) => Number(f.slice(1)) - 1);
  return b === undefined ? 1 + a : pairTerm(a, b);
}

/**
 * Write one month's fit into a rule at offset o.
 *
 * @param fit the month's fit, as valuation.json holds it
 * @param rule the compiled rule
 * @param o the month's offset, t·MONTH_STRIDE
 * @example
 * const rule = new Float64Array(MONTH_STRIDE);
 * compileMonthInto({ t: 0, trials: 2, mean: [1, 0, 0, 0, 0], scale: [2, 0, 0, 0, 0], basis: ['1', 'x1'], beta: [3, 4], r2: 1 }, rule, 0);
 * const c = new Float64Array(1);
 * continuation(rule, 0, Float64Array.of(5, 0, 0, 0, 0), BETA, c, 0); // c[0] = 3 + 4·(5 − 1)/2 = 11
 */
export function compileMonthInto(fit: MonthFit, rule: Float64Array, o: number): void {
  rule.fill(0, o, o + MONTH_STRIDE);
  for (let f = 0; f < FEATURES; f++) {
    rule[o + f] = fit.mean[f];
    rule[o + FEATURES + f] = fit.scale[f] > 0 ? 1 / fit.scale[f] : 0;
  }
  fit.basis.forEach((name, k) => {
    const term = termOf(name);
    rule[o + BETA + term] = fit.beta[k];
    if (fit.betaU) rule[o + BETA_U + term] = fit.betaU[k];
  });
}

/**
 * @param fits one asset's fits, t = 0..H − 1
 * @returns its compiled rule
 * @example compileRule(calibration.months)[t * MONTH_STRIDE + BETA] // β of "1" at t
 */
export function compileRule(fits: MonthFit[]): Float64Array {
  const rule = new Float64Array(fits.length * MONTH_STRIDE);
  fits.forEach((fit, t) => compileMonthInto(fit, rule, t * MONTH_STRIDE));
  return rule;
}

/**
 * The fitted continuation value per unit of the norm, Σ_k β_k·φ_k(z) with
 * z_i = (x_i − mean_i)·(1 / scale_i), nested by feature: 20 multiply-adds,
 * no branch. A dropped feature has mean and inverse scale 0, so its z is 0
 * (the features are finite) and its terms vanish.
 *
 * It writes the value rather than return it, and is the only place the
 * quadratic is spelled out. V8 never inlines a function this long, and a
 * double returned from a call is boxed: a heap number per month of every
 * trial. While the quadratic sat in a helper of its own, the kernel ran at
 * one of two speeds, 60 % apart, by the order V8 happened to compile it in
 * (4,096 default trials: 58–64 ms a chunk in some processes, 95–120 in others).
 *
 * @param rule a compiled rule
 * @param o the month's offset, t·MONTH_STRIDE
 * @param x the five observed features
 * @param beta BETA or BETA_U
 * @param out where the value goes, at out[k]
 * @param k its index
 * @example continuation(rule, t * MONTH_STRIDE, x, BETA, c, 0); c[0] * norm // Ĉ[t]
 */
export function continuation(rule: Float64Array, o: number, x: Float64Array, beta: number, out: Float64Array, k: number): void {
  const s = o + FEATURES;
  const z0 = (x[0] - rule[o]) * rule[s], z1 = (x[1] - rule[o + 1]) * rule[s + 1], z2 = (x[2] - rule[o + 2]) * rule[s + 2], z3 = (x[3] - rule[o + 3]) * rule[s + 3], z4 = (x[4] - rule[o + 4]) * rule[s + 4];
  const r = rule, b = o + beta;
  out[k] = (
    r[b] +
    z0 * (r[b + 1] + z0 * r[b + 6] + z1 * r[b + 7] + z2 * r[b + 8] + z3 * r[b + 9] + z4 * r[b + 10]) +
    z1 * (r[b + 2] + z1 * r[b + 11] + z2 * r[b + 12] + z3 * r[b + 13] + z4 * r[b + 14]) +
    z2 * (r[b + 3] + z2 * r[b + 15] + z3 * r[b + 16] + z4 * r[b + 17]) +
    z3 * (r[b + 4] + z3 * r[b + 18] + z4 * r[b + 19]) +
    z4 * (r[b + 5] + z4 * r[b + 20])
  );
}

/**
 * continuation() of every trial of one month at once, times its norm: Ĉ,
 * 0 where the norm is not positive.
 *
 * @param rule a compiled rule
 * @param o the month's offset, t·MONTH_STRIDE
 * @param features the five features, one value per trial each
 * @param norm n[t]·unitCost, or the model's norm (trainingCost, $1 if none), per trial
 * @param beta BETA or BETA_U
 * @param out Ĉ per trial
 * @example continuations(rule, t * MONTH_STRIDE, paths.features(t), norm, BETA, C);
 */
export function continuations(rule: Float64Array, o: number, features: Float64Array[], norm: Float64Array, beta: number, out: Float64Array): void {
  const [x0, x1, x2, x3, x4] = features;
  const x = new Float64Array(FEATURES);
  for (let i = 0; i < out.length; i++) {
    const w = norm[i];
    if (!(w > 0)) {
      out[i] = 0;
      continue;
    }
    x[0] = x0[i];
    x[1] = x1[i];
    x[2] = x2[i];
    x[3] = x3[i];
    x[4] = x4[i];
    continuation(rule, o, x, beta, out, i);
    out[i] *= w;
  }
}
