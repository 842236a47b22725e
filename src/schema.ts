/**
 * The one declaration of what flows through a run, as ORE's result cube names
 * every slot: the sampled inputs of each asset kind, every per-trial output
 * (its scope, unit, summary role and what it repeats over), the monthly path
 * quantities and the files a run writes. Scenario types, the plan's column
 * layout, the kernel's offsets, summary roles and the manifest follow from it.
 */

/** Hours in a month (MODEL.md "Time"). */
export const HOURS_PER_MONTH = 730;

/** Longest life, age or release offset a scenario may give, in months (100 years). */
export const MAX_MONTHS = 1200;

/** Sampled inputs of a hardware cohort, in column order (MODEL.md "Hardware cohort"); `utilization` has one column per tier. */
export const HARDWARE_INPUTS = [
  'rentalPrice', 'priceCompression', 'firstSupersededAge', 'cadenceMonths', 'generationShock', 'utilization',
  'resaleDecay', 'resaleFloor', 'resaleHaircut', 'failureRate', 'powerPrice', 'pue',
] as const;
export type HardwareInput = (typeof HARDWARE_INPUTS)[number];

/** The hardware inputs that are one number per trial (all but the per-tier `utilization`). */
export const HARDWARE_SCALARS = HARDWARE_INPUTS.filter((k): k is Exclude<HardwareInput, 'utilization'> => k !== 'utilization');
export type HardwareScalar = (typeof HARDWARE_SCALARS)[number];

/** Sampled inputs of a trained model, in column order (MODEL.md "Trained-model asset"). */
export const MODEL_INPUTS = ['lifespanMonths', 'peakMonthlyRevenue', 'tokenPriceCompression', 'tailFraction', 'servingCostRatio'] as const;
export type ModelInput = (typeof MODEL_INPUTS)[number];

/**
 * Offsets of named values in a typed array laid out in the order of `names`:
 * the kernel reads a trial's draws as `x[HW.rentalPrice]`.
 *
 * @param names the names, in layout order
 * @returns each name's offset
 * @example offsets(['a', 'b']) // { a: 0, b: 1 }
 */
export function offsets<const K extends string>(names: readonly K[]): { readonly [P in K]: number } {
  return Object.fromEntries(names.map((k, i) => [k, i])) as { [P in K]: number };
}

/** Offsets of a cohort's scalar draws. */
export const HW = offsets(HARDWARE_SCALARS);
/** Offsets of a model's draws. */
export const MD = offsets(MODEL_INPUTS);

/**
 * How a column is summarised: expected shortfall looks at the largest losses
 * and the smallest values; none for months, plain amounts and inputs.
 */
export type Role = 'input' | 'loss' | 'value' | 'amount' | 'month';

/**
 * A per-trial output. `book` outputs exist once per book variant (the asset's
 * own policy and each named policy); `asset` outputs once per asset. `over`
 * repeats the column for each test month (`<name><t>`, e.g. `writedown_m12`)
 * (`valuedMonths`: t = 0 and each test month) or each year k = 1..⌈H/12⌉ (`charge_y3`).
 * `portfolio` outputs are also summed across assets per trial.
 */
export interface OutputSpec {
  scope: 'asset' | 'book';
  unit: string;
  role: Exclude<Role, 'input'>;
  over?: 'testMonths' | 'valuedMonths' | 'years';
  portfolio?: boolean;
}

/** Every per-trial output of MODEL.md "Outputs per trial and asset", in column order within its scope. */
export const OUTPUTS = {
  writedown: { scope: 'book', unit: 'USD', role: 'loss', portfolio: true },
  writedown_m: { scope: 'book', unit: 'USD', role: 'loss', over: 'testMonths', portfolio: true },
  first_impairment_month: { scope: 'book', unit: 'months', role: 'month' },
  gap_m: { scope: 'book', unit: 'USD', role: 'loss', over: 'testMonths', portfolio: true },
  carrying_m0: { scope: 'book', unit: 'USD', role: 'amount', portfolio: true },
  charge_m0: { scope: 'book', unit: 'USD', role: 'loss', portfolio: true },
  charge_y: { scope: 'book', unit: 'USD', role: 'loss', over: 'years', portfolio: true },
  failure_loss: { scope: 'book', unit: 'USD', role: 'loss', portfolio: true },
  recoverable_m: { scope: 'asset', unit: 'USD', role: 'value', over: 'valuedMonths' },
  exit_month: { scope: 'asset', unit: 'months', role: 'month' },
  npv: { scope: 'asset', unit: 'USD', role: 'value' },
  payback_month: { scope: 'asset', unit: 'months', role: 'month' },
} as const satisfies Record<string, OutputSpec>;
export type Output = keyof typeof OUTPUTS;
export type BookOutput = { [K in Output]: (typeof OUTPUTS)[K]['scope'] extends 'book' ? K : never }[Output];
export type AssetOutput = Exclude<Output, BookOutput>;

/** Column indices of outputs: one index, or one per repetition for outputs with `over`. */
export type OutputColumns<K extends Output> = { [P in K]: (typeof OUTPUTS)[P] extends { over: string } ? number[] : number };

export const BOOK_OUTPUTS = (Object.keys(OUTPUTS) as Output[]).filter((k): k is BookOutput => OUTPUTS[k].scope === 'book');
export const ASSET_OUTPUTS = (Object.keys(OUTPUTS) as Output[]).filter((k): k is AssetOutput => OUTPUTS[k].scope === 'asset');

/** Monthly quantities recorded for paths.arrow: carrying amount, recoverable amount, market value. */
export const PATH_QUANTITIES = ['C', 'V', 'M'] as const;
export type PathQuantity = (typeof PATH_QUANTITIES)[number];
export const PQ = offsets(PATH_QUANTITIES);

/** The tables every run writes (each in every `--format`), then its JSON files. */
export const TABLES = ['trials', 'summary', 'sensitivity', 'paths'] as const;
export const JSON_FILES = ['summary.json', 'scenario.json', 'manifest.json'] as const;
