import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { families, fixed, fromSpec, DistributionError } from '../distributions/index.ts';
import { readInput } from '../src/scenario/input-spec.ts';
import { inputDomain } from '../src/scenario/inputs.ts';
import { Reader } from '../src/scenario/reader.ts';
import { ScenarioError } from '../src/errors.ts';
import { standardBeta, TABLE_TOLERANCE } from '../src/math/standard-beta.ts';
import { chunkStream } from '../src/sampling/stream.ts';

interface Ref { family: string; params: Record<string, any>; p: number[]; quantile: number[]; x?: number[]; cdf?: number[]; mean?: number; variance?: number }
const refs: Ref[] = JSON.parse(readFileSync(new URL('./fixtures/distribution-reference.json', import.meta.url), 'utf8'));
const close = (got: number, want: number, tol = 1e-10) => Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));

describe('quantiles and CDFs against scipy (test/fixtures/make_distribution_reference.py)', () => {
  it.each(refs.map((r) => [`${r.family} ${JSON.stringify(r.params)}`, r] as const))('%s', (_, r) => {
    const d = families[r.family].create(r.params);
    r.p.forEach((p, k) => expect(close(d.quantile(p), r.quantile[k]), `quantile(${p}) = ${d.quantile(p)}, scipy ${r.quantile[k]}`).toBe(true));
    r.x?.forEach((x, k) => expect(close(d.cdf(x), r.cdf![k]), `cdf(${x}) = ${d.cdf(x)}, scipy ${r.cdf![k]}`).toBe(true));
    if (r.mean !== undefined) expect(close(d.mean, r.mean, 1e-9), `mean ${d.mean} vs ${r.mean}`).toBe(true);
    if (r.variance !== undefined) expect(close(d.variance, r.variance, 1e-8), `variance ${d.variance} vs ${r.variance}`).toBe(true);
  });
});

describe('sampling', () => {
  it('the tabulated beta quantile stays within its error bound, tails included', () => {
    const u = chunkStream('beta-table', 0);
    for (const [a, b] of [[1, 1], [1, 5], [5, 1], [2.6, 3.4], [1.4, 4.6], [0.5, 0.5], [0.3, 3], [8, 1.5], [11, 2], [40, 40]]) {
      const d = standardBeta(a, b);
      const ps = [1e-12, 1e-9, 1e-6, 1e-3, 1 - 1e-3, 1 - 1e-6, 1 - 1e-9, ...Array.from({ length: 20000 }, u)];
      for (const p of ps) {
        const x = d.sample(p);
        // forward error within the bound, or (where the quantile is ill-conditioned, deep in a tail
        // of a peaked density) backward error at the precision of p itself
        const ok = Math.abs(x - d.quantile(p)) <= 4 * TABLE_TOLERANCE || Math.abs(d.cdf(x) - p) <= 4 * Number.EPSILON * Math.max(p, 1e-300);
        expect(ok, `beta(${a}, ${b}) at p = ${p}: table ${x}, exact ${d.quantile(p)}`).toBe(true);
      }
    }
  });

  it("a beta family's tabulated draw is finite exactly where its quantile is: what reading a scenario checks, sparing that thread the table", () => {
    const u = chunkStream('beta-finite', 0);
    const us = [2 ** -53, 0.5, 1 - 2 ** -53, 1e-300, ...Array.from({ length: 2000 }, u)];
    for (const [a, b] of [[1e-300, 1e-300], [1e-300, 2], [2, 1e-300], [1e-8, 1e-8], [1e-3, 5], [0.5, 0.5], [1, 1], [2.6, 3.4], [1e6, 1e6], [1e12, 3], [1e300, 1e300]]) {
      const d = standardBeta(a, b);
      for (const p of us) expect(Number.isFinite(d.sample(p)), `beta(${a}, ${b}) at p = ${p}: draw ${d.sample(p)}, quantile ${d.quantile(p)}`).toBe(Number.isFinite(d.quantile(p)));
    }
  });

  // Kolmogorov–Smirnov at n = 100,000 with fixed seeds; critical value at α = 0.001 is 1.9495/√n.
  const n = 100_000;
  const critical = 1.9495 / Math.sqrt(n);
  it.each(refs.filter((r) => r.family !== 'empirical').map((r) => [`${r.family} ${JSON.stringify(r.params)}`, r] as const))('KS at n = 100,000: %s', (_, r) => {
    const d = families[r.family].create(r.params);
    const next = chunkStream(`ks-${r.family}`, 1);
    const xs = Float64Array.from({ length: n }, () => d.sample(next())).sort();
    let D = 0;
    for (let i = 0; i < n; i++) {
      if (i + 1 < n && xs[i + 1] === xs[i]) continue; // evaluate the empirical CDF after the last of a run of ties
      const F = d.cdf(xs[i]);
      const lo = r.family === 'discrete' ? i + 1 : i; // a step distribution: compare at the top of each step
      D = Math.max(D, Math.abs((i + 1) / n - F), r.family === 'discrete' ? 0 : Math.abs(F - lo / n));
    }
    expect(D).toBeLessThan(critical);
  });
});

