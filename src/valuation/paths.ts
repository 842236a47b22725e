import type { Plan } from '../plan.ts';
import { allocateFlows } from '../kernel/flows.ts';
import { FILL, hardwareFlows } from '../kernel/hardware.ts';
import { modelFlows, supersession } from '../kernel/model.ts';
import { HARDWARE_SCALARS, MD, MODEL_INPUTS } from '../schema.ts';
import { annualized, FEATURES, modelAge, observe, RATE_FEATURES, superseded, years } from './basis.ts';

/** Trials simulated before their months are written out: a block stays in cache, and each month-major row is written in runs. */
const BLOCK = 32;

/**
 * The last asset's storage, held weakly: a worker calibrates its assets one
 * after the other, and reusing the memory spares the page faults of fresh
 * memory (about a quarter of the forward pass); a garbage collection (the
 * run's main pass) frees it.
 */
let spare: WeakRef<Float64Array> | undefined;

/** Storage for `length` values, every one of which the caller overwrites. */
function storage(length: number): Float64Array {
  const old = spare?.deref();
  const all = old && old.length >= length ? old : new Float64Array(length);
  spare = new WeakRef(all);
  return all.subarray(0, length);
}

/** One asset's calibration trials, month by month: each accessor returns one value per trial, for month t = 0..H. */
export interface CalibrationPaths {
  N: number;
  /** cash flow at t */
  CF(t: number): Float64Array;
  /** net disposal value at t */
  S(t: number): Float64Array;
  /** the norm at t: n[t]·unitCost (hardware) or the model's norm (trainingCost, $1 if none) */
  norm(t: number): Float64Array;
  /**
   * The five features at t. A feature the paths do not store (a cohort's
   * x1, a model's x2 and x3) is formed in scratch that the next call reuses.
   *
   * @param t a month
   * @returns the five features at t, one value per trial each
   */
  features(t: number): Float64Array[];
}

/**
 * What the forward pass stores of each trial, month-major, in rows of N
 * values: the month rows (`perMonth` of them, T = H + 1 rows each) and the
 * trial rows (`perTrial`, one row each). What is the same in every trial,
 * or follows from a stored row, is formed when read (see CalibrationPaths).
 */
const LAYOUT = {
  /** CF, S, norm, x2 (margin), x3 (since ship); x1 = S / norm where norm > 0; then the rates */
  hardware: { perMonth: 5, perTrial: RATE_FEATURES.length },
  /** CF, x1 (revenue); then s (supersession) and the rates; S is 0 and the norm the model's (trainingCost, $1 if none) */
  model: { perMonth: 2, perTrial: 1 + RATE_FEATURES.length },
};

/**
 * The forward pass of the calibration: every calibration trial's monthly
 * flows and observable features for one asset, laid out month by month as
 * the backward regressions read them. Trials run in blocks, transposed in
 * cache: writing one trial's months straight into rows N apart (a power of
 * two) would land in one cache set and miss on every write. Only what varies
 * from trial to trial and cannot be formed from another row is stored (see
 * LAYOUT); the rest is formed bit for bit as observe() forms it.
 *
 * @param plan the run's plan
 * @param ai the asset's index in plan.assets
 * @param inputs the calibration inputs (calibrationInputs): column j of trial i at [j·N + i]
 * @returns the asset's paths
 * @example const { S, features } = calibrationPaths(plan, 0, calibrationInputs(plan, seed)); // S(t)[i], features(t)[f][i]
 */
