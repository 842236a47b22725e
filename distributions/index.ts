import type { Distribution } from './distribution.ts';
import { uniform } from './uniform.ts';
import { triangular } from './triangular.ts';
import { pert } from './pert.ts';
import { normal } from './normal.ts';
import { lognormal } from './lognormal.ts';
import { beta } from './beta.ts';
import { weibull } from './weibull.ts';
import { discrete } from './discrete.ts';
import { empirical } from './empirical.ts';
import { fixed } from './fixed.ts';

export type { Distribution } from './distribution.ts';
export { DistributionError } from './distribution.ts';
export { fixed };

/** What a family's parameters look like in a scenario file. */
export interface FamilySpec {
  required: readonly string[];
  optional: readonly string[];
  /** Parameters that are lists of numbers rather than numbers. */
  lists: readonly string[];
  create(params: Record<string, any>): Distribution;
}

/**
 * Every family a scenario may name under `dist`, with its parameter names and factory.
 *
 * @example families.pert.create({ min: 0, mode: 1, max: 4 }).mean // 1.3333333333333333
 */
export const families: Readonly<Record<string, FamilySpec>> = {
  uniform: { required: ['min', 'max'], optional: [], lists: [], create: uniform },
  triangular: { required: ['min', 'mode', 'max'], optional: [], lists: [], create: triangular },
  pert: { required: ['min', 'mode', 'max'], optional: ['lambda'], lists: [], create: pert },
  normal: { required: ['mean', 'sd'], optional: ['min', 'max'], lists: [], create: normal },
  lognormal: { required: ['median', 'sigma'], optional: [], lists: [], create: lognormal },
  beta: { required: ['alpha', 'beta'], optional: ['min', 'max'], lists: [], create: beta },
  weibull: { required: ['shape', 'scale'], optional: [], lists: [], create: weibull },
  discrete: { required: ['values', 'weights'], optional: [], lists: ['values', 'weights'], create: discrete },
  empirical: { required: ['samples'], optional: [], lists: ['samples'], create: empirical },
};

/** A resolved input as written in scenario.json: a number, or a family with its parameters. */
export type InputSpec = number | { dist: string; [param: string]: string | number | number[] };

/**
 * Rebuild a distribution from its resolved spec (as workers do from the plan).
 *
 * @param spec a number (fixed) or `{ dist, ...params }` already validated
 * @returns the distribution
 * @example fromSpec({ dist: 'uniform', min: 0, max: 2 }).mean // 1
 */
export function fromSpec(spec: InputSpec): Distribution {
  if (typeof spec === 'number') return fixed(spec);
  const { dist, ...params } = spec;
  return families[dist].create(params);
}
