/**
 * The shape every family shares. A distribution is a small immutable object
 * built by a factory that validates its parameters; sampling is always
 * `sample(u)` on a uniform `u` in (0, 1), so any uniform source (plain random,
 * Latin hypercube, Sobol, a copula) can drive it.
 */
export interface Distribution {
  readonly family: string;
  /** Parameters with every default filled in, as they appear in `scenario.json`. */
  readonly params: Readonly<Record<string, number | readonly number[]>>;
  /** Smallest and largest value the distribution can take (may be infinite). */
  readonly support: readonly [number, number];
  readonly mean: number;
  readonly variance: number;
  cdf(x: number): number;
  /** Exact inverse CDF (to double precision of the underlying special functions). */
  quantile(p: number): number;
  /** Inverse CDF used for sampling: `quantile` or a tabulation of it with a tested error bound. */
  sample(u: number): number;
}

/**
 * A parameter that cannot describe the distribution.
 *
 * @param key the parameter's name (the scenario reader appends it to the key path)
 * @param expected what the parameter should have been, e.g. `sd > 0, got -1`
 */
export class DistributionError extends Error {
  constructor(readonly key: string, readonly expected: string) {
    super(`${key}: expected ${expected}`);
    this.name = 'DistributionError';
  }
}

/**
 * Check one parameter condition (the trailing `_` because `require` is taken).
 *
 * @param condition what must hold
 * @param key the parameter to blame
 * @param expected what was expected, for the message
 * @throws DistributionError when `condition` is false
 * @example require_(sd > 0, 'sd', `sd > 0, got ${sd}`)
 */
export function require_(condition: boolean, key: string, expected: string): void {
  if (!condition) throw new DistributionError(key, expected);
}
