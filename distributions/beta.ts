import { type Distribution, require_ } from './distribution.ts';
import { standardBeta } from '../src/math/standard-beta.ts';

/**
 * Beta(alpha, beta) scaled to [min, max].
 *
 * @param params alpha, beta > 0 and the support [min, max] (default [0, 1])
 * @returns the distribution; it samples through a tabulated quantile (see standardBeta)
 * @example beta({ alpha: 2, beta: 2, min: 0, max: 10 }).quantile(0.5) // 5
 */
export function beta({ alpha, beta: b, min = 0, max = 1 }: { alpha: number; beta: number; min?: number; max?: number }): Distribution {
  require_(alpha > 0, 'alpha', `alpha > 0, got ${alpha}`);
  require_(b > 0, 'beta', `beta > 0, got ${b}`);
  require_(min < max, 'max', `max > min (${min}), got ${max}`);
  return scaledBeta('beta', { alpha, beta: b, min, max }, alpha, b, min, max);
}

/**
 * A standard beta stretched onto [min, max]; shared by beta and PERT.
 *
 * @param family the family name to report (`beta` or `pert`)
 * @param params the parameters as the scenario gave them, defaults filled in
 * @param a first shape
 * @param b second shape
 * @param min lower end of the support
 * @param max upper end of the support
 * @returns the distribution
 * @example scaledBeta('beta', {}, 2, 2, 0, 10).mean // 5
 */
export function scaledBeta(family: string, params: Record<string, number>, a: number, b: number, min: number, max: number): Distribution {
  const std = standardBeta(a, b);
  const w = max - min;
  const s = a + b;
  return {
    family,
    params,
    support: [min, max],
    mean: min + (w * a) / s,
    variance: (w * w * a * b) / (s * s * (s + 1)),
    cdf: (x) => std.cdf((x - min) / w),
    quantile: (p) => min + w * std.quantile(p),
    sample: (u) => min + w * std.sample(u),
  };
}
