import { type Distribution, require_ } from './distribution.ts';

/** Widest support whose square is still a finite double. */
const MAX_WIDTH = Math.sqrt(Number.MAX_VALUE);

/**
 * Triangular on [min, max] with its peak at mode.
 *
 * @param params min < max (at most MAX_WIDTH apart) and min ≤ mode ≤ max
 * @returns the distribution
 * @example triangular({ min: 0, mode: 0, max: 1 }).quantile(0.75) // 0.5
 */
export function triangular({ min, mode, max }: { min: number; mode: number; max: number }): Distribution {
  require_(min < max, 'max', `max > min (${min}), got ${max}`);
  require_(mode >= min && mode <= max, 'mode', `a mode within [${min}, ${max}], got ${mode}`);
  const w = max - min;
  // the quantile takes the square root of p · w · (mode − min): at most w², which must not overflow
  require_(w * w < Infinity, 'max', `max − min at most ${MAX_WIDTH.toPrecision(3).replace('e+', 'e')} (the quantile squares it), got ${w}`);
  const pm = (mode - min) / w; // CDF at the mode
  const quantile = (p: number) => {
    if (p <= 0) return min;
    if (p >= 1) return max;
    return p < pm ? min + Math.sqrt(p * w * (mode - min)) : max - Math.sqrt((1 - p) * w * (max - mode));
  };
  return {
    family: 'triangular',
    params: { min, mode, max },
    support: [min, max],
    mean: (min + mode + max) / 3,
    variance: (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18,
    cdf: (x) => {
      if (x <= min) return 0;
      if (x >= max) return 1;
      return x <= mode ? ((x - min) * (x - min)) / (w * (mode - min)) : 1 - ((max - x) * (max - x)) / (w * (max - mode));
    },
    quantile,
    sample: quantile,
  };
}
