import type { InputSpec } from '../../distributions/index.ts';
import type { HardwareScalar, ModelInput } from '../schema.ts';

export type { InputSpec };
export type Standard = 'ifrs' | 'usgaap';
/** How a standard is written for readers (headers, pages). */
export const STANDARD_NAMES: Record<Standard, string> = { ifrs: 'IFRS', usgaap: 'US GAAP' };
export const VALUATIONS = ['expected', 'pathwise'] as const;
export type Valuation = (typeof VALUATIONS)[number];
export const METHODS = ['straight-line', 'declining-balance', 'sum-of-years-digits', 'units-of-production', 'macrs-5'] as const;
export type Method = (typeof METHODS)[number];

export interface Policy {
  method: Method;
  usefulLifeMonths: number;
  salvagePct: number;
  /** declining-balance only */
  factor?: number;
  /** units-of-production only */
  plannedUtilization?: number;
  /** a change of estimate from t = 0 on (IAS 8.36, ASC 250), not as if used since acquisition; named policies only */
  prospective?: boolean;
}

/** A hardware cohort: fixed parameters, then its sampled inputs (src/schema.ts), a number or a distribution each. */
export type HardwareAsset = {
  name: string;
  kind: 'hardware';
  units: number;
  unitCost: number;
  ageMonths: number;
  powerKw: number;
  idlePowerFraction: number;
  opexPerUnitMonth: number;
  disposalCost: number;
  policy: Policy;
  /** one input per cascade tier */
  utilization: InputSpec[];
} & { [K in HardwareScalar]: InputSpec };

export interface ModelAccounting {
  treatment: 'expensed' | 'capitalized';
  amortizationMonths?: number;
}

/** A trained model: fixed parameters, then its sampled inputs (src/schema.ts). */
export type ModelAsset = {
  name: string;
  kind: 'model';
  trainingCost: number;
  releaseMonth: number;
  parent: string | null;
  rampMonths: number;
  accounting: ModelAccounting;
} & { [K in ModelInput]: InputSpec };

export type Asset = HardwareAsset | ModelAsset;

/** A scenario with every default filled in: what `scenario.json` holds. */
export interface Scenario {
  horizonMonths: number;
  discountRate: number;
  standard: Standard;
  /** expected: the holder knows only what is observable at t (least-squares Monte Carlo); pathwise: each trial knows its future */
  valuation: Valuation;
  /** expected valuation: trials that fit the regressions */
  calibrationTrials: number;
  testMonths: number[];
  policies: Record<string, Policy>;
  correlations: [string, string, number][];
  assets: Asset[];
}
