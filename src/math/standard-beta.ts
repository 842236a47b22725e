import betainc from '@stdlib/math-base-special-betainc';
import betaincinv from '@stdlib/math-base-special-betaincinv';
import gammaln from '@stdlib/math-base-special-gammaln';

/** Beta(a, b) on [0, 1] with a tabulated inverse CDF for fast sampling; each method takes a point and returns a number. */
export interface StandardBeta {
  pdf(x: number): number;
  cdf(x: number): number;
  quantile(p: number): number;
  /** Tabulated quantile: |sample(u) − quantile(u)| ≤ TABLE_TOLERANCE. */
  sample(u: number): number;
}

/** Bound on the tabulation error in x (on [0, 1]); intervals that cannot meet it fall back to exact inversion. */
export const TABLE_TOLERANCE = 1e-12;
/** Equal x-intervals of the table: fine enough that a quintic meets TABLE_TOLERANCE over all but the extreme tails. */
const INTERVALS = 1024;
/** Each interval is checked at its midpoint only, so it must pass with this factor of headroom on TABLE_TOLERANCE. */
const MIDPOINT_HEADROOM = 4;

const cache = new Map<string, StandardBeta>();

/**
 * Beta(a, b). The inverse incomplete beta costs ~7 µs, far too much per draw,
 * so sampling uses a quintic Hermite table of the quantile Q built on an
 * x-grid, where p, Q' = 1/f and Q'' = −(f'/f)·Q'² are cheap and exact. Each
 * interval's error is checked at its midpoint; intervals that fail (the
 * tails where the density vanishes or blows up) invert exactly. Cached per
 * (a, b); the table is built on the first draw.
 *
 * @param a first shape > 0
 * @param b second shape > 0
 * @returns pdf, cdf, exact quantile and tabulated sample
 * @example standardBeta(2, 2).quantile(0.5) // 0.5
 */
export function standardBeta(a: number, b: number): StandardBeta {
  const key = `${a},${b}`;
  let d = cache.get(key);
  if (!d) {
    d = build(a, b);
    cache.set(key, d);
  }
  return d;
}

/** ln x^(shape − 1) at x = 0: 0 for shape 1, +∞ below (the density blows up), −∞ above (it vanishes). */
function logPowerAtZero(shape: number): number {
  if (shape === 1) return 0;
  return shape < 1 ? Infinity : -Infinity;
}

function build(a: number, b: number): StandardBeta {
  const lnB = gammaln(a) + gammaln(b) - gammaln(a + b);
  const pdf = (x: number) => {
    if (x < 0 || x > 1) return 0;
    const la = x === 0 ? logPowerAtZero(a) : (a - 1) * Math.log(x);
    const lb = x === 1 ? logPowerAtZero(b) : (b - 1) * Math.log1p(-x);
    return Math.exp(la + lb - lnB);
  };
  const cdf = (x: number) => {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    return betainc(x, a, b);
  };
  const quantile = (p: number) => {
    if (p <= 0) return 0;
    if (p >= 1) return 1;
    return betaincinv(p, a, b);
  };
  const d: StandardBeta = {
    pdf, cdf, quantile,
    // the table on first use: resolving a scenario builds its distributions, but only the threads that sample need tables (~25 ms each)
    sample: (u: number) => (d.sample = tabulate(a, b, pdf, cdf))(u),
  };
  return d;
}

/** The tabulated quantile of Beta(a, b) (see standardBeta), built from its exact pdf and cdf. */
function tabulate(a: number, b: number, pdf: (x: number) => number, cdf: (x: number) => number): (u: number) => number {
  const M = INTERVALS;
  const p = new Float64Array(M + 1);
  const m = new Float64Array(M + 1); // Q'(p) at each node
  const c = new Float64Array(M + 1); // Q''(p) at each node
  for (let j = 0; j <= M; j++) {
    const x = j / M;
    p[j] = cdf(x);
    m[j] = 1 / pdf(x);
    c[j] = -((a - 1) / x - (b - 1) / (1 - x)) * m[j] * m[j];
  }
  const hermite = (j: number, u: number) => {
    const h = p[j + 1] - p[j];
    const t = (u - p[j]) / h, t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t;
    const v0 = 1 - 10 * t3 + 15 * t4 - 6 * t5;
    const d0 = t - 6 * t3 + 8 * t4 - 3 * t5;
    const d1 = -4 * t3 + 7 * t4 - 3 * t5;
    const s0 = 0.5 * (t2 - 3 * t3 + 3 * t4 - t5);
    const s1 = 0.5 * (t3 - 2 * t4 + t5);
    return v0 * (j / M) + (1 - v0) * ((j + 1) / M) + h * (d0 * m[j] + d1 * m[j + 1]) + h * h * (s0 * c[j] + s1 * c[j + 1]);
  };
  const exact = new Uint8Array(M);
  for (let j = 0; j < M; j++) {
    if (!(p[j + 1] > p[j]) || ![m[j], m[j + 1], c[j], c[j + 1]].every(Number.isFinite)) {
      exact[j] = 1;
      continue;
    }
    const um = 0.5 * (p[j] + p[j + 1]);
    const xm = hermite(j, um);
    const dm = pdf(xm);
    const err = Math.abs(cdf(xm) - um) / dm;
    if (!(xm >= j / M && xm <= (j + 1) / M && dm > 0 && err <= TABLE_TOLERANCE / MIDPOINT_HEADROOM)) exact[j] = 1;
  }
  // guide[i] = last interval whose left node is ≤ i / M, so a lookup scans a step or two
  const guide = new Int32Array(M + 1);
  for (let i = 0, j = 0; i <= M; i++) {
    while (j < M - 1 && p[j + 1] <= i / M) j++;
    guide[i] = j;
  }
  const sample = (u: number) => {
    if (u <= 0) return 0;
    if (u >= 1) return 1;
    let j = guide[(u * M) | 0];
    while (j < M - 1 && p[j + 1] <= u) j++;
    return exact[j] ? betaincinv(u, a, b) : hermite(j, u);
  };
  return sample;
}
