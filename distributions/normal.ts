import { type Distribution, require_ } from './distribution.ts';
import { phi, Phi, PhiC, PhiInv } from '../src/math/normal.ts';

/**
 * Normal with mean and sd, truncated to [min, max] when either bound is given.
 * Truncation above the mean works on the survival function so that a window
 * far in the upper tail keeps its precision.
 *
 * @param params mean, sd > 0 and optional bounds min < max
 * @returns the (truncated) distribution
 * @example normal({ mean: 0, sd: 1 }).quantile(0.975) // 1.959963984540054
 */
export function normal({ mean, sd, min = -Infinity, max = Infinity }: { mean: number; sd: number; min?: number; max?: number }): Distribution {
  require_(sd > 0, 'sd', `sd > 0, got ${sd}`);
  require_(min < max, 'max', `max > min (${min}), got ${max}`);
  const a = (min - mean) / sd;
  const b = (max - mean) / sd;
  const upper = a > 0; // the whole window lies above the mean
  const Fa = upper ? PhiC(a) : Phi(a);
  const Fb = upper ? PhiC(b) : Phi(b);
  const Z = upper ? Fa - Fb : Fb - Fa;
  require_(Z > 0, 'max', `a window [min, max] with positive probability under the normal (it is ${Z})`);
  const quantile = (p: number) => {
    if (p <= 0) return min;
    if (p >= 1) return max;
    // measure from the nearer end so that 1 − p (exact for p > 0.5) keeps the far tail's digits
    let z: number;
    if (upper) z = -PhiInv(p < 0.5 ? Fa - p * Z : Fb + (1 - p) * Z);
    else z = PhiInv(p < 0.5 ? Fa + p * Z : Fb - (1 - p) * Z);
    const x = mean + sd * z;
    // rounding may step a hair outside the window
    if (x < min) return min;
    if (x > max) return max;
    return x;
  };
  const pa = phi(a), pb = phi(b);
  const apa = Number.isFinite(a) ? a * pa : 0;
  const bpb = Number.isFinite(b) ? b * pb : 0;
  const shift = (pa - pb) / Z;
  const params: Record<string, number> = { mean, sd };
  if (min !== -Infinity) params.min = min;
  if (max !== Infinity) params.max = max;
  return {
    family: 'normal',
    params,
    support: [min, max],
    mean: mean + sd * shift,
    variance: sd * sd * (1 + (apa - bpb) / Z - shift * shift),
    cdf: (x) => {
      if (x <= min) return 0;
      if (x >= max) return 1;
      const z = (x - mean) / sd;
      return upper ? (Fa - PhiC(z)) / Z : (Phi(z) - Fa) / Z;
    },
    quantile,
    sample: quantile,
  };
}
