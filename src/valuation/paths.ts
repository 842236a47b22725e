import type { Plan } from '../plan.ts';
import { allocateFlows } from '../kernel/flows.ts';
import { hardwareFlows } from '../kernel/hardware.ts';
import { modelFlows, supersession } from '../kernel/model.ts';
import { HARDWARE_SCALARS, MD, MODEL_INPUTS } from '../schema.ts';
import { FEATURES, observe, RATE_FEATURES } from './basis.ts';

/** Trials simulated before their months are written out: a block stays in cache, and each month-major row is written in runs. */
const BLOCK = 32;
/** Features that change with t, each a row per month; the rates hold from t = 0 on, one row each. */
const MONTHLY = Array.from({ length: FEATURES }, (_, f) => f).filter((f) => !(RATE_FEATURES as readonly number[]).includes(f));

/**
 * The last asset's storage, held weakly: a worker calibrates its assets one
 * after the other, and reusing the ~100 MB spares the page faults of fresh
 * memory (about a quarter of the forward pass); a garbage collection (the
 * run's main pass) frees it.
 */
let spare: WeakRef<Float64Array> | undefined;

/** Storage for `length` values, every one of which the caller overwrites. */
function storage(length: number): Float64Array {
  const old = spare?.deref();
  const all = old && old.length === length ? old : new Float64Array(length);
  spare = new WeakRef(all);
  return all;
}

/** One asset's calibration trials, month-major: each row holds one value per trial. */
export interface CalibrationPaths {
  N: number;
  /** cash flow, net disposal value and the norm (n[t]·unitCost, or trainingCost): month t at [t·N + i], t = 0..H */
  CF: Float64Array;
  S: Float64Array;
  norm: Float64Array;
  /**
   * @param t a month
   * @returns the five features at t, one value per trial each
   */
  features(t: number): Float64Array[];
}

/**
 * The forward pass of the calibration: every calibration trial's monthly
 * flows and observable features for one asset, laid out month by month as
 * the backward regressions read them. Trials run in blocks, transposed in
 * cache: writing one trial's months straight into rows N apart (a power of
 * two) would land in one cache set and miss on every write.
 *
 * @param plan the run's plan
 * @param ai the asset's index in plan.assets
 * @param inputs the calibration inputs (calibrationInputs): column j of trial i at [j·N + i]
 * @returns the asset's paths
 * @example const { S, features } = calibrationPaths(plan, 0, calibrationInputs(plan, seed)); // S[t·N + i], features(t)[f][i]
 */
export function calibrationPaths(plan: Plan, ai: number, inputs: Float64Array): CalibrationPaths {
  const { H } = plan;
  const N = plan.calibrationTrials;
  const a = plan.assets[ai];
  const T = H + 1;
  // rows: CF, S, norm and the monthly features, T each, then one per rate
  const ROWS = (3 + MONTHLY.length) * T + RATE_FEATURES.length;
  const all = storage(ROWS * N), block = new Float64Array(ROWS * BLOCK);
  const fl = allocateFlows(H);
  const x = new Float64Array(FEATURES);
  const sMonth = new Float64Array(plan.assets.length);
  const draws = plan.assets.map((b) => new Float64Array(b.kind === 'hardware' ? HARDWARE_SCALARS.length : MODEL_INPUTS.length));
  const read = (columns: Int32Array, into: Float64Array, i: number) => {
    for (let j = 0; j < columns.length; j++) into[j] = inputs[columns[j] * N + i];
  };
  const util = a.kind === 'hardware' ? new Float64Array(a.utilization.length) : new Float64Array(0);
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
      if (a.kind === 'hardware') {
        read(a.in, draws[ai], i);
        read(a.utilization, util, i);
        hardwareFlows(a.fixed, draws[ai], util, H, fl);
      } else modelFlows(a.fixed, draws[ai], sMonth[ai], H, fl);
      const o = r * ROWS;
      for (let t = 0; t <= H; t++) {
        block[o + t] = fl.CF[t];
        block[o + T + t] = fl.S[t];
        block[o + 2 * T + t] = a.kind === 'hardware' ? fl.n[t] * a.fixed.unitCost : a.K;
        observe(a, fl, draws[ai], sMonth[ai], t, x);
        for (let k = 0; k < MONTHLY.length; k++) block[o + (3 + k) * T + t] = x[MONTHLY[k]];
      }
      for (let k = 0; k < RATE_FEATURES.length; k++) block[o + ROWS - RATE_FEATURES.length + k] = x[RATE_FEATURES[k]];
    }
    for (let row = 0; row < ROWS; row++) {
      const to = row * N + i0;
      for (let r = 0; r < n; r++) all[to + r] = block[r * ROWS + row];
    }
  }
  const row = (k: number) => all.subarray(k * N, (k + 1) * N);
  const rates = RATE_FEATURES.map((_, k) => row(ROWS - RATE_FEATURES.length + k));
  return {
    N,
    CF: all.subarray(0, T * N),
    S: all.subarray(T * N, 2 * T * N),
    norm: all.subarray(2 * T * N, 3 * T * N),
    features: (t) => Array.from({ length: FEATURES }, (_, f) => {
      const k = MONTHLY.indexOf(f);
      return k >= 0 ? row((3 + k) * T + t) : rates[RATE_FEATURES.indexOf(f as (typeof RATE_FEATURES)[number])];
    }),
  };
}
