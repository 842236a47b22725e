import type { HardwarePlan, ModelPlan, Plan } from '../plan.ts';
import { METHOD, unitsOfProductionBook } from './book.ts';
import { allocateFlows, type Flows } from './flows.ts';
import { hardwareFlows, type HardwareDraw } from './hardware.ts';
import { carryingPath, impairment } from './impairment.ts';
import { modelFlows, supersession, type ModelDraw } from './model.ts';
import { paybackMonth, recoverable } from './recoverable.ts';

/** Everything the kernel writes between trials, allocated once per worker and plan. */
export interface KernelState {
  flows: Flows;
  draws: (HardwareDraw | ModelDraw)[];
  /** impairment results: cumulative per test month, total, first month */
  res: Float64Array;
  /** supersession month of each model in the current trial (NaN for hardware) */
  s: Float64Array;
  /** carrying-amount states after each loss, and the monthly carrying amount, for path recording */
  events: Float64Array;
  carrying: Float64Array;
  /** exit month of the asset just finished */
  exit: number;
}

/**
 * Where to record monthly paths of the first K trials: for asset a, quantity
 * q (0 carrying amount C, 1 recoverable amount V, 2 market value M), month t
 * and trial k, at data[((a·3 + q)·(H + 1) + t)·K + k].
 */
export interface PathSink {
  K: number;
  data: Float64Array;
}

export function createKernelState(plan: Plan): KernelState {
  return {
    flows: allocateFlows(plan.H),
    draws: plan.assets.map((a) =>
      a.kind === 'hardware'
        ? { rentalPrice: 0, priceCompression: 0, firstSupersededAge: 0, cadenceMonths: 0, generationShock: 0, utilization: new Float64Array(a.utilization.length), resaleDecay: 0, resaleFloor: 0, resaleHaircut: 0, failureRate: 0, powerPrice: 0, pue: 0 }
        : { lifespanMonths: 0, peakMonthlyRevenue: 0, tokenPriceCompression: 0, tailFraction: 0, servingCostRatio: 0 },
    ),
    res: new Float64Array(plan.testMonths.length + 2),
    s: new Float64Array(plan.assets.length).fill(NaN),
    events: new Float64Array(1 + 3 * plan.testMonths.length),
    carrying: new Float64Array(plan.H + 1),
    exit: 0,
  };
}

/**
 * Run the model for `count` trials whose inputs are already in `buf` (chunk
 * layout of Plan), writing every output column, and the monthly paths of
 * trials start + i < paths.K. Allocates nothing.
 */
export function simulateChunk(plan: Plan, state: KernelState, buf: Float64Array, count: number, start = 0, paths?: PathSink): void {
  for (let i = 0; i < count; i++) {
    const k = paths && start + i < paths.K ? start + i : -1;
    for (let o = 0; o < plan.order.length; o++) {
      const ai = plan.order[o];
      const a = plan.assets[ai];
      if (a.kind === 'hardware') readHardware(a, state.draws[ai] as HardwareDraw, plan.H, state, buf, count, i);
      else readModel(a, ai, state.draws[ai] as ModelDraw, plan.H, state, buf, count, i);
      finishAsset(plan, a, state, buf, count, i, k >= 0);
      if (k >= 0) recordPaths(plan, ai, state, paths!, k);
    }
  }
  for (const { target, sources } of plan.sums) {
    const t0 = target * count;
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (let k = 0; k < sources.length; k++) sum += buf[sources[k] * count + i];
      buf[t0 + i] = sum;
    }
  }
}

