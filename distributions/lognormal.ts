import { type Distribution, require_ } from './distribution.ts';
import { Phi, PhiInv } from '../src/math/normal.ts';

/**
 * Lognormal given by its median and the sd of its log.
 *
 * @param params median > 0 and sigma > 0 (sd of ln x)
 * @returns the distribution
 * @example lognormal({ median: 2e7, sigma: 0.5 }).quantile(0.5) // 2e7
 */
export function lognormal({ median, sigma }: { median: number; sigma: number }): Distribution {
  require_(median > 0, 'median', `median > 0, got ${median}`);
  require_(sigma > 0, 'sigma', `sigma > 0, got ${sigma}`);
  const mu = Math.log(median);
  const quantile = (p: number) => {
    if (p <= 0) return 0;
    if (p >= 1) return Infinity;
    return median * Math.exp(sigma * PhiInv(p));
  };
  const s2 = sigma * sigma;
  return {
    family: 'lognormal',
    params: { median, sigma },
    support: [0, Infinity],
    mean: median * Math.exp(s2 / 2),
    variance: Math.expm1(s2) * Math.exp(2 * mu + s2),
    cdf: (x) => (x <= 0 ? 0 : Phi((Math.log(x) - mu) / sigma)),
    quantile,
    sample: quantile,
  };
}
