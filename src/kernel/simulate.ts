import type { ModelPlan, Plan } from '../plan.ts';
import { HARDWARE_SCALARS, MD, MODEL_INPUTS, PATH_QUANTITIES, PQ } from '../schema.ts';
import { unitsOfProductionBook } from './book.ts';
import { allocateFlows, type Flows } from './flows.ts';
import { FILL, hardwareFlows, type Fill } from './hardware.ts';
import { createBookResult, impairment, type BookResult } from './impairment.ts';
import { modelFlows, supersession } from './model.ts';
import { paybackMonth, recoverable } from './recoverable.ts';
import { expectedValues, realizedValue } from './expected.ts';
import { FEATURES, type MonthFit } from '../valuation/basis.ts';
import { compileRule } from '../valuation/rule.ts';

/** One trial's draws of an asset: scalars at the offsets of HW or MD, and a cohort's utilization per tier. */
interface Draws {
  x: Float64Array;
  utilization: Float64Array;
}

/** Everything the kernel writes between trials, allocated once per worker and plan. */
export interface KernelState {
  flows: Flows;
  draws: Draws[];
  res: BookResult;
  /** supersession month of each model in the current trial (NaN for hardware) */
  s: Float64Array;
  /** the own book's monthly carrying amount, for path recording */
  carrying: Float64Array;
  /** exit month of the asset just finished */
  exit: number;
  /** expected valuation: each asset's compiled rule (null: pathwise) */
  rules: Float64Array[] | null;
  /** the observed features of one month, then the continuation fitted to them (expectedValues) */
  x: Float64Array;
  /** per asset, what its flows must hold (FILL): the expected rule's features (a model's revenue), a units-of-production book's monthly units, or only what every book reads */
  fill: Fill[];
}

/**
 * Where to record the monthly paths (PATH_QUANTITIES) of the first K trials;
 * see `pathIndex` for the layout.
 */
export interface PathSink {
  K: number;
  data: Float64Array;
}

/**
 * Position of asset a's quantity q at month t for recorded trial k:
 * ((a·|PATH_QUANTITIES| + q)·(H + 1) + t)·K + k, so each (asset, quantity,
 * month) row holds the K trials side by side, as the bands read them.
 *
 * @param K trials recorded
 * @param H horizon in months
 * @param a asset index
 * @param q quantity, a PQ offset
 * @param t month
 * @returns the index of trial 0; trial k is k further
 */
export function pathIndex(K: number, H: number, a: number, q: number, t: number): number {
  return ((a * PATH_QUANTITIES.length + q) * (H + 1) + t) * K;
}

/**
 * @param plan the run's plan
 * @param fits the expected valuation's fits per asset (from calibrateAsset), or null for pathwise
 * @returns kernel scratch for one worker
 */
export function createKernelState(plan: Plan, fits: MonthFit[][] | null = null): KernelState {
  return {
    flows: allocateFlows(plan.H),
    draws: plan.assets.map((a) => ({
      x: new Float64Array(a.kind === 'hardware' ? HARDWARE_SCALARS.length : MODEL_INPUTS.length),
      utilization: new Float64Array(a.kind === 'hardware' ? a.utilization.length : 0),
    })),
    res: createBookResult(plan.testMonths.length, plan.H),
    s: new Float64Array(plan.assets.length).fill(NaN),
    carrying: new Float64Array(plan.H + 1),
    exit: 0,
    rules: fits && fits.map(compileRule),
    x: new Float64Array(FEATURES + 1),
    fill: plan.assets.map((a) => (fits ? FILL.observed : a.kind === 'hardware' && a.books.some((b) => b.schedule === null) ? FILL.units : FILL.books)),
  };
}

/**
 * Run the model for `count` trials whose inputs are already in `buf` (chunk
 * layout of Plan), writing every output column, and the monthly paths of
 * trials start + i < paths.K. Allocates nothing.
 *
 * @param plan the run's plan
 * @param state this worker's scratch
 * @param buf the chunk: column j at buf[j·count, (j + 1)·count)
 * @param count trials in the chunk
 * @param start index of the chunk's first trial in the run
 * @param paths where to record monthly paths, if anywhere
 */
export function simulateChunk(plan: Plan, state: KernelState, buf: Float64Array, count: number, start = 0, paths?: PathSink): void {
  for (let i = 0; i < count; i++) {
    const k = paths && start + i < paths.K ? start + i : -1;
    for (let o = 0; o < plan.order.length; o++) {
      const ai = plan.order[o];
      const a = plan.assets[ai];
      const draws = state.draws[ai];
      readDraws(a.in, draws.x, buf, count, i);
      if (a.kind === 'hardware') {
        readDraws(a.utilization, draws.utilization, buf, count, i);
        hardwareFlows(a.fixed, draws.x, draws.utilization, plan.H, state.flows, state.fill[ai]);
      } else modelTrial(a, ai, draws.x, plan.H, state);
      finishAsset(plan, ai, state, buf, count, i, k >= 0);
      if (k >= 0) recordPaths(plan, ai, state, paths!, k);
    }
  }
  // a source at a time over the whole chunk: the same additions in the same order as a sum per trial (0 + s0 + s1 + …), in loops without an inner loop per trial
  for (const { target, sources } of plan.sums) {
    const t0 = target * count;
    // a sum of nothing is 0 (no plan builds one; the buffer is reused, so it must not keep the last chunk's values)
    if (sources.length === 0) buf.fill(0, t0, t0 + count);
    for (let k = 0; k < sources.length; k++) {
      const s0 = sources[k] * count;
      if (k === 0) for (let i = 0; i < count; i++) buf[t0 + i] = 0 + buf[s0 + i];
      else for (let i = 0; i < count; i++) buf[t0 + i] += buf[s0 + i];
    }
  }
}