describe('parameter validation', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['uniform', { min: 2, max: 1 }, 'max'],
    ['triangular', { min: 0, mode: 2, max: 1 }, 'mode'],
    ['pert', { min: 0, mode: 0.5, max: 1, lambda: 0 }, 'lambda'],
    ['pert', { min: 1, mode: 1, max: 1 }, 'max'],
    ['normal', { mean: 0, sd: 0 }, 'sd'],
    ['normal', { mean: 0, sd: 1, min: 1, max: 0 }, 'max'],
    ['lognormal', { median: 0, sigma: 1 }, 'median'],
    ['lognormal', { median: 1, sigma: -1 }, 'sigma'],
    ['beta', { alpha: 0, beta: 1 }, 'alpha'],
    ['weibull', { shape: 1, scale: 0 }, 'scale'],
    ['discrete', { values: [1, 2], weights: [1] }, 'weights'],
    ['discrete', { values: [1, 2], weights: [0, 0] }, 'weights'],
    ['discrete', { values: [1, 2], weights: [1, -1] }, 'weights[1]'],
    ['discrete', { values: [2, 3], weights: [1e308, 1e308] }, 'weights'], // the total overflows: every probability would be 0
    ['triangular', { min: 1, mode: 1.62e154, max: 1.8e154 }, 'max'], // p·w·(mode − min) overflows for p in (0.62, 0.9)
    ['empirical', { samples: [1] }, 'samples'],
  ];
  it.each(bad)('%s %j fails on %s', (family, params, key) => {
    let err: unknown;
    try {
      families[family].create(params);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DistributionError);
    expect((err as DistributionError).key).toBe(key);
  });

  it('parameters whose sums or products overflow a double are refused when read, or every draw is finite and in order', () => {
    const domain = inputDomain('cadenceMonths'); // unbounded above: only the families' own arithmetic limits the parameters
    const huge: Record<string, unknown>[] = [
      { dist: 'uniform', min: 1, max: 1.7e308 },
      { dist: 'triangular', min: 1, mode: 1.62e154, max: 1.8e154 },
      { dist: 'triangular', min: 1, mode: 1.8e153, max: 1.8e154 },
      { dist: 'pert', min: 1, mode: 2, max: 3, lambda: 1e308 },
      { dist: 'beta', alpha: 1e300, beta: 1e300, min: 1, max: 2 },
      { dist: 'normal', mean: 0, sd: 1e308, min: 1 },
      { dist: 'lognormal', median: 1e307, sigma: 1 },
      { dist: 'weibull', shape: 1, scale: 1e307 },
      { dist: 'discrete', values: [1, 2], weights: [1e308, 1e308] },
      { dist: 'empirical', samples: [1, 1e308, 1.7e308] },
    ];
    for (const spec of huge) {
      let read;
      try {
        read = readInput(new Reader('s.yaml'), 'x', spec, domain);
      } catch (e) {
        expect(e, JSON.stringify(spec)).toBeInstanceOf(ScenarioError);
        continue;
      }
      const d = fromSpec(read);
      const draws = Array.from({ length: 9999 }, (_, i) => d.sample((i + 1) / 10000));
      expect(draws.every(Number.isFinite), JSON.stringify(spec)).toBe(true);
      expect(draws.every((x, i) => i === 0 || x >= draws[i - 1]), JSON.stringify(spec)).toBe(true);
    }
  });

  it('a fixed number is its own quantile', () => {
    expect(fixed(3).sample(0.123)).toBe(3);
    expect(fixed(3).variance).toBe(0);
  });
});
