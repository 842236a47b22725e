import type { HardwareInput, ModelInput } from '../schema.ts';

/** The values a sampled input may take, and its unit. */
export interface InputDomain {
  key: HardwareInput | ModelInput;
  min: number;
  max: number;
  /** min itself is not allowed */
  minExclusive?: boolean;
  unit: string;
}

const fraction = (unit = 'fraction') => ({ min: 0, max: 1, unit });
const nonNegative = (unit: string) => ({ min: 0, max: Infinity, unit });

/** Domain of every sampled input of MODEL.md, keyed by its name in src/schema.ts. */
const DOMAINS: { [K in HardwareInput | ModelInput]: Omit<InputDomain, 'key'> } = {
  rentalPrice: nonNegative('USD per unit-hour'),
  priceCompression: fraction('fraction per year'),
  firstSupersededAge: nonNegative('months'),
  cadenceMonths: { min: 0, max: Infinity, minExclusive: true, unit: 'months' },
  generationShock: fraction(),
  utilization: fraction(),
  resaleDecay: nonNegative('per year'),
  resaleFloor: fraction(),
  resaleHaircut: fraction(),
  failureRate: fraction('fraction per year'),
  powerPrice: nonNegative('USD per kWh'),
  pue: { min: 1, max: Infinity, unit: 'ratio' },
  lifespanMonths: nonNegative('months'),
  peakMonthlyRevenue: nonNegative('USD per month'),
  tokenPriceCompression: fraction('fraction per year'),
  tailFraction: fraction(),
  servingCostRatio: nonNegative('ratio'),
};

/**
 * The domain of a sampled input.
 *
 * @param key the input's name
 * @returns its bounds and unit
 * @example inputDomain('pue') // { key: 'pue', min: 1, max: Infinity, unit: 'ratio' }
 */
export function inputDomain(key: HardwareInput | ModelInput): InputDomain {
  return { key, ...DOMAINS[key] };
}

/**
 * @param d a domain
 * @returns the domain in words, for error messages
 * @example describeDomain(inputDomain('pue')) // '≥ 1'
 */
export function describeDomain(d: InputDomain): string {
  if (d.max === Infinity) return d.minExclusive ? `> ${d.min}` : `≥ ${d.min}`;
  return `within [${d.min}, ${d.max}]`;
}

/**
 * @param x a value
 * @param d a domain
 * @returns whether x lies in d
 */
export function inDomain(x: number, d: InputDomain): boolean {
  return (d.minExclusive ? x > d.min : x >= d.min) && x <= d.max;
}
