import type { Distribution } from './distribution.ts';

/**
 * A value that does not vary: what a bare number in a scenario means.
 *
 * @param value the value every draw takes
 * @returns the point-mass distribution
 * @example fixed(3).sample(0.7) // 3
 */
export function fixed(value: number): Distribution {
  return {
    family: 'fixed',
    params: { value },
    support: [value, value],
    mean: value,
    variance: 0,
    cdf: (x) => (x < value ? 0 : 1),
    quantile: () => value,
    sample: () => value,
  };
}
