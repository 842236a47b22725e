import type { Plan } from '../plan.ts';
import { allocateFlows } from '../kernel/flows.ts';
import { hardwareFlows } from '../kernel/hardware.ts';
import { modelFlows, supersession } from '../kernel/model.ts';
import { normalEquations, solveMinNorm } from '../math/least-squares.ts';
import { planChunks } from '../sampling/chunk-plan.ts';
import { createChunkSampler, sampleChunk } from '../sampling/sample-chunk.ts';
import { HARDWARE_SCALARS, MD, MODEL_INPUTS } from '../schema.ts';
import { basisNames, compileMonth, FEATURES, observe, RATE_FEATURES, type MonthFit } from './basis.ts';

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
 * Draw the calibration trials' inputs: like the run's own (same
 * distributions and correlations), plain random sampling.
 *
 * @param plan the run's plan
 * @param seed the run's seed
 * @returns input column j of trial i at [j·N + i]
 */
export function calibrationInputs(plan: Plan, seed: string): Float64Array {
  const N = plan.calibrationTrials, width = plan.inputs.length;
  const out = new Float64Array(width * N);
  const sampler = createChunkSampler(plan, { kind: 'random', seed: calibrationSeed(seed) });
  const buf = new Float64Array(width * CALIBRATION_CHUNK);
  for (const chunk of planChunks(N, CALIBRATION_CHUNK)) {
    const part = buf.subarray(0, width * chunk.count);
    sampleChunk(sampler, chunk, part);
    for (let j = 0; j < width; j++) out.set(part.subarray(j * chunk.count, (j + 1) * chunk.count), j * N + chunk.start);
  }
  return out;
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
  const N = plan.calibrationTrials;
  const a = plan.assets[ai];
  const T = H + 1;
  // per month t, trial i at [t·N + i]: what the backward pass reads
  const CF = new Float64Array(T * N), S = new Float64Array(T * N), norm = new Float64Array(T * N), X = new Float64Array(FEATURES * T * N);
  const fl = allocateFlows(H);
  const x = new Float64Array(FEATURES);
  const sMonth = new Float64Array(plan.assets.length);
  const draws = plan.assets.map((b) => new Float64Array(b.kind === 'hardware' ? HARDWARE_SCALARS.length : MODEL_INPUTS.length));
  const read = (columns: Int32Array, into: Float64Array, i: number) => {
    for (let j = 0; j < columns.length; j++) into[j] = inputs[columns[j] * N + i];
  };
  const util = a.kind === 'hardware' ? new Float64Array(a.utilization.length) : new Float64Array(0);
  for (let i = 0; i < N; i++) {
    // a model's supersession is capped by its parent's: evaluate the models before this one in plan order
    for (const bi of plan.order) {
      const b = plan.assets[bi];
      if (b.kind === 'model') {
        read(b.in, draws[bi], i);
        sMonth[bi] = supersession(b.fixed.releaseMonth, draws[bi][MD.lifespanMonths], b.parent >= 0 ? sMonth[b.parent] : Infinity);
      }
      if (bi === ai) break;
    }
    if (a.kind === 'hardware') {
      read(a.in, draws[ai], i);
      read(a.utilization, util, i);
      hardwareFlows(a.fixed, draws[ai], util, H, fl);
    } else modelFlows(a.fixed, draws[ai], sMonth[ai], H, fl);
    for (let t = 0; t <= H; t++) {
      CF[t * N + i] = fl.CF[t];
      S[t * N + i] = fl.S[t];
      norm[t * N + i] = a.kind === 'hardware' ? fl.n[t] * a.fixed.unitCost : a.K;
      observe(a, fl, draws[ai], sMonth[ai], t, x);
      for (let f = 0; f < FEATURES; f++) X[(f * T + t) * N + i] = x[f];
    }
  }

  const Z = S.slice(H * N, T * N), Zu = Z.slice(), Vp = Z.slice();
  const Y = new Float64Array(N), Yu = new Float64Array(N), C = new Float64Array(N);
  const design = createDesign(N);
  const fits: MonthFit[] = [];
  for (let t = H - 1; t >= 0; t--) {
    for (let i = 0; i < N; i++) {
      Y[i] = d * (CF[(t + 1) * N + i] + Z[i]);
      Yu[i] = CF[(t + 1) * N + i] + Zu[i];
      // the pathwise V of the same trials, for the foresight premium
      const hold = d * (CF[(t + 1) * N + i] + Vp[i]), s = S[t * N + i];
      Vp[i] = s >= hold ? s : hold;
    }
    const features = Array.from({ length: FEATURES }, (_, f) => X.subarray((f * T + t) * N, (f * T + t + 1) * N));
    const fit = fitMonth(t, N, norm.subarray(t * N, (t + 1) * N), features, Y, usgaap ? Yu : null, design, C);
    fits.push(fit);
    for (let i = 0; i < N; i++) {
      const s = S[t * N + i];
      if (a.kind === 'hardware' && s >= C[i]) {
        Z[i] = s;
        Zu[i] = s;
      } else {
        Z[i] = Y[i];
        Zu[i] = Yu[i];
      }
    }
  }
  let pathwise = 0, expected = 0;
  for (let i = 0; i < N; i++) {
    pathwise += Vp[i];
    expected += S[i] >= C[i] ? S[i] : C[i]; // C holds Ĉ[0] after the last fit
  }
  return { months: fits.reverse(), foresight: { pathwiseV0: pathwise / N, expectedV0: expected / N } };
}

