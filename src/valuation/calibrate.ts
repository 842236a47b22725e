import type { Plan } from '../plan.ts';
import { solveMinNorm } from '../math/least-squares.ts';
import { planChunks, type Chunk } from '../sampling/chunk-plan.ts';
import { createChunkSampler, sampleChunk, type ChunkSampler } from '../sampling/sample-chunk.ts';
import { basisNames, FEATURES, RATE_FEATURES, type MonthFit } from './basis.ts';
import { calibrationPaths } from './paths.ts';
import { spreads, type Spread } from './spread.ts';
import { momentEquations, warmMoments } from './moments.ts';
import { BETA, compileMonthInto, continuations, MONTH_STRIDE, termOf } from './rule.ts';

/** One asset's calibration: its monthly fits, and what foresight adds to V[0] on the same trials. */
export interface Calibration {
  months: MonthFit[];
  /** mean V[0] over the calibration trials: pathwise (each trial knows its future) and expected (the fitted rule) */
  foresight: { pathwiseV0: number; expectedV0: number };
}

/** Calibration trials per sampling chunk: fixed, so the draws depend on the seed alone. */
export const CALIBRATION_CHUNK = 4096;

/**
 * The stream key of the calibration draws: derived from the run's seed and
 * nothing else, so every worker and every shard of a split run draws the
 * same calibration set whatever the trial count or chunk size.
 *
 * @param seed the run's seed
 * @returns the seed of the calibration sampler
 */
export function calibrationSeed(seed: string): string {
  return `${seed}:calibration`;
}

/**
 * The sampler of the calibration trials: like the run's own (same
 * distributions and correlations), plain random sampling on their own stream.
 *
 * @param plan the run's plan
 * @param seed the run's seed
 * @returns a sampler for drawCalibrationChunk
 * @example const sampler = calibrationSampler(plan, '42');
 */
export function calibrationSampler(plan: Plan, seed: string): ChunkSampler {
  return createChunkSampler(plan, { kind: 'random', seed: calibrationSeed(seed) });
}

/**
 * The chunks the calibration trials are drawn in: each has a random stream
 * of its own, so they can be drawn in any order, in any thread.
 *
 * @param plan the run's plan
 * @returns the chunks, CALIBRATION_CHUNK trials each
 * @example calibrationChunks(plan).length // 8 at 32,768 calibration trials
 */
export function calibrationChunks(plan: Plan): Chunk[] {
  return planChunks(plan.calibrationTrials, CALIBRATION_CHUNK);
}

/**
 * Draw one chunk of the calibration trials' inputs into `inputs`.
 *
 * @param plan the run's plan
 * @param sampler calibrationSampler(plan, seed)
 * @param chunk one of calibrationChunks(plan)
 * @param inputs room for every calibration trial's inputs: column j of trial i at [j·N + i]
 * @example for (const chunk of calibrationChunks(plan)) drawCalibrationChunk(plan, sampler, chunk, inputs);
 */
export function drawCalibrationChunk(plan: Plan, sampler: ChunkSampler, chunk: Chunk, inputs: Float64Array): void {
  sampleChunk(sampler, chunk, inputs, plan.calibrationTrials, chunk.start);
}

/**
 * Every calibration trial's inputs, drawn in this thread at once.
 *
 * @param plan the run's plan
 * @param seed the run's seed
 * @returns input column j of trial i at [j·N + i]
 * @example calibrateAsset(plan, 0, calibrationInputs(plan, '42'));
 */
export function calibrationInputs(plan: Plan, seed: string): Float64Array {
  const inputs = new Float64Array(plan.inputs.length * plan.calibrationTrials);
  const sampler = calibrationSampler(plan, seed);
  for (const chunk of calibrationChunks(plan)) drawCalibrationChunk(plan, sampler, chunk, inputs);
  return inputs;
}

/**
 * Least-squares Monte Carlo (Longstaff–Schwartz) for one asset, backward from
 * t = H − 1 to 0 (MODEL.md "`expected`"): regress the realized discounted
 * value of continuing, Y[t] = d·(CF[t+1] + Z[t+1]), per unit of the norm, on
 * the basis of the standardized observable features; a cohort exits where
 * S[t] ≥ Ĉ[t] (a tie exits), so Z[t] = S[t], else Z[t] = Y[t]; a model never
 * exits. Under US GAAP the same for the undiscounted Yu with the same rule.
 *
 * @param plan the run's plan
 * @param ai the asset's index in plan.assets
 * @param inputs the calibration inputs (calibrationInputs)
 * @returns one fit per month t = 0..H − 1, and the mean V[0] of the calibration trials with foresight and without
 */
