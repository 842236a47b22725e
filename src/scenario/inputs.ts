/** The sampled inputs of MODEL.md, with the values each may take and its unit. */
export interface InputDomain {
  key: string;
  min: number;
  max: number;
  /** min itself is not allowed */
  minExclusive?: boolean;
  unit: string;
}

const fraction = (key: string, unit = 'fraction'): InputDomain => ({ key, min: 0, max: 1, unit });
const nonNegative = (key: string, unit: string): InputDomain => ({ key, min: 0, max: Infinity, unit });

export const HARDWARE_INPUTS: readonly InputDomain[] = [
  nonNegative('rentalPrice', 'USD per unit-hour'),
  fraction('priceCompression', 'fraction per year'),
  nonNegative('firstSupersededAge', 'months'),
  { key: 'cadenceMonths', min: 0, max: Infinity, minExclusive: true, unit: 'months' },
  fraction('generationShock'),
  fraction('utilization'),
  nonNegative('resaleDecay', 'per year'),
  fraction('resaleFloor'),
  fraction('resaleHaircut'),
  fraction('failureRate', 'fraction per year'),
  nonNegative('powerPrice', 'USD per kWh'),
  { key: 'pue', min: 1, max: Infinity, unit: 'ratio' },
];

export const MODEL_INPUTS: readonly InputDomain[] = [
  nonNegative('lifespanMonths', 'months'),
  nonNegative('peakMonthlyRevenue', 'USD per month'),
  fraction('tokenPriceCompression', 'fraction per year'),
  fraction('tailFraction'),
  nonNegative('servingCostRatio', 'ratio'),
];

export function describeDomain(d: InputDomain): string {
  if (d.max === Infinity) return d.minExclusive ? `> ${d.min}` : `≥ ${d.min}`;
  return `within [${d.min}, ${d.max}]`;
}

export function inDomain(x: number, d: InputDomain): boolean {
  return (d.minExclusive ? x > d.min : x >= d.min) && x <= d.max;
}
