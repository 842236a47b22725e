import type { InputSpec } from '../../distributions/index.ts';
import { METHODS, VALUATIONS, type Asset, type HardwareAsset, type ModelAsset, type Policy, type Scenario } from './types.ts';
import { inputDomain } from './inputs.ts';
import { HARDWARE_INPUTS, MAX_MONTHS, MODEL_INPUTS, type HardwareInput, type ModelInput } from '../schema.ts';
import { readInput } from './input-spec.ts';
import { join, Reader, short } from './reader.ts';
import { buildCopula, repairCorrelations } from '../sampling/copula.ts';
import { InputError } from '../errors.ts';
import { MAX_MONEY, MAX_POWER_KW, MAX_UNITS, MIN_COST, quote } from './limits.ts';

export const DEFAULTS = {
  horizonMonths: 72,
  discountRate: 0.1,
  standard: 'ifrs',
  valuation: 'expected',
  calibrationTrials: 32_768,
  salvagePct: 0,
  idlePowerFraction: 0.3,
  opexPerUnitMonth: 0,
  disposalCost: 0.05,
  rampMonths: 1,
  decliningBalanceFactor: 2,
} as const;

/** Longest horizon accepted: 50 years of monthly steps. */
export const MAX_HORIZON = 600;
const MACRS_LIFE = 72;

const TOP = ['assets'] as const;
const TOP_OPTIONAL = ['horizonMonths', 'discountRate', 'standard', 'valuation', 'calibrationTrials', 'testMonths', 'policies', 'correlations'] as const;
/** Every top-level key a scenario may have. */
export const SCENARIO_KEYS: readonly string[] = [...TOP_OPTIONAL, ...TOP];
/** Most calibration trials accepted: the regressions hold every trial's monthly path in memory. */
export const MAX_CALIBRATION_TRIALS = 1_048_576;

/**
 * Validate a parsed scenario and fill in every default. Throws ScenarioError
 * naming `file`, the key path and what was expected.
 */
export interface ResolveOptions {
  /** replace rank correlations that cannot hold together by the nearest valid set */
  repairCorrelations?: boolean;
  /** told each pair's asked and repaired value when a repair happens */
  onRepair?: (rows: { a: string; b: string; asked: number; repaired: number }[]) => void;
}

export function resolveScenario(raw: unknown, file: string, opts: ResolveOptions = {}): Scenario {
  const r = new Reader(file);
  const o = r.object('', raw, TOP, TOP_OPTIONAL);
  const H = o.horizonMonths === undefined ? DEFAULTS.horizonMonths : r.number('horizonMonths', o.horizonMonths, { min: 1, max: MAX_HORIZON, integer: true });
  const discountRate = o.discountRate === undefined ? DEFAULTS.discountRate : r.number('discountRate', o.discountRate, { min: -0.99, max: 10 });
  const standard = o.standard === undefined ? DEFAULTS.standard : r.oneOf('standard', o.standard, ['ifrs', 'usgaap'] as const);
  const valuation = o.valuation === undefined ? DEFAULTS.valuation : r.oneOf('valuation', o.valuation, VALUATIONS);
  const calibrationTrials = o.calibrationTrials === undefined ? DEFAULTS.calibrationTrials : r.number('calibrationTrials', o.calibrationTrials, { min: 16, max: MAX_CALIBRATION_TRIALS, integer: true });
  const testMonths = o.testMonths === undefined ? defaultTestMonths(H) : readTestMonths(r, o.testMonths, H);

  // names are data: a policy called __proto__ or constructor is an own key like any other
  const policies: Record<string, Policy> = Object.create(null);
  if (o.policies !== undefined) {
    const p = r.mapping('policies', o.policies);
    const folded = new Map<string, string>();
    for (const [name, v] of Object.entries(p)) {
      const other = folded.get(r.name(join('policies', quote(name)), name).toLowerCase());
      if (other !== undefined) r.fail(join('policies', name), `a name that differs from policies.${other} other than in case (${CASE_BLIND})`);
      folded.set(name.toLowerCase(), name);
      policies[name] = readPolicy(r, join('policies', name), v, true);
    }
  }

  const rawAssets = r.list('assets', o.assets, 1);
  const assets: Asset[] = rawAssets.map((v, i) => readAsset(r, join('assets', i), v, H));
  checkNames(r, assets);

  const scenario: Scenario = { horizonMonths: H, discountRate, standard, valuation, calibrationTrials, testMonths, policies, correlations: [], assets };
  if (o.correlations !== undefined) {
    scenario.correlations = readCorrelations(r, o.correlations, scenario);
    const names = uncertainInputNames(scenario);
    try {
      buildCopula(names, scenario.correlations);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      if (!opts.repairCorrelations) r.fail('correlations', `${e.message.replace(/^correlations: /, '')}, or pass --repair-correlations`);
      const asked = new Map(scenario.correlations.map(([a, b, rho]) => [[a, b].sort().join('|'), rho]));
      scenario.correlations = repairCorrelations(names, scenario.correlations);
      opts.onRepair?.(scenario.correlations.map(([a, b, rho]) => ({ a, b, asked: asked.get([a, b].sort().join('|')) ?? 0, repaired: rho })));
    }
  }
  return scenario;
}