export function calibrateAsset(plan: Plan, ai: number, inputs: Float64Array): Calibration {
  const { H, d, usgaap } = plan;
  const { kind } = plan.assets[ai];
  const hardware = kind === 'hardware';
  // the regressions' loop for the features this kind keeps after t = 0 gets optimized while the forward pass runs
  warmMoments(Float64Array.from(VARYING[kind]), usgaap);
  const { N, CF, S, norm, features } = calibrationPaths(plan, ai, inputs);
  // every month's design depends on the paths alone: the loops of the other sets of kept features get optimized in turn
  const rates: RateSpreads = [];
  const designs = Array.from({ length: H }, (_, t) => designOf(t, norm(t), features(t), rates));
  for (const m of designs) warmMoments(m.inv, usgaap);
  // Z[t + 1], Zu[t + 1] and the pathwise V[t + 1] of each trial, from t = H down
  const Z = S(H).slice(), Zu = Z.slice(), Vp = Z.slice();
  const Y = new Float64Array(N), Yu = new Float64Array(N), C = new Float64Array(N);
  const rule = new Float64Array(MONTH_STRIDE);
  const fits: MonthFit[] = [];
  for (let t = H - 1; t >= 0; t--) {
    const St = S(t), nt = norm(t), xt = features(t);
    continuing(d, CF(t + 1), St, Z, Zu, Vp, Y, Yu);
    const fit = fitMonth(designs[t], nt, xt, Y, usgaap ? Yu : null);
    fits.push(fit);
    // a cohort's exit rule needs Ĉ[t] of every trial; a model never exits, so only Ĉ[0] is read (the foresight figure)
    if (hardware || t === 0) {
      compileMonthInto(fit, rule, 0);
      continuations(rule, 0, xt, nt, BETA, C);
    }
    if (hardware) exitRule(St, C, Y, Yu, Z, Zu);
    else {
      Z.set(Y);
      Zu.set(Yu);
    }
  }
  let pathwise = 0, expected = 0;
  const S0 = S(0);
  for (let i = 0; i < N; i++) {
    pathwise += Vp[i];
    expected += S0[i] >= C[i] ? S0[i] : C[i]; // C holds Ĉ[0] after the last fit
  }
  return { months: fits.reverse(), foresight: { pathwiseV0: pathwise / N, expectedV0: expected / N } };
}

/** Y[t] = d·(CF[t+1] + Z[t+1]) and Yu[t] = CF[t+1] + Zu[t+1]; the pathwise V[t] = max(S[t], d·(CF[t+1] + V[t+1])) in place. */
function continuing(d: number, CF: Float64Array, S: Float64Array, Z: Float64Array, Zu: Float64Array, Vp: Float64Array, Y: Float64Array, Yu: Float64Array): void {
  for (let i = 0; i < Y.length; i++) {
    const cf = CF[i], s = S[i];
    Y[i] = d * (cf + Z[i]);
    Yu[i] = cf + Zu[i];
    const hold = d * (cf + Vp[i]);
    Vp[i] = s >= hold ? s : hold;
  }
}

/** A cohort's rule: sold where S[t] ≥ Ĉ[t] (a tie sells), Z[t] = Zu[t] = S[t]; else Z[t] = Y[t], Zu[t] = Yu[t]. */
function exitRule(S: Float64Array, C: Float64Array, Y: Float64Array, Yu: Float64Array, Z: Float64Array, Zu: Float64Array): void {
  for (let i = 0; i < S.length; i++) {
    const sell = S[i] >= C[i];
    Z[i] = sell ? S[i] : Y[i];
    Zu[i] = sell ? S[i] : Yu[i];
  }
}

/** Which features each kind of asset can keep after t = 0 (1: it can vary from trial to trial): a model's age is the same in every trial. */
const VARYING = { hardware: [1, 1, 1, 1, 1], model: [1, 1, 0, 1, 1] };

/** One month's design, from the paths alone: the trials in the fit, the standardization of the features and the basis. */
interface Design { t: number; trials: number; mean: number[]; scale: number[]; basis: string[]; inv: Float64Array; terms: Int32Array }

/**
 * Standardize the features over the trials with a positive norm and choose
 * the basis (MODEL.md "`expected`").
 */
