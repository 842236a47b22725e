import type { InputSpec } from '../distributions/index.ts';
import { bookSchedule, METHOD, type MethodCode } from './kernel/book.ts';
import type { HardwareFixed } from './kernel/hardware.ts';
import type { ModelFixed } from './kernel/model.ts';
import { inputDomain } from './scenario/inputs.ts';
import { assetInputs } from './scenario/resolve.ts';
import { ASSET_OUTPUTS, BOOK_OUTPUTS, HARDWARE_SCALARS, MODEL_INPUTS, OUTPUTS, type AssetOutput, type BookOutput, type Output, type OutputColumns, type Role } from './schema.ts';
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

export type { Role };

export interface Column {
  name: string;
  unit: string;
  role: Role;
}

export interface PlanInput {
  name: string;
  spec: InputSpec;
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
  out: OutputColumns<BookOutput>;
}

interface AssetPlanBase {
  name: string;
  /** cost K */
  K: number;
  /** V[0] − K and payback are defined only for an asset acquired now */
  acquiredNow: boolean;
  /** the own policy's book first, then one per named policy (hardware) */
  books: BookPlan[];
  out: OutputColumns<AssetOutput>;
}

export interface HardwarePlan extends AssetPlanBase {
  kind: 'hardware';
  fixed: HardwareFixed;
  /** input column of each scalar draw, at its offset in HW */
  in: Int32Array;
  /** input column of each utilization tier */
  utilization: Int32Array;
}

export interface ModelPlan extends AssetPlanBase {
  kind: 'model';
  fixed: ModelFixed;
  /** index into Plan.assets, or −1 */
  parent: number;
  /** input column of each draw, at its offset in MD */
  in: Int32Array;
}

export type AssetPlan = HardwarePlan | ModelPlan;

/**
 * Turn a resolved scenario into the plan: columns in the order of
 * src/schema.ts (every asset's inputs; then per asset its own book's
 * outputs, its asset outputs and each policy's book outputs; then the
 * portfolio's, own and per policy).
 *
 * @param s a resolved scenario
 * @returns the plan every worker runs
 */
export function buildPlan(s: Scenario): Plan {
  const H = s.horizonMonths;
  const columns: Column[] = [];
  const inputs: PlanInput[] = [];
  const add = (name: string, unit: string, role: Role) => columns.push({ name, unit, role }) - 1;
  /** columns for `keys` under `prefix`, one per test month for outputs that repeat */
  const outputs = <K extends Output>(prefix: string, keys: readonly K[]): OutputColumns<K> => {
    const one = (k: K, suffix: string | number = '') => add(`${prefix}.${k}${suffix}`, OUTPUTS[k].unit, OUTPUTS[k].role);
    return Object.fromEntries(keys.map((k) => [k, 'over' in OUTPUTS[k] ? s.testMonths.map((t) => one(k, t)) : one(k)])) as OutputColumns<K>;
  };

  // inputs first, every asset's, in scenario order
  const inputCols = s.assets.map((a) =>
    assetInputs(a).map(({ name, key, spec }) => {
      inputs.push({ name, spec });
      return { key, column: add(name, inputDomain(key).unit, 'input') };
    }),
  );
  const columnsOf = (i: number, keys: readonly string[]) => Int32Array.from(keys, (k) => inputCols[i].find((c) => c.key === k)!.column);

  const names = s.assets.map((a) => a.name);
  const assets: AssetPlan[] = s.assets.map((a, i) => {
    const own = outputs(a.name, BOOK_OUTPUTS);
    const out = outputs(a.name, ASSET_OUTPUTS);
    if (a.kind === 'hardware') {
      const books = [hardwareBook(a, '', a.policy, H, own)];
      for (const [name, p] of Object.entries(s.policies)) books.push(hardwareBook(a, name, p, H, outputs(`${a.name}@${name}`, BOOK_OUTPUTS)));
      return {
        kind: 'hardware', name: a.name, K: a.units * a.unitCost, acquiredNow: a.ageMonths === 0, books, out,
        fixed: pick(a, ['units', 'unitCost', 'ageMonths', 'powerKw', 'idlePowerFraction', 'opexPerUnitMonth', 'disposalCost']),
        in: columnsOf(i, HARDWARE_SCALARS),
        utilization: Int32Array.from(inputCols[i].filter((c) => c.key === 'utilization'), (c) => c.column),
      } satisfies HardwarePlan;
    }
    return {
      kind: 'model', name: a.name, K: a.trainingCost, acquiredNow: a.releaseMonth >= 0, books: [modelBook(a, H, own)], out,
      fixed: { releaseMonth: a.releaseMonth, rampMonths: a.rampMonths },
      parent: a.parent === null ? -1 : names.indexOf(a.parent),
      in: columnsOf(i, MODEL_INPUTS),
    } satisfies ModelPlan;
  });

  // portfolio: own books, then each policy (hardware under the policy, models under their own accounting)
  const sums: Plan['sums'] = [];
  const sumOf = (prefix: string, book: (a: AssetPlan) => BookPlan) => {
    const target = outputs(prefix, BOOK_OUTPUTS.filter((k) => 'portfolio' in OUTPUTS[k]));
    for (const [k, cols] of Object.entries(target) as [BookOutput, number | number[]][]) {
      const sources = assets.map((a) => book(a).out[k]);
      if (typeof cols === 'number') sums.push({ target: cols, sources: sources as number[] });
      else cols.forEach((c, r) => sums.push({ target: c, sources: (sources as number[][]).map((x) => x[r]) }));
    }
  };
  sumOf('portfolio', (a) => a.books[0]);
  for (const name of Object.keys(s.policies)) sumOf(`portfolio@${name}`, (a) => a.books.find((b) => b.policy === name) ?? a.books[0]);

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

function hardwareBook(a: HardwareAsset, name: string, p: Policy, H: number, out: BookPlan['out']): BookPlan {  const K = a.units * a.unitCost;
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
function modelBook(a: ModelAsset, H: number, out: BookPlan['out']): BookPlan {
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