/** 0, 12, 24, … up to H − 12 (so the last test still sees a year of cash flows); [0] for short horizons. */
export function defaultTestMonths(H: number): number[] {
  const months = [];
  for (let t = 0; t <= H - 12; t += 12) months.push(t);
  return months.length ? months : [0];
}

function readTestMonths(r: Reader, v: unknown, H: number): number[] {
  const list = r.list('testMonths', v, 1).map((x, i) => r.number(join('testMonths', i), x, { min: 0, max: H, integer: true }));
  list.forEach((t, i) => {
    if (i > 0 && t <= list[i - 1]) r.fail(join('testMonths', i), `months in increasing order without repeats, got ${t} after ${list[i - 1]}`);
  });
  return list;
}

/** A depreciation policy; `named` policies (scenario `policies`) may be prospective changes of estimate. */
function readPolicy(r: Reader, path: string, v: unknown, named = false): Policy {
  const method = r.oneOf(join(path, 'method'), r.mapping(path, v).method, METHODS);
  const extra = method === 'declining-balance' ? ['factor'] : [];
  const required = method === 'units-of-production' ? ['method', 'usefulLifeMonths', 'plannedUtilization'] : method === 'macrs-5' ? ['method'] : ['method', 'usefulLifeMonths'];
  const optional = method === 'macrs-5' ? ['usefulLifeMonths', 'salvagePct'] : ['salvagePct', ...extra];
  const o = r.object(path, v, required, named ? [...optional, 'prospective'] : optional);
  const prospective = o.prospective === undefined ? false : r.boolean(join(path, 'prospective'), o.prospective);
  if (method === 'macrs-5') {
    if (prospective) r.fail(join(path, 'prospective'), 'false: a prospective change of estimate needs a useful life, and macrs-5 is a fixed tax table');
    // MACRS fixes its own six-year table with no salvage; accept only values that agree with it
    if (o.usefulLifeMonths !== undefined) r.number(join(path, 'usefulLifeMonths'), o.usefulLifeMonths, { min: MACRS_LIFE, max: MACRS_LIFE });
    if (o.salvagePct !== undefined) r.number(join(path, 'salvagePct'), o.salvagePct, { min: 0, max: 0 });
    return { method, usefulLifeMonths: MACRS_LIFE, salvagePct: 0 };
  }
  const policy: Policy = {
    method,
    usefulLifeMonths: r.number(join(path, 'usefulLifeMonths'), o.usefulLifeMonths, { min: 1, max: MAX_MONTHS, integer: true }),
    salvagePct: o.salvagePct === undefined ? DEFAULTS.salvagePct : r.number(join(path, 'salvagePct'), o.salvagePct, { min: 0, max: 1 }),
  };
  if (method === 'declining-balance') policy.factor = o.factor === undefined ? DEFAULTS.decliningBalanceFactor : r.number(join(path, 'factor'), o.factor, { min: 0, minExclusive: true, max: 100 });
  if (method === 'units-of-production') policy.plannedUtilization = r.number(join(path, 'plannedUtilization'), o.plannedUtilization, { min: 0, minExclusive: true, max: 1 });
  if (named) policy.prospective = prospective;
  return policy;
}

const HARDWARE_FIXED = ['units', 'unitCost', 'ageMonths', 'powerKw', 'policy'];
const HARDWARE_OPTIONAL = ['idlePowerFraction', 'opexPerUnitMonth', 'disposalCost'];
const MODEL_FIXED = ['trainingCost', 'releaseMonth', 'accounting'];
const MODEL_OPTIONAL = ['parent', 'rampMonths'];