function designOf(t: number, norm: Float64Array, features: Float64Array[], rates: RateSpreads): Design {
  const N = norm.length;
  let trials = 0;
  for (let i = 0; i < N; i++) if (norm[i] > 0) trials++;
  const mean: number[] = [], scale: number[] = [], kept: boolean[] = [], binary: boolean[] = [];
  const all = spreadsOf(features, norm, trials, rates);
  for (let f = 0; f < FEATURES; f++) {
    const st = all[f];
    const rate = t === 0 && (RATE_FEATURES as readonly number[]).includes(f);
    // a spread too small to square (below ~1e-154) is none: valuation.json marks a dropped feature by scale 0
    const sd = trials > 0 ? Math.sqrt(st.ss / trials) : 0;
    kept.push(!rate && st.max > st.min && sd > 0);
    binary.push(st.twoValues);
    mean.push(kept[f] ? st.mean : 0);
    scale.push(kept[f] ? sd : 0);
  }
  const basis = basisNames(kept, binary);
  return { t, trials, mean, scale, basis, inv: Float64Array.from(scale, (s) => (s > 0 ? 1 / s : 0)), terms: Int32Array.from(basis, termOf) };
}

/**
 * One month's regressions on its design: fit β (and βu, on the same Gram
 * matrix) by minimum-norm least squares from the moments of the
 * standardized features.
 */
function fitMonth(m: Design, norm: Float64Array, features: Float64Array[], Y: Float64Array, Yu: Float64Array | null): MonthFit {
  const { t, trials, mean, scale, basis } = m;
  const p = basis.length;
  const G = new Float64Array(p * p), b = new Float64Array(p), bu = new Float64Array(p);
  const design = { features, norm, mean: Float64Array.from(mean), inv: m.inv, basis: m.terms };
  const { yy, yuyu } = momentEquations(design, Y, Yu, G, b, bu);
  const beta = new Float64Array(p), betaU = new Float64Array(p);
  if (trials > 0) {
    solveMinNorm(G, b, p, beta);
    if (Yu) solveMinNorm(G, bu, p, betaU);
  }
  const fit: MonthFit = { t, trials, mean, scale, basis, beta: Array.from(beta), r2: rSquared(G, b, beta, yy, trials) };
  if (Yu) {
    fit.betaU = Array.from(betaU);
    fit.r2U = rSquared(G, bu, betaU, yuyu, trials);
  }
  return fit;
}

/** Spreads of the rate features over every trial, by feature: a rate is one row for all months. */
type RateSpreads = (Spread | undefined)[];

/** Every feature's spread (spreads()), a rate's computed once when every trial is in the fit. */
function spreadsOf(features: Float64Array[], norm: Float64Array, trials: number, rates: RateSpreads): Spread[] {
  const every = trials === norm.length;
  const cached = (f: number) => every && (RATE_FEATURES as readonly number[]).includes(f);
  const todo = features.map((_, f) => f).filter((f) => !(cached(f) && rates[f]));
  const fresh = spreads(todo.map((f) => features[f]), norm, trials);
  todo.forEach((f, k) => {
    if (cached(f)) rates[f] = fresh[k];
  });
  return features.map((_, f) => (todo.includes(f) ? fresh[todo.indexOf(f)] : rates[f]!));
}

/**
 * R² of the fit over the trials in it, from the normal equations:
 * SSE = yᵀy − 2βᵀb + βᵀGβ, SST = yᵀy − (Σy)²/n with Σy = b[0] (the basis
 * starts with 1); 1 when y does not vary beyond rounding (SST ≤ 4nε·yᵀy:
 * summing n terms in order errs by up to nε of yᵀy, and (Σy)²/n by 2nε).
 */
function rSquared(G: Float64Array, b: Float64Array, beta: Float64Array, yy: number, trials: number): number {
  const p = b.length;
  let bb = 0, gbb = 0;
  for (let i = 0; i < p; i++) {
    bb += beta[i] * b[i];
    // βᵀGβ from the upper triangle
    let row = G[i * p + i] * beta[i];
    for (let j = i + 1; j < p; j++) row += 2 * G[i * p + j] * beta[j];
    gbb += beta[i] * row;
  }
  const sst = yy - (b[0] * b[0]) / Math.max(trials, 1);
  if (!(sst > 4 * trials * Number.EPSILON * yy)) return 1;
  const sse = Math.max(0, yy - 2 * bb + gbb);
  return 1 - sse / sst;
}
