import type { InputSpec } from '../distributions/index.ts';
import { bookSchedule, METHOD, type MethodCode } from './kernel/book.ts';
import type { HardwareFixed } from './kernel/hardware.ts';
import type { ModelFixed } from './kernel/model.ts';
import { HARDWARE_INPUTS, MODEL_INPUTS } from './scenario/inputs.ts';
import type { Asset, HardwareAsset, ModelAsset, Policy, Scenario } from './scenario/types.ts';

/**
 * The plan turns a resolved scenario into what workers need: the column
 * layout of a chunk buffer, the input specs, and per asset the fixed
 * parameters, deterministic book schedules and output column indices. It is
 * plain data (structured-clonable), built once by the coordinator.
 *
 * Chunk buffer layout: column j of a chunk of `count` trials occupies
 * buf[j·count, (j+1)·count); inputs come first, then outputs.
 */
export interface Plan {
  H: number;
  /** monthly discount factor (1 + r)^(−1/12) */
  d: number;
  usgaap: boolean;
  testMonths: Int32Array;
  columns: Column[];
  /** inputs[j] feeds column j */
  inputs: PlanInput[];
  assets: AssetPlan[];
  /** evaluation order: every parent before its children */
  order: number[];
  /** portfolio columns: target = Σ sources */
  sums: { target: number; sources: number[] }[];
  /** rank correlations between uncertain inputs, by column name */
  correlations: [string, string, number][];
  /** paired policy comparisons: per trial, column a − column b (a policy's write-down against the own policy's) */
  comparisons: { name: string; a: number; b: number }[];
  /** sensitivity: key output columns against every uncertain input column */
  sensitivity: { outputs: number[]; inputs: number[] };
}

/** How a column is summarised: expected shortfall looks at large losses and small values; none for months and inputs. */
export type Role = 'input' | 'loss' | 'value' | 'month';

export interface Column {
  name: string;
  unit: string;
  role: Role;
}

export interface PlanInput {
  name: string;
  spec: InputSpec;
}

export interface BookOutputs {
  writedown: number;
  writedownM: number[];
  first: number;
  gapM: number[];
}

export interface BookPlan {
  /** '' for the asset's own policy, else the `policies` name */
  policy: string;
  method: MethodCode;
  K: number;
  salvage: number;
  L: number;
  plannedUtilization: number;
  /** B(a(t)) for t = 0..H, or null when it depends on the trial (units-of-production) */
  schedule: Float64Array | null;
  out: BookOutputs;
}

interface AssetPlanBase {
  name: string;
  /** cost K */
  K: number;
  /** V[0] − K and payback are defined only for an asset acquired now */
  acquiredNow: boolean;
  books: BookPlan[];
  out: { recoverable0: number; exitMonth: number; npv: number; payback: number };
}

export interface HardwarePlan extends AssetPlanBase {
  kind: 'hardware';
  fixed: HardwareFixed;
  /** input column of each scalar input */
  in: Record<string, number>;
  utilization: number[];
}

export interface ModelPlan extends AssetPlanBase {
  kind: 'model';
  fixed: ModelFixed;
  /** index into Plan.assets, or −1 */
  parent: number;
  in: Record<string, number>;
}

export type AssetPlan = HardwarePlan | ModelPlan;

const UNITS_BY_OUTPUT: Record<string, [string, Role]> = {
  writedown: ['USD', 'loss'],
  gap: ['USD', 'loss'],
  first_impairment_month: ['months', 'month'],
  recoverable_m0: ['USD', 'value'],
  exit_month: ['months', 'month'],
  npv: ['USD', 'value'],
  payback_month: ['months', 'month'],
};