/** Columns reused month after month: standardized features, basis functions and targets, one value per calibration trial. */
interface Design {
  z: Float64Array[];
  basis: Float64Array[];
  y: Float64Array;
  yu: Float64Array;
  yhat: Float64Array;
}

function createDesign(N: number): Design {
  const col = () => new Float64Array(N);
  return { z: Array.from({ length: FEATURES }, col), basis: Array.from({ length: MAX_BASIS }, col), y: col(), yu: col(), yhat: col() };
}

/** 1, five features, their squares and pairwise products. */
const MAX_BASIS = 1 + FEATURES + (FEATURES * (FEATURES + 1)) / 2;

/**
 * One month's regressions: standardize the features over the trials with a
 * positive norm, choose the basis, fit β (and βu, on the same Gram matrix) by
 * minimum-norm least squares, and leave the fitted continuation value Ĉ of
 * every trial in C (0 where the norm is 0). Column by column: a trial left
 * out of the fit is 0 in every column.
 */
function fitMonth(t: number, N: number, norm: Float64Array, features: Float64Array[], Y: Float64Array, Yu: Float64Array | null, D: Design, C: Float64Array): MonthFit {
  let trials = 0;
  for (let i = 0; i < N; i++) if (norm[i] > 0) trials++;
  const mean: number[] = [], scale: number[] = [], kept: boolean[] = [], binary: boolean[] = [];
  for (let f = 0; f < FEATURES; f++) {
    const v = features[f];
    // the first two distinct values seen: a third means the feature is not two-valued
    let sum = 0, min = Infinity, max = -Infinity, first = NaN, second = NaN, twoValues = true;
    for (let i = 0; i < N; i++) {
      if (!(norm[i] > 0)) continue;
      const x = v[i];
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (Number.isNaN(first)) first = x;
      else if (x !== first) {
        if (Number.isNaN(second)) second = x;
        else if (x !== second) twoValues = false;
      }
    }
    const m = trials > 0 ? sum / trials : 0;
    let ss = 0;
    for (let i = 0; i < N; i++) if (norm[i] > 0) ss += (v[i] - m) ** 2;
    const rate = t === 0 && (RATE_FEATURES as readonly number[]).includes(f);
    kept.push(!rate && trials > 0 && max > min);
    binary.push(twoValues);
    mean.push(kept[f] ? m : 0);
    scale.push(kept[f] ? Math.sqrt(ss / trials) : 0);
  }
  const basis = basisNames(kept, binary);
  const p = basis.length;
  const month = compileMonth({ t, trials, mean, scale, basis, beta: new Array(p).fill(0), r2: NaN });

  // standardized features as standardize() forms them, then each basis column as fitted() multiplies it
  for (let f = 0; f < FEATURES; f++) {
    const v = features[f], z = D.z[f];
    for (let i = 0; i < N; i++) z[i] = norm[i] > 0 && scale[f] > 0 ? (v[i] - mean[f]) / scale[f] : 0;
  }
  const ones = D.yhat; // borrowed until the fit: the constant column
  for (let i = 0; i < N; i++) ones[i] = norm[i] > 0 ? 1 : 0;
  const columns = D.basis.slice(0, p);
  for (let k = 0; k < p; k++) {
    const fa = month.fa[k], fb = month.fb[k], col = columns[k];
    const A = fa < 0 ? ones : D.z[fa], B = fb < 0 ? ones : D.z[fb];
    for (let i = 0; i < N; i++) col[i] = A[i] * B[i];
  }
  for (let i = 0; i < N; i++) {
    const include = norm[i] > 0;
    D.y[i] = include ? Y[i] / norm[i] : 0;
    D.yu[i] = include && Yu ? Yu[i] / norm[i] : 0;
  }
  const G = new Float64Array(p * p), b = new Float64Array(p), bu = new Float64Array(p);
  normalEquations(columns, Yu ? [D.y, D.yu] : [D.y], N, G, [b, bu]);
  const beta = new Float64Array(p), betaU = new Float64Array(p);
  if (trials > 0) {
    solveMinNorm(G, b, p, beta);
    if (Yu) solveMinNorm(G, bu, p, betaU);
  }
  const fit: MonthFit = { t, trials, mean, scale, basis, beta: Array.from(beta), r2: rSquared(columns, beta, D.y, norm, trials, D.yhat) };
  for (let i = 0; i < N; i++) C[i] = norm[i] > 0 ? norm[i] * D.yhat[i] : 0;
  if (Yu) {
    fit.betaU = Array.from(betaU);
    fit.r2U = rSquared(columns, betaU, D.yu, norm, trials, D.yhat);
    // yhat now holds the undiscounted fit; C keeps Ĉ for the exit rule
  }
  return fit;
}

/** R² of y on the fitted Σ_k β_k·column_k (left in yhat), over the trials with a positive norm; 1 when y does not vary. */
function rSquared(columns: Float64Array[], beta: Float64Array, y: Float64Array, norm: Float64Array, trials: number, yhat: Float64Array): number {
  const N = y.length;
  yhat.fill(0);
  for (let k = 0; k < columns.length; k++) {
    const col = columns[k], bk = beta[k];
    for (let i = 0; i < N; i++) yhat[i] += bk * col[i];
  }
  let sy = 0, syy = 0, sse = 0;
  for (let i = 0; i < N; i++) {
    if (!(norm[i] > 0)) continue;
    sy += y[i];
    syy += y[i] * y[i];
    sse += (y[i] - yhat[i]) ** 2;
  }
  const sst = syy - (sy * sy) / Math.max(trials, 1);
  return sst > 0 ? 1 - sse / sst : 1;
}
