import { type Distribution, require_ } from './distribution.ts';
import { scaledBeta } from './beta.ts';

/** Classic PERT weight of the mode against each bound (Malcolm et al. 1959); `lambda` overrides it. */
const DEFAULT_LAMBDA = 4;

/**
 * PERT (modified with `lambda`, default 4): a beta on [min, max] with
 * α = 1 + λ (mode − min) / (max − min) and β = 1 + λ (max − mode) / (max − min),
 * so its mean is (min + λ·mode + max) / (λ + 2).
 *
 * @param params min < max, min ≤ mode ≤ max and lambda > 0
 * @returns the distribution
 * @example pert({ min: 0, mode: 0.5, max: 1 }).mean // 0.5
 */
export function pert({ min, mode, max, lambda = DEFAULT_LAMBDA }: { min: number; mode: number; max: number; lambda?: number }): Distribution {
  require_(min < max, 'max', `max > min (${min}), got ${max}`);
  require_(mode >= min && mode <= max, 'mode', `a mode within [${min}, ${max}], got ${mode}`);
  require_(lambda > 0, 'lambda', `lambda > 0, got ${lambda}`);
  const w = max - min;
  const a = 1 + (lambda * (mode - min)) / w;
  const b = 1 + (lambda * (max - mode)) / w;
  return scaledBeta('pert', { min, mode, max, lambda }, a, b, min, max);
}