/**
 * Copy trial i's value of each input column into x, in the plan's (schema) order.
 *
 * @example readDraws(asset.in, x, buf, count, i); x[HW.rentalPrice] // trial i's rent
 */
export function readDraws(columns: Int32Array, x: Float64Array, buf: Float64Array, count: number, i: number): void {
  for (let j = 0; j < columns.length; j++) x[j] = buf[columns[j] * count + i];
}

/** A model's supersession month (capped by its parent's, evaluated first) and its monthly flows. */
function modelTrial(a: ModelPlan, ai: number, x: Float64Array, H: number, st: KernelState): void {
  const s = supersession(a.fixed.releaseMonth, x[MD.lifespanMonths], a.parent >= 0 ? st.s[a.parent] : Infinity);
  st.s[ai] = s;
  modelFlows(a.fixed, x, s, H, st.flows, st.fill[ai] === FILL.observed);
}

/** Recoverable amount and exit, then every book variant's carrying amounts, losses, charges and gaps. */
function finishAsset(plan: Plan, ai: number, st: KernelState, buf: Float64Array, count: number, i: number, record: boolean): void {
  const a = plan.assets[ai];
  const { H, testMonths } = plan;
  const fl = st.flows;
  const rule = st.rules?.[ai];
  const e = rule
    ? expectedValues(a, rule, fl, st.draws[ai].x, st.s[ai], H, plan.usgaap, plan.valuedMonths, record, st.x)
    : recoverable(fl.CF, fl.S, plan.d, H, a.kind === 'hardware', fl.V, plan.usgaap ? fl.W : null);
  const out = a.out;
  for (let k = 0; k < plan.valuedMonths.length; k++) {
    const t = plan.valuedMonths[k];
    buf[out.recoverable_m[k] * count + i] = t <= e ? fl.V[t] : NaN;
  }
  buf[out.exit_month * count + i] = e;
  // expected: what the holder's rule realizes on this path; pathwise: V[0], the same under foresight
  const value = rule ? realizedValue(fl.CF, fl.S, plan.d, e) : fl.V[0];
  buf[out.npv * count + i] = a.acquiredNow ? value - a.K : NaN;
  buf[out.payback_month * count + i] = a.acquiredNow ? paybackMonth(fl.CF, fl.S, a.K, H) : NaN;
  // the books carry the units in service at t = 0 (K0), and only the share f[t] of them later (filled with the flows)
  const f = fl.f;
  const K0 = a.kind === 'model' ? a.bookCost : fl.n[0] * a.fixed.unitCost;
  for (let b = 0; b < a.books.length; b++) {
    const book = a.books[b];
    // a tabulated schedule is per unit of K0 and scaled where it is read; units-of-production is filled in USD
    let B = book.schedule, scale = K0;
    if (B === null) {
      B = fl.B;
      scale = 1;
      if (a.kind === 'hardware') unitsOfProductionBook(K0 * book.cost, K0 * book.salvage, book.L, book.plannedUtilization, a.fixed.units, book.age0, fl.n, fl.u, H, B);
    }
    const res = st.res;
    const trace = record && b === 0;
    impairment(B, scale, K0 * book.salvage, f, fl.V, fl.W, fl.M, fl.S, testMonths, e, H, plan.usgaap, res, trace ? st.carrying : undefined);
    if (trace) st.exit = e;
    const o = book.out;
    for (let k = 0; k < testMonths.length; k++) {
      const t = testMonths[k];
      buf[o.writedown_m[k] * count + i] = res.cumulative[k];
      buf[o.gap_m[k] * count + i] = f[t] * (scale * B[t]) - fl.M[t];
    }
    buf[o.writedown * count + i] = res.total;
    buf[o.first_impairment_month * count + i] = res.first;
    buf[o.carrying_m0 * count + i] = res.carrying0;
    buf[o.charge_m0 * count + i] = res.charge0;
    for (let y = 0; y < o.charge_y.length; y++) buf[o.charge_y[y] * count + i] = res.chargeY[y];
    buf[o.failure_loss * count + i] = res.failure;
  }
}

/** The finished asset's C, V and M for trial k (V and M 0 after an exit: the asset is gone). */
function recordPaths(plan: Plan, ai: number, st: KernelState, p: PathSink, k: number): void {
  const H = plan.H, f = st.flows, e = st.exit, K = p.K;
  const C = pathIndex(K, H, ai, PQ.C, 0) + k, V = pathIndex(K, H, ai, PQ.V, 0) + k, M = pathIndex(K, H, ai, PQ.M, 0) + k;
  for (let t = 0; t <= H; t++) {
    const held = t <= e;
    p.data[C + t * K] = st.carrying[t];
    p.data[V + t * K] = held ? f.V[t] : 0;
    p.data[M + t * K] = held ? f.M[t] : 0;
  }
}