/** Read one trial's draws for a cohort and fill its monthly flows. */
function readHardware(a: HardwarePlan, x: HardwareDraw, H: number, st: KernelState, buf: Float64Array, count: number, i: number): void {
  const c = a.in;
  x.rentalPrice = buf[c.rentalPrice * count + i];
  x.priceCompression = buf[c.priceCompression * count + i];
  x.firstSupersededAge = buf[c.firstSupersededAge * count + i];
  x.cadenceMonths = buf[c.cadenceMonths * count + i];
  x.generationShock = buf[c.generationShock * count + i];
  for (let k = 0; k < a.utilization.length; k++) x.utilization[k] = buf[a.utilization[k] * count + i];
  x.resaleDecay = buf[c.resaleDecay * count + i];
  x.resaleFloor = buf[c.resaleFloor * count + i];
  x.resaleHaircut = buf[c.resaleHaircut * count + i];
  x.failureRate = buf[c.failureRate * count + i];
  x.powerPrice = buf[c.powerPrice * count + i];
  x.pue = buf[c.pue * count + i];
  hardwareFlows(a.fixed, x, H, st.flows);
}

/** Read one trial's draws for a model and fill its monthly flows. */
function readModel(a: ModelPlan, ai: number, x: ModelDraw, H: number, st: KernelState, buf: Float64Array, count: number, i: number): void {
  const c = a.in;
  x.lifespanMonths = buf[c.lifespanMonths * count + i];
  x.peakMonthlyRevenue = buf[c.peakMonthlyRevenue * count + i];
  x.tokenPriceCompression = buf[c.tokenPriceCompression * count + i];
  x.tailFraction = buf[c.tailFraction * count + i];
  x.servingCostRatio = buf[c.servingCostRatio * count + i];
  const s = supersession(a.fixed.releaseMonth, x.lifespanMonths, a.parent >= 0 ? st.s[a.parent] : Infinity);
  st.s[ai] = s;
  modelFlows(a.fixed, x, s, H, st.flows);
}

/** Recoverable amount, exit, then every book variant's impairment and gaps. */
function finishAsset(plan: Plan, a: HardwarePlan | ModelPlan, st: KernelState, buf: Float64Array, count: number, i: number, record: boolean): void {
  const { H, testMonths } = plan;
  const f = st.flows;
  const e = recoverable(f.CF, f.S, plan.d, H, f.V, f.W);
  buf[a.out.recoverable0 * count + i] = f.V[0];
  buf[a.out.exitMonth * count + i] = e;
  buf[a.out.npv * count + i] = a.acquiredNow ? f.V[0] - a.K : NaN;
  buf[a.out.payback * count + i] = a.acquiredNow ? paybackMonth(f.CF, f.S, a.K, H) : NaN;
  const nT = testMonths.length;
  for (let b = 0; b < a.books.length; b++) {
    const book = a.books[b];
    let B = book.schedule;
    if (B === null) {
      B = f.B;
      if (book.method === METHOD['units-of-production'] && a.kind === 'hardware') {
        unitsOfProductionBook(book.K, book.salvage, book.L, book.plannedUtilization, a.fixed.units, a.fixed.ageMonths, f.n, f.u, H, B);
      }
    }
    const trace = record && b === 0;
    impairment(B, book.salvage, f.V, f.W, f.M, f.S, testMonths, e, H, plan.usgaap, st.res, trace ? st.events : undefined);
    if (trace) {
      carryingPath(B, book.salvage, f.S, st.events, e, H, st.carrying);
      st.exit = e;
    }
    const o = book.out;
    for (let k = 0; k < nT; k++) {
      const t = testMonths[k];
      buf[o.writedownM[k] * count + i] = st.res[k];
      buf[o.gapM[k] * count + i] = B[t] - f.M[t];
    }
    buf[o.writedown * count + i] = st.res[nT];
    buf[o.first * count + i] = st.res[nT + 1];
  }
}

/** Copy the finished asset's C, V and M paths for trial k (all 0 after an exit: the asset is gone). */
function recordPaths(plan: Plan, ai: number, st: KernelState, p: PathSink, k: number): void {
  const H = plan.H, f = st.flows, e = st.exit;
  const base = ai * 3 * (H + 1);
  for (let t = 0; t <= H; t++) {
    const gone = t > e;
    p.data[(base + t) * p.K + k] = st.carrying[t];
    p.data[(base + H + 1 + t) * p.K + k] = gone ? 0 : f.V[t];
    p.data[(base + 2 * (H + 1) + t) * p.K + k] = gone ? 0 : f.M[t];
  }
}
