import { families, DistributionError, type InputSpec } from '../../distributions/index.ts';
import { describeDomain, inDomain, type InputDomain } from './inputs.ts';
import { describe, join, type Reader } from './reader.ts';
import { MAX_LIST_ITEMS } from './limits.ts';

/** The smallest and largest uniforms a sampler draws (53-bit doubles in (0, 1)). */
const SMALLEST_UNIFORM = 2 ** -53;
const LARGEST_UNIFORM = 1 - 2 ** -53;

/**
 * One sampled input: a bare number, or `{dist, ...parameters}`. The
 * distribution must be valid and its whole support must lie in the input's
 * domain, so no draw can ever fall outside what the model allows.
 *
 * @param r the reader (for errors)
 * @param path the input's key path
 * @param v the raw value
 * @param domain the values the input may take
 * @returns the resolved spec, every default parameter filled in
 * @throws ScenarioError naming the parameter at fault
 * @example readInput(r, 'assets[0].pue', { dist: 'uniform', min: 1.1, max: 1.3 }, domain) // { dist: 'uniform', min: 1.1, max: 1.3 }
 */
export function readInput(r: Reader, path: string, v: unknown, domain: InputDomain): InputSpec {
  if (typeof v === 'number') {
    const x = r.number(path, v);
    if (!inDomain(x, domain)) r.fail(path, `${domain.key} ${describeDomain(domain)}, got ${x}`);
    return x;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    r.fail(path, `a number or a distribution such as {dist: pert, min, mode, max}, got ${describe(v)}`);
  }
  const dist = r.oneOf(join(path, 'dist'), (v as Record<string, unknown>).dist, Object.keys(families));
  const fam = families[dist];
  const o = r.object(path, v, ['dist', ...fam.required], fam.optional);
  const params: Record<string, number | number[]> = {};
  for (const k of [...fam.required, ...fam.optional]) {
    if (o[k] === undefined) continue;
    params[k] = fam.lists.includes(k)
      ? r.list(join(path, k), o[k], 1, MAX_LIST_ITEMS).map((x, i) => r.number(join(join(path, k), i), x))
      : r.number(join(path, k), o[k]);
  }
  let d;
  try {
    d = fam.create(params);
  } catch (e) {
    if (e instanceof DistributionError) r.fail(join(path, e.key), e.expected);
    throw e;
  }
  const [lo, hi] = d.support;
  // an unbounded tail is fine where the domain is; where it is not, what a draw can reach is the largest quantile a sampler asks for
  const reach = hi === Infinity && domain.max < Infinity ? d.quantile(LARGEST_UNIFORM) : hi;
  const loOk = inDomain(lo, domain);
  if (!loOk || !inDomain(reach, domain)) {
    const range = loOk && reach !== hi ? `reaches ${reach.toPrecision(3)} at its 1 − 2⁻⁵³ quantile` : `ranges over [${lo}, ${hi}]`;
    r.fail(path, `${domain.key} ${describeDomain(domain)}, but this ${dist} ${range}; bound it (e.g. min/max)`);
  }
  // parameters at the edge of a family's arithmetic (a beta with α = 1e-300, a Weibull whose tail overflows) give draws that are not numbers
  // (the exact quantile: where it is finite, so is a beta family's tabulated draw, and asking it spares this thread the table)
  for (const u of [SMALLEST_UNIFORM, 0.5, LARGEST_UNIFORM]) {
    const x = d.quantile(u);
    if (!Number.isFinite(x)) r.fail(path, `a distribution whose draws are finite numbers, but this ${dist} draws ${x} at the ${u === 0.5 ? 'median' : u < 0.5 ? '2⁻⁵³ quantile' : '1 − 2⁻⁵³ quantile'}; choose parameters nearer its usual range`);
  }
  return { dist, ...d.params };
}

