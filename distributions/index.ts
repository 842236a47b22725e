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

export const families: Readonly<Record<string, FamilySpec>> = {
  uniform: { required: ['min', 'max'], optional: [], lists: [], create: (p) => uniform(p as any) },
  triangular: { required: ['min', 'mode', 'max'], optional: [], lists: [], create: (p) => triangular(p as any) },
  pert: { required: ['min', 'mode', 'max'], optional: ['lambda'], lists: [], create: (p) => pert(p as any) },
  normal: { required: ['mean', 'sd'], optional: ['min', 'max'], lists: [], create: (p) => normal(p as any) },
  lognormal: { required: ['median', 'sigma'], optional: [], lists: [], create: (p) => lognormal(p as any) },
  beta: { required: ['alpha', 'beta'], optional: ['min', 'max'], lists: [], create: (p) => beta(p as any) },
  weibull: { required: ['shape', 'scale'], optional: [], lists: [], create: (p) => weibull(p as any) },
  discrete: { required: ['values', 'weights'], optional: [], lists: ['values', 'weights'], create: (p) => discrete(p as any) },
  empirical: { required: ['samples'], optional: [], lists: ['samples'], create: (p) => empirical(p as any) },
};

/** A resolved input as written in scenario.json: a number, or a family with its parameters. */
export type InputSpec = number | { dist: string; [param: string]: string | number | number[] };

/** Rebuild a distribution from its resolved spec (as workers do from the plan). */
export function fromSpec(spec: InputSpec): Distribution {
  if (typeof spec === 'number') return fixed(spec);
  const { dist, ...params } = spec;
  return families[dist].create(params);
}