function readAsset(r: Reader, path: string, v: unknown, H: number): Asset {
  const kind = r.oneOf(join(path, 'kind'), r.mapping(path, v).kind, ['hardware', 'model'] as const);
  if (kind === 'hardware') {
    const o = r.object(path, v, ['name', 'kind', ...HARDWARE_FIXED, ...HARDWARE_INPUTS], HARDWARE_OPTIONAL);
    const num = (k: string, opts: Parameters<Reader['number']>[2], dflt?: number) => (o[k] === undefined && dflt !== undefined ? dflt : r.number(join(path, k), o[k], opts));
    const asset: Record<string, unknown> = {
      name: r.name(join(path, 'name'), o.name),
      kind,
      units: num('units', { min: 0, minExclusive: true, max: MAX_UNITS }),
      unitCost: num('unitCost', { min: MIN_COST, max: MAX_MONEY }),
      ageMonths: num('ageMonths', { min: 0, max: MAX_MONTHS, integer: true }),
      powerKw: num('powerKw', { min: 0, max: MAX_POWER_KW }),
      idlePowerFraction: num('idlePowerFraction', { min: 0, max: 1 }, DEFAULTS.idlePowerFraction),
      opexPerUnitMonth: num('opexPerUnitMonth', { min: 0, max: MAX_MONEY }, DEFAULTS.opexPerUnitMonth),
      disposalCost: num('disposalCost', { min: 0, max: 1 }, DEFAULTS.disposalCost),
      policy: readPolicy(r, join(path, 'policy'), o.policy),
    };
    for (const key of HARDWARE_INPUTS) {
      asset[key] = key === 'utilization'
        ? r.list(join(path, key), o[key], 1).map((x, k) => readInput(r, join(join(path, key), k), x, inputDomain(key)))
        : readInput(r, join(path, key), o[key], inputDomain(key));
    }
    return asset as unknown as HardwareAsset;
  }
  const o = r.object(path, v, ['name', 'kind', ...MODEL_FIXED, ...MODEL_INPUTS], MODEL_OPTIONAL);
  const acc = r.mapping(join(path, 'accounting'), o.accounting);
  const treatment = r.oneOf(join(join(path, 'accounting'), 'treatment'), acc.treatment, ['expensed', 'capitalized'] as const);
  r.object(join(path, 'accounting'), acc, treatment === 'capitalized' ? ['treatment', 'amortizationMonths'] : ['treatment'], []);
  const asset: Record<string, unknown> = {
    name: r.name(join(path, 'name'), o.name),
    kind,
    trainingCost: readTrainingCost(r, join(path, 'trainingCost'), o.trainingCost),
    releaseMonth: r.number(join(path, 'releaseMonth'), o.releaseMonth, { min: -MAX_MONTHS, max: MAX_MONTHS + H, integer: true }),
    parent: o.parent === undefined || o.parent === null ? null : r.name(join(path, 'parent'), o.parent),
    rampMonths: o.rampMonths === undefined ? DEFAULTS.rampMonths : r.number(join(path, 'rampMonths'), o.rampMonths, { min: 0, minExclusive: true, max: MAX_MONTHS }),
    accounting: treatment === 'capitalized'
      ? { treatment, amortizationMonths: r.number(join(join(path, 'accounting'), 'amortizationMonths'), acc.amortizationMonths, { min: 1, max: MAX_MONTHS, integer: true }) }
      : { treatment },
  };
  for (const key of MODEL_INPUTS) asset[key] = readInput(r, join(path, key), o[key], inputDomain(key));
  return asset as unknown as ModelAsset;
}

/** A model's training cost: nothing (0), or an amount from MIN_COST to MAX_MONEY (the expected valuation divides by it). */
function readTrainingCost(r: Reader, path: string, v: unknown): number {
  const x = r.number(path, v, { min: 0, max: MAX_MONEY });
  if (x > 0 && x < MIN_COST) r.fail(path, `0 or a number within [${short(MIN_COST)}, ${short(MAX_MONEY)}], got ${x}`);
  return x;
}

