import { type Distribution, require_ } from './distribution.ts';

/**
 * Uniform on [min, max].
 *
 * @example uniform({ min: 12, max: 24 }).quantile(0.5) // 18
 */
export function uniform({ min, max }: { min: number; max: number }): Distribution {
  require_(min <= max, 'max', `max ≥ min (${min}), got ${max}`);
  const w = max - min;
  const quantile = (p: number) => (p <= 0 ? min : p >= 1 ? max : min + p * w);
  return {
    family: 'uniform',
    params: { min, max },
    support: [min, max],
    mean: (min + max) / 2,
    variance: (w * w) / 12,
    cdf: (x) => (x <= min ? (x < min ? 0 : w === 0 ? 1 : 0) : x >= max ? 1 : (x - min) / w),
    quantile,
    sample: quantile,
  };
}