export function calibrationPaths(plan: Plan, ai: number, inputs: Float64Array): CalibrationPaths {
  const { H } = plan;
  const N = plan.calibrationTrials;
  const a = plan.assets[ai];
  const hardware = a.kind === 'hardware';
  const T = H + 1;
  const { perMonth, perTrial } = LAYOUT[a.kind];
  const ROWS = perMonth * T + perTrial;
  // the stored rows, then two of scratch for the features formed when read
  const all = storage((ROWS + 2) * N), block = new Float64Array(ROWS * BLOCK);
  const fl = allocateFlows(H);
  const x = new Float64Array(FEATURES);
  const sMonth = new Float64Array(plan.assets.length);
  const draws = plan.assets.map((b) => new Float64Array(b.kind === 'hardware' ? HARDWARE_SCALARS.length : MODEL_INPUTS.length));
  const read = (columns: Int32Array, into: Float64Array, i: number) => {
    for (let j = 0; j < columns.length; j++) into[j] = inputs[columns[j] * N + i];
  };
  const util = a.kind === 'hardware' ? new Float64Array(a.utilization.length) : new Float64Array(0);
  // the norm is n[t]·unitCost for a cohort, trainingCost ($1 if none) for a model
  const cost = a.kind === 'hardware' ? a.fixed.unitCost : a.norm;
  const rates = ROWS - RATE_FEATURES.length;
  for (let i0 = 0; i0 < N; i0 += BLOCK) {
    const n = Math.min(BLOCK, N - i0);
    for (let r = 0; r < n; r++) {
      const i = i0 + r;
      // a model's supersession is capped by its parent's: evaluate the models before this one in plan order
      for (const bi of plan.order) {
        const b = plan.assets[bi];
        if (b.kind === 'model') {
          read(b.in, draws[bi], i);
          sMonth[bi] = supersession(b.fixed.releaseMonth, draws[bi][MD.lifespanMonths], b.parent >= 0 ? sMonth[b.parent] : Infinity);
        }
        if (bi === ai) break;
      }
      const o = r * ROWS;
      // the stored features straight from the flows, as observe() forms them; the rates once, below
      if (a.kind === 'hardware') {
        read(a.in, draws[ai], i);
        read(a.utilization, util, i);
        hardwareFlows(a.fixed, draws[ai], util, H, fl, FILL.observed);
        const { CF, S, n, rate, sinceShip } = fl;
        for (let t = 0; t <= H; t++) {
          block[o + t] = CF[t];
          block[o + T + t] = S[t];
          block[o + 2 * T + t] = n[t] * cost;
          block[o + 3 * T + t] = annualized(rate[t], cost);
          block[o + 4 * T + t] = years(sinceShip[t]);
        }
      } else {
        modelFlows(a.fixed, draws[ai], sMonth[ai], H, fl, true);
        const { CF, rate } = fl;
        for (let t = 0; t <= H; t++) {
          block[o + t] = CF[t];
          block[o + T + t] = annualized(rate[t], cost);
        }
        block[o + 2 * T] = sMonth[ai];
      }
      observe(a, fl, draws[ai], sMonth[ai], 0, x);
      for (let k = 0; k < RATE_FEATURES.length; k++) block[o + rates + k] = x[RATE_FEATURES[k]];
    }
    for (let row = 0; row < ROWS; row++) {
      const to = row * N + i0;
      for (let r = 0; r < n; r++) all[to + r] = block[r * ROWS + row];
    }
  }
  const row = (k: number) => all.subarray(k * N, (k + 1) * N);
  const rate = RATE_FEATURES.map((_, k) => row(rates + k));
  const scratch = [row(ROWS), row(ROWS + 1)];
  if (hardware) {
    return {
      N,
      CF: (t) => row(t),
      S: (t) => row(T + t),
      norm: (t) => row(2 * T + t),
      features: (t) => {
        // x1 = S[t] / (n[t]·unitCost): the norm is that product, and a trial whose norm is not positive is in no fit
        const S = row(T + t), w = row(2 * T + t), x1 = scratch[0];
        for (let i = 0; i < N; i++) x1[i] = w[i] > 0 ? S[i] / w[i] : 0;
        return [x1, row(3 * T + t), row(4 * T + t), ...rate];
      },
    };
  }
  const [zero, norm] = scratch;
  zero.fill(0);
  norm.fill(cost);
  const s = row(2 * T), x2 = new Float64Array(N), x3 = new Float64Array(N);
  const releaseMonth = a.kind === 'model' ? a.fixed.releaseMonth : 0;
  return {
    N,
    CF: (t) => row(t),
    S: () => zero,
    norm: () => norm,
    features: (t) => {
      for (let i = 0; i < N; i++) x2[i] = superseded(t, s[i]);
      x3.fill(modelAge(releaseMonth, t));
      return [row(T + t), x2, x3, ...rate];
    },
  };
}