export function buildPlan(s: Scenario): Plan {
  const H = s.horizonMonths;
  const columns: Column[] = [];
  const inputs: PlanInput[] = [];
  const add = (name: string, unit: string, role: Role) => columns.push({ name, unit, role }) - 1;
  const output = (name: string, kind: string) => add(name, ...UNITS_BY_OUTPUT[kind]);

  // inputs first, every asset's, in scenario order
  const inputCols = s.assets.map((a) => {
    const cols: Record<string, number | number[]> = {};
    for (const dom of a.kind === 'hardware' ? HARDWARE_INPUTS : MODEL_INPUTS) {
      const v = (a as unknown as Record<string, InputSpec | InputSpec[]>)[dom.key];
      const one = (name: string, spec: InputSpec) => (inputs.push({ name, spec }), add(name, dom.unit, 'input'));
      cols[dom.key] = Array.isArray(v) ? v.map((spec, k) => one(`${a.name}.${dom.key}.${k}`, spec)) : one(`${a.name}.${dom.key}`, v);
    }
    return cols;
  });

  const bookOutputs = (prefix: string): BookOutputs => ({
    writedown: output(`${prefix}.writedown`, 'writedown'),
    writedownM: [...s.testMonths].map((t) => output(`${prefix}.writedown_m${t}`, 'writedown')),
    first: output(`${prefix}.first_impairment_month`, 'first_impairment_month'),
    gapM: [...s.testMonths].map((t) => output(`${prefix}.gap_m${t}`, 'gap')),
  });

  const names = s.assets.map((a) => a.name);
  const assets: AssetPlan[] = s.assets.map((a, i) => {
    const own = bookOutputs(a.name);
    const out = {
      recoverable0: output(`${a.name}.recoverable_m0`, 'recoverable_m0'),
      exitMonth: output(`${a.name}.exit_month`, 'exit_month'),
      npv: output(`${a.name}.npv`, 'npv'),
      payback: output(`${a.name}.payback_month`, 'payback_month'),
    };
    if (a.kind === 'hardware') {
      const K = a.units * a.unitCost;
      const books = [hardwareBook(a, '', a.policy, H, own)];
      for (const [name, p] of Object.entries(s.policies)) books.push(hardwareBook(a, name, p, H, bookOutputs(`${a.name}@${name}`)));
      const { utilization, ...scalars } = inputCols[i] as Record<string, number> & { utilization: number[] };
      return {
        kind: 'hardware', name: a.name, K, acquiredNow: a.ageMonths === 0, books, out,
        fixed: pick(a, ['units', 'unitCost', 'ageMonths', 'powerKw', 'idlePowerFraction', 'opexPerUnitMonth', 'disposalCost']),
        in: scalars, utilization,
      } satisfies HardwarePlan;
    }
    return {
      kind: 'model', name: a.name, K: a.trainingCost, acquiredNow: a.releaseMonth >= 0, books: [modelBook(a, H, own)], out,
      fixed: { releaseMonth: a.releaseMonth, rampMonths: a.rampMonths },
      parent: a.parent === null ? -1 : names.indexOf(a.parent),
      in: inputCols[i] as Record<string, number>,
    } satisfies ModelPlan;
  });

  // portfolio: own books, then each policy (hardware under the policy, models under their own accounting)
  const sums: Plan['sums'] = [];
  const sumOf = (prefix: string, pick: (a: AssetPlan) => BookOutputs) => {
    const outs = assets.map(pick);
    sums.push({ target: output(`${prefix}.writedown`, 'writedown'), sources: outs.map((o) => o.writedown) });
    s.testMonths.forEach((t, k) => sums.push({ target: output(`${prefix}.writedown_m${t}`, 'writedown'), sources: outs.map((o) => o.writedownM[k]) }));
    s.testMonths.forEach((t, k) => sums.push({ target: output(`${prefix}.gap_m${t}`, 'gap'), sources: outs.map((o) => o.gapM[k]) }));
  };
  sumOf('portfolio', (a) => a.books[0].out);
  Object.keys(s.policies).forEach((name, p) => sumOf(`portfolio@${name}`, (a) => (a.kind === 'hardware' ? a.books[1 + p] : a.books[0]).out));

  const col = (name: string) => columns.findIndex((c) => c.name === name);
  const comparisons = [...assets.filter((a) => a.kind === 'hardware').map((a) => a.name), 'portfolio'].flatMap((x) =>
    Object.keys(s.policies).map((p) => ({ name: `${x}@${p}.writedown_vs_own`, a: col(`${x}@${p}.writedown`), b: col(`${x}.writedown`) })),
  );
  const sensitivity = {
    outputs: [col('portfolio.writedown'), ...assets.map((a) => a.books[0].out.writedown), ...assets.filter((a) => a.acquiredNow).map((a) => a.out.npv)],
    inputs: inputs.flatMap((inp, j) => (typeof inp.spec === 'number' ? [] : [j])),
  };

  return {
    H,
    d: Math.pow(1 + s.discountRate, -1 / 12),
    usgaap: s.standard === 'usgaap',
    testMonths: Int32Array.from(s.testMonths),
    columns,
    inputs,
    assets,
    order: evaluationOrder(s.assets),
    sums,
    correlations: s.correlations,
    comparisons,
    sensitivity,
  };
}

function hardwareBook(a: HardwareAsset, name: string, p: Policy, H: number, out: BookOutputs): BookPlan {
  const K = a.units * a.unitCost;
  const method = METHOD[p.method];
  const salvage = K * p.salvagePct;
  let schedule: Float64Array | null = null;
  if (method !== METHOD['units-of-production']) {
    schedule = new Float64Array(H + 1);
    bookSchedule(method, K, salvage, p.usefulLifeMonths, p.factor ?? 0, a.ageMonths, schedule);
  }
  return { policy: name, method, K, salvage, L: p.usefulLifeMonths, plannedUtilization: p.plannedUtilization ?? 0, schedule, out };
}

/** A capitalized model: cost until release, then straight-line to 0 over amortizationMonths; expensed: 0. */
function modelBook(a: ModelAsset, H: number, out: BookOutputs): BookPlan {
  const schedule = new Float64Array(H + 1);
  const capitalized = a.accounting.treatment === 'capitalized';
  const L = a.accounting.amortizationMonths ?? 0;
  if (capitalized) bookSchedule(METHOD['straight-line'], a.trainingCost, 0, L, 0, -a.releaseMonth, schedule);
  return { policy: '', method: METHOD['straight-line'], K: capitalized ? a.trainingCost : 0, salvage: 0, L, plannedUtilization: 0, schedule, out };
}

/** Scenario order, except that a model waits for its parent. */
function evaluationOrder(assets: Asset[]): number[] {
  const order: number[] = [];
  const placed = new Set<number>();
  const place = (i: number) => {
    if (placed.has(i)) return;
    const a = assets[i];
    if (a.kind === 'model' && a.parent !== null) place(assets.findIndex((b) => b.name === a.parent));
    placed.add(i);
    order.push(i);
  };
  assets.forEach((_, i) => place(i));
  return order;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
