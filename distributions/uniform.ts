import { type Distribution, require_ } from './distribution.ts';

/**
 * Uniform on [min, max] (min = max is a point mass).
 *
 * @param params min ≤ max
 * @returns the distribution
 * @example uniform({ min: 12, max: 24 }).quantile(0.5) // 18
 */
export function uniform({ min, max }: { min: number; max: number }): Distribution {
  require_(min <= max, 'max', `max ≥ min (${min}), got ${max}`);
  const w = max - min;
  const quantile = (p: number) => {
    if (p <= 0) return min;
    if (p >= 1) return max;
    return min + p * w;
  };
  return {
    family: 'uniform',
    params: { min, max },
    support: [min, max],
    mean: (min + max) / 2,
    variance: (w * w) / 12,
    cdf: (x) => {
      if (x < min) return 0;
      if (x === min) return w === 0 ? 1 : 0; // a point mass has all its probability at min
      if (x >= max) return 1;
      return (x - min) / w;
    },
    quantile,
    sample: quantile,
  };
}
