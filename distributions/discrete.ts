import { type Distribution, require_ } from './distribution.ts';

/**
 * A finite set of values with weights (normalised to sum to 1). The quantile
 * is the smallest value whose CDF reaches p.
 *
 * @param params values and their weights ≥ 0 (one each, not all 0, with a finite total)
 * @returns the distribution
 * @example discrete({ values: [1, 2], weights: [1, 3] }).quantile(0.3) // 2
 */
export function discrete({ values, weights }: { values: readonly number[]; weights: readonly number[] }): Distribution {
  require_(values.length > 0, 'values', 'a non-empty list of numbers');
  require_(weights.length === values.length, 'weights', `one weight per value (${values.length}), got ${weights.length}`);
  weights.forEach((w, i) => require_(w >= 0, `weights[${i}]`, `a weight ≥ 0, got ${w}`));
  const total = weights.reduce((s, w) => s + w, 0);
  require_(total > 0, 'weights', 'weights that sum to a positive number');
  // each weight is finite, but their total can overflow: every weight / total would then be 0
  require_(total < Infinity, 'weights', `weights that sum to a finite number, but these add up to more than ${Number.MAX_VALUE.toPrecision(3).replace('e+', 'e')}; scale them down`);
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const xs = Float64Array.from(order, (i) => values[i]);
  const cum = new Float64Array(xs.length);
  let acc = 0;
  order.forEach((i, k) => {
    acc += weights[i] / total;
    cum[k] = acc;
  });
  cum[cum.length - 1] = 1;
  const mean = order.reduce((s, i) => s + (values[i] * weights[i]) / total, 0);
  const variance = order.reduce((s, i) => s + ((values[i] - mean) ** 2 * weights[i]) / total, 0);
  const quantile = (p: number) => {
    let lo = 0, hi = cum.length - 1; // first k with cum[k] ≥ p
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] >= p) hi = mid;
      else lo = mid + 1;
    }
    return xs[lo];
  };
  return {
    family: 'discrete',
    params: { values: [...values], weights: [...weights] },
    support: [xs[0], xs[xs.length - 1]],
    mean,
    variance,
    cdf: (x) => {
      let c = 0;
      for (let k = 0; k < xs.length && xs[k] <= x; k++) c = cum[k];
      return c;
    },
    quantile,
    sample: quantile,
  };
}
