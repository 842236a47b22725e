import type { InputSpec } from '../distributions/index.ts';
import { bookSchedule, METHOD, type MethodCode } from './kernel/book.ts';
import type { HardwareFixed } from './kernel/hardware.ts';
import type { ModelFixed } from './kernel/model.ts';
import { inputDomain } from './scenario/inputs.ts';
import { assetInputs } from './scenario/resolve.ts';
import { ASSET_OUTPUTS, BOOK_OUTPUTS, HARDWARE_SCALARS, MODEL_INPUTS, OUTPUTS, type AssetOutput, type BookOutput, type Output, type OutputColumns, type Role } from './schema.ts';
import type { Asset, HardwareAsset, ModelAsset, Policy, Scenario, Valuation } from './scenario/types.ts';

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
  valuation: Valuation;
  calibrationTrials: number;
  testMonths: Int32Array;
  /** t = 0 and each test month: the months of recoverable_m{t} */
  valuedMonths: Int32Array;
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

/**
 * One book variant. Amounts are per unit of the book cost K0 (MODEL.md
 * "Book value": the cost of the units in service at t = 0, drawn per trial for
 * a cohort), so one schedule serves every trial.
 */
export interface BookPlan {
  /** '' for the asset's own policy, else the `policies` name */
  policy: string;
  method: MethodCode;
  /** the schedule's cost: 1, or the own book at t = 0 for a prospective change */
  cost: number;
  salvage: number;
  /** life in months (the remaining life for a prospective change) */
  L: number;
  /** the schedule's age at t = 0 (ageMonths; 0 for a prospective change; −releaseMonth for a model) */
  age0: number;
  plannedUtilization: number;
  /** B(t) for t = 0..H per unit of K0, or null when it depends on the trial (units-of-production) */
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
  /** book cost K0: the training cost if capitalized, else 0 */
  bookCost: number;
  /** what the expected valuation fits this model's value relative to: trainingCost, or $1 for a model that cost nothing */
  norm: number;
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
  const years = Array.from({ length: Math.ceil(H / 12) }, (_, k) => k + 1);
  const valuedMonths = valuedMonthsOf(s);
  /** columns for `keys` under `prefix`, one per test month for outputs that repeat */
  const outputs = <K extends Output>(prefix: string, keys: readonly K[]): OutputColumns<K> => {
    const one = (k: K, suffix: string | number = '') => add(`${prefix}.${k}${suffix}`, OUTPUTS[k].unit, OUTPUTS[k].role);
    const over = (k: K) => ('over' in OUTPUTS[k] ? OUTPUTS[k].over : undefined);
    return Object.fromEntries(keys.map((k) => {
      const o = over(k);
      return [k, o === undefined ? one(k) : { years, testMonths: s.testMonths, valuedMonths }[o].map((t) => one(k, t))];
    })) as OutputColumns<K>;
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
      bookCost: a.accounting.treatment === 'capitalized' ? a.trainingCost : 0,
      norm: a.trainingCost > 0 ? a.trainingCost : 1,
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
    // every book's write-down (own policy, then each named policy), so the report's tornado can be drawn per asset and policy
    outputs: [
      col('portfolio.writedown'), ...Object.keys(s.policies).map((p) => col(`portfolio@${p}.writedown`)),
      ...assets.flatMap((a) => a.books.map((b) => b.out.writedown)), ...assets.filter((a) => a.acquiredNow).map((a) => a.out.npv),
    ],
    inputs: inputs.flatMap((inp, j) => (typeof inp.spec === 'number' ? [] : [j])),
  };

  return {
    H,
    d: Math.pow(1 + s.discountRate, -1 / 12),
    usgaap: s.standard === 'usgaap',
    valuation: s.valuation,
    calibrationTrials: s.calibrationTrials,
    valuedMonths: Int32Array.from(valuedMonths),
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

/**
 * A cohort's book under policy p, as a schedule per unit of book cost K0 (the
 * cost of the units in service, known per trial). As if used since
 * acquisition: the policy from age ageMonths on. Prospective: from t = 0 the
 * policy's method depreciates the own policy's book at t = 0 over the
 * remaining max(1, L − ageMonths) months.
 */
function hardwareBook(a: HardwareAsset, name: string, p: Policy, H: number, out: BookPlan['out']): BookPlan {
  const method = METHOD[p.method];
  let book = { cost: 1, salvage: p.salvagePct, L: p.usefulLifeMonths, age0: a.ageMonths };
  if (p.prospective) {
    const cost = unitBookAt(a.policy, a.ageMonths);
    book = { cost, salvage: Math.min(cost, p.salvagePct), L: Math.max(1, p.usefulLifeMonths - a.ageMonths), age0: 0 };
  }
  let schedule: Float64Array | null = null;
  if (method !== METHOD['units-of-production']) {
    schedule = new Float64Array(H + 1);
    bookSchedule(method, book.cost, book.salvage, book.L, p.factor ?? 0, book.age0, schedule);
  }
  return { policy: name, method, ...book, plannedUtilization: p.plannedUtilization ?? 0, schedule, out };
}

/** B(age) of a policy for a book cost of 1; units-of-production at its planned rate (the hours before t = 0 are not drawn). */
function unitBookAt(p: Policy, age: number): number {
  if (p.method === 'units-of-production') return 1 - (1 - p.salvagePct) * Math.min(1, age / p.usefulLifeMonths);
  const one = new Float64Array(1);
  bookSchedule(METHOD[p.method], 1, p.salvagePct, p.usefulLifeMonths, p.factor ?? 0, age, one);
  return one[0];
}

/** A capitalized model: cost until release, then straight-line to 0 over amortizationMonths; expensed: 0 (bookCost 0). */
function modelBook(a: ModelAsset, H: number, out: BookPlan['out']): BookPlan {
  const schedule = new Float64Array(H + 1);
  const L = a.accounting.amortizationMonths ?? 0;
  if (a.accounting.treatment === 'capitalized') bookSchedule(METHOD['straight-line'], 1, 0, L, 0, -a.releaseMonth, schedule);
  return { policy: '', method: METHOD['straight-line'], cost: 1, salvage: 0, L, age0: -a.releaseMonth, plannedUtilization: 0, schedule, out };
}

/**
 * Months whose recoverable amount is an output: t = 0 and each test month.
 *
 * @param s a resolved scenario
 * @returns the months in increasing order
 */
export function valuedMonthsOf(s: Scenario): number[] {
  return s.testMonths[0] === 0 ? [...s.testMonths] : [0, ...s.testMonths];
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
