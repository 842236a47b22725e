import gammaln from '@stdlib/math-base-special-gammaln';
import { type Distribution, require_ } from './distribution.ts';

/**
 * Weibull with shape k and scale λ: F(x) = 1 − exp(−(x/λ)^k).
 *
 * @param params shape > 0 and scale > 0
 * @returns the distribution
 * @example weibull({ shape: 1, scale: 2 }).mean // 2
 */
export function weibull({ shape, scale }: { shape: number; scale: number }): Distribution {
  require_(shape > 0, 'shape', `shape > 0, got ${shape}`);
  require_(scale > 0, 'scale', `scale > 0, got ${scale}`);
  const quantile = (p: number) => {
    if (p <= 0) return 0;
    if (p >= 1) return Infinity;
    return scale * Math.pow(-Math.log1p(-p), 1 / shape);
  };
  const g1 = Math.exp(gammaln(1 + 1 / shape));
  const g2 = Math.exp(gammaln(1 + 2 / shape));
  return {
    family: 'weibull',
    params: { shape, scale },
    support: [0, Infinity],
    mean: scale * g1,
    variance: scale * scale * (g2 - g1 * g1),
    cdf: (x) => (x <= 0 ? 0 : -Math.expm1(-Math.pow(x / scale, shape))),
    quantile,
    sample: quantile,
  };
}
