import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';

const SQRT2 = Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Standard normal density.
 *
 * @param z the point
 * @returns φ(z), 0 at ±∞
 * @example phi(0) // 0.3989422804014327
 */
export function phi(z: number): number {
  return Number.isFinite(z) ? INV_SQRT_2PI * Math.exp(-0.5 * z * z) : 0;
}

/**
 * Standard normal CDF, accurate in the lower tail.
 *
 * @param z the point
 * @returns Φ(z)
 * @example Phi(0) // 0.5
 */
export function Phi(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/**
 * Standard normal survival 1 − Φ(z), accurate in the upper tail.
 *
 * @param z the point
 * @returns 1 − Φ(z) without cancellation
 * @example PhiC(8) // 6.220960574271819e-16, where 1 - Phi(8) gives 6.661338147750939e-16
 */
export function PhiC(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

/**
 * Standard normal quantile. Above 0.5 it works from 1 − p (exact in floating
 * point there), so both tails keep full relative precision.
 *
 * @param p a probability in [0, 1]
 * @returns z with Φ(z) = p (±∞ at 1 and 0)
 * @example PhiInv(0.975) // 1.959963984540054
 */
export function PhiInv(p: number): number {
  return p > 0.5 ? SQRT2 * erfcinv(2 * (1 - p)) : -SQRT2 * erfcinv(2 * p);
}

/**
 * Φ⁻¹(0.975): the half-width, in standard errors, of a two-sided 95 % normal interval.
 *
 * @example mean ± Z95 * se // a 95 % confidence interval
 */
export const Z95 = 1.959963984540054;
