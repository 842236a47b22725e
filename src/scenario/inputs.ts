import type { HardwareInput, ModelInput } from '../schema.ts';
import { short } from './reader.ts';
import { MAX_MONEY, MAX_RATIO, MIN_CADENCE_MONTHS } from './limits.ts';

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
const money = (unit: string) => ({ min: 0, max: MAX_MONEY, unit });
const ratio = (min: number) => ({ min, max: MAX_RATIO, unit: 'ratio' });

/** Domain of every sampled input of MODEL.md, keyed by its name in src/schema.ts. */
const DOMAINS: { [K in HardwareInput | ModelInput]: Omit<InputDomain, 'key'> } = {
  rentalPrice: money('USD per unit-hour'),
  priceCompression: fraction('fraction per year'),
  firstSupersededAge: nonNegative('months'),
  cadenceMonths: { min: MIN_CADENCE_MONTHS, max: Infinity, unit: 'months' },
  generationShock: fraction(),
  utilization: fraction(),
  resaleDecay: nonNegative('per year'),
  resaleFloor: fraction(),
  resaleHaircut: fraction(),
  failureRate: fraction('fraction per year'),
  powerPrice: money('USD per kWh'),
  pue: ratio(1),
  lifespanMonths: nonNegative('months'),
  peakMonthlyRevenue: money('USD per month'),
  tokenPriceCompression: fraction('fraction per year'),
  tailFraction: fraction(),
  servingCostRatio: ratio(0),
};

/**
 * The domain of a sampled input.
 *
 * @param key the input's name
 * @returns its bounds and unit
 * @example inputDomain('pue') // { key: 'pue', min: 1, max: 1000, unit: 'ratio' }
 */
export function inputDomain(key: HardwareInput | ModelInput): InputDomain {
  return { key, ...DOMAINS[key] };
}

/**
 * @param d a domain
 * @returns the domain in words, for error messages
 * @example describeDomain(inputDomain('pue')) // 'within [1, 1000]'
 */
export function describeDomain(d: InputDomain): string {
  if (d.max === Infinity) return d.minExclusive ? `> ${d.min}` : `≥ ${d.min}`;
  return `within [${d.min}, ${short(d.max)}]`;
}

/**
 * @param x a value
 * @param d a domain
 * @returns whether x lies in d
 */
export function inDomain(x: number, d: InputDomain): boolean {
  return (d.minExclusive ? x > d.min : x >= d.min) && x <= d.max;
}
