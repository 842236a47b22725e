import type { InputSpec } from '../../distributions/index.ts';

export type { InputSpec };
export type Standard = 'ifrs' | 'usgaap';
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
}

export interface HardwareAsset {
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
  rentalPrice: InputSpec;
  priceCompression: InputSpec;
  firstSupersededAge: InputSpec;
  cadenceMonths: InputSpec;
  generationShock: InputSpec;
  utilization: InputSpec[];
  resaleDecay: InputSpec;
  resaleFloor: InputSpec;
  resaleHaircut: InputSpec;
  failureRate: InputSpec;
  powerPrice: InputSpec;
  pue: InputSpec;
}

export interface ModelAccounting {
  treatment: 'expensed' | 'capitalized';
  amortizationMonths?: number;
}

export interface ModelAsset {
  name: string;
  kind: 'model';
  trainingCost: number;
  releaseMonth: number;
  parent: string | null;
  rampMonths: number;
  accounting: ModelAccounting;
  lifespanMonths: InputSpec;
  peakMonthlyRevenue: InputSpec;
  tokenPriceCompression: InputSpec;
  tailFraction: InputSpec;
  servingCostRatio: InputSpec;
}

export type Asset = HardwareAsset | ModelAsset;

/** A scenario with every default filled in: what `scenario.json` holds. */
export interface Scenario {
  horizonMonths: number;
  discountRate: number;
  standard: Standard;
  testMonths: number[];
  policies: Record<string, Policy>;
  correlations: [string, string, number][];
  assets: Asset[];
}