/** Why names may not differ only in case: they head column names. */
const CASE_BLIND = 'DuckDB and other readers match column names case-insensitively';
/** Names no asset may take, in any case: 'portfolio' heads the portfolio's columns, and `--set` reads a top-level key before an asset's name. */
const RESERVED_NAMES = ['portfolio', ...SCENARIO_KEYS].map((k) => k.toLowerCase());

function checkNames(r: Reader, assets: Asset[]): void {
  const index = new Map<string, number>();
  const folded = new Map<string, number>();
  assets.forEach((a, i) => {
    const path = join(join('assets', i), 'name');
    const key = a.name.toLowerCase();
    if (RESERVED_NAMES.includes(key)) {
      r.fail(path, `a name other than 'portfolio' or a top-level scenario key (${SCENARIO_KEYS.join(', ')}) in any case: the portfolio's columns and --set use those, got '${quote(a.name)}'`);
    }
    if (index.has(a.name)) r.fail(path, `a unique asset name; '${quote(a.name)}' is already assets[${index.get(a.name)}]`);
    const j = folded.get(key);
    if (j !== undefined) r.fail(path, `a name that differs from assets[${j}].name ('${quote(assets[j].name)}') other than in case (${CASE_BLIND}), got '${quote(a.name)}'`);
    index.set(a.name, i);
    folded.set(key, i);
  });
  assets.forEach((a, i) => {
    if (a.kind !== 'model' || a.parent === null) return;
    const path = join(join('assets', i), 'parent');
    const j = index.get(a.parent);
    if (j === undefined || assets[j].kind !== 'model') r.fail(path, `the name of a model asset, got '${a.parent}'`);
    // follow the chain: a cycle returns to an asset already seen
    const seen = new Set([a.name]);
    for (let p: string | null = a.parent; p !== null; p = (assets[index.get(p)!] as ModelAsset).parent) {
      if (seen.has(p)) r.fail(path, `a parent chain that ends, but ${[...seen, p].join(' → ')} is a cycle`);
      seen.add(p);
    }
  });
}

function readCorrelations(r: Reader, v: unknown, s: Scenario): [string, string, number][] {
  const uncertain = new Set(uncertainInputNames(s));
  const seen = new Set<string>();
  return r.list('correlations', v).map((row, i) => {
    const path = join('correlations', i);
    const [a, b, rho] = r.list(path, row, 3);
    if ((row as unknown[]).length !== 3) r.fail(path, `[input, input, rank correlation], got a list of ${(row as unknown[]).length}`);
    for (const [k, name] of [[0, a], [1, b]] as const) {
      const n = r.string(join(path, k), name);
      if (!uncertain.has(n)) {
        r.fail(join(path, k), `the name of an uncertain input such as '${[...uncertain][0] ?? 'asset.input'}' (fixed inputs cannot be correlated), got '${quote(n)}'`);
      }
    }
    if (a === b) r.fail(join(path, 1), `an input other than '${a}'`);
    const key = [a, b].sort().join('|');
    if (seen.has(key)) r.fail(path, `each pair once; ${a} and ${b} appear twice`);
    seen.add(key);
    return [a as string, b as string, r.number(join(path, 2), rho, { min: -1, max: 1 })];
  });
}

export interface AssetInput {
  name: string;
  key: HardwareInput | ModelInput;
  spec: InputSpec;
}

/**
 * Every sampled input of an asset with its column name `<asset>.<input>`
 * (tiers as `<asset>.utilization.<k>`), in column order.
 *
 * @param a a resolved asset
 * @returns name, input key and spec of each column
 */
export function assetInputs(a: Asset): AssetInput[] {
  if (a.kind === 'model') return MODEL_INPUTS.map((key) => ({ name: `${a.name}.${key}`, key, spec: a[key] }));
  return HARDWARE_INPUTS.flatMap((key): AssetInput[] => (key === 'utilization'
    ? a.utilization.map((spec, k) => ({ name: `${a.name}.${key}.${k}`, key, spec }))
    : [{ name: `${a.name}.${key}`, key, spec: a[key] }]));
}

/**
 * @param s a resolved scenario
 * @returns column names of the inputs given as distributions, in column order
 */
export function uncertainInputNames(s: Scenario): string[] {
  const names: string[] = [];
  for (const a of s.assets) {
    for (const { name, spec } of assetInputs(a)) if (typeof spec !== 'number') names.push(name);
  }
  return names;
}
