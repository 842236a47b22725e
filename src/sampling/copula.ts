import { Phi, PhiInv } from '../math/normal.ts';
import { InputError } from '../errors.ts';
import { nearestCorrelation } from '../math/nearest-correlation.ts';

/** A Cholesky pivot this far below 0 is a matrix that is not PSD, not rounding from one that is. */
const NEGATIVE_PIVOT_TOLERANCE = 1e-10;
/** A pivot at or below this is zero (a semidefinite matrix): its column stays zero rather than dividing by rounding noise. */
const ZERO_PIVOT = 1e-12;
/** A repaired rank correlation this small is rounding of zero and is not reported as a pair. */
const NEGLIGIBLE_RHO = 1e-12;

/**
 * Gaussian copula for rank correlations. A Spearman target ρs maps to the
 * normal correlation 2·sin(π·ρs/6), which gives exactly ρs for normal
 * margins and, since every margin is sampled by its inverse CDF (a monotone
 * map), the same rank correlation for any margin.
 */
export interface Copula {
  /** positions (in the uniform matrix) of the correlated inputs */
  members: number[];
  /** lower-triangular Cholesky factor, row-major, members × members */
  L: Float64Array;
}

/**
 * Build the copula for `pairs` over the uncertain inputs `names`; returns
 * null when nothing is correlated. Fails naming the inputs when the matrix
 * is not positive semidefinite.
 *
 * @param names the uncertain inputs, in uniform-matrix order
 * @param pairs Spearman targets `[a, b, ρs]` between named inputs
 * @returns the copula, or null without pairs
 * @throws InputError when the correlations cannot hold together
 * @example buildCopula(['x', 'y'], [['x', 'y', 0.5]]) // { members: [0, 1], L: … }
 */
export function buildCopula(names: string[], pairs: [string, string, number][]): Copula | null {
  if (pairs.length === 0) return null;
  const { members, C } = normalCorrelation(names, pairs);
  const m = members.length;
  const L = cholesky(C, m);
  if (typeof L === 'number') {
    const bad = members.slice(0, L + 1).map((k) => names[k]);
    throw new InputError(`correlations: the rank correlations among ${bad.join(', ')} cannot hold together (the matrix is not positive semidefinite at ${names[members[L]]}); loosen them`);
  }
  return { members, L };
}

/**
 * The normal-scale correlation matrix (row-major) over the inputs that appear in `pairs`, in input order.
 *
 * @param names the uncertain inputs
 * @param pairs Spearman targets `[a, b, ρs]`
 * @returns the positions of the inputs involved and their m×m matrix 2·sin(π·ρs/6)
 * @example normalCorrelation(['x', 'y'], [['x', 'y', 0.5]]).C // [1, 0.5176…, 0.5176…, 1]
 */
export function normalCorrelation(names: string[], pairs: [string, string, number][]): { members: number[]; C: Float64Array } {
  const members = [...new Set(pairs.flatMap(([a, b]) => [a, b]))].map((n) => names.indexOf(n)).sort((x, y) => x - y);
  const m = members.length;
  const C = new Float64Array(m * m);
  for (let k = 0; k < m; k++) C[k * m + k] = 1;
  for (const [a, b, rho] of pairs) {
    const i = members.indexOf(names.indexOf(a)), j = members.indexOf(names.indexOf(b));
    const r = 2 * Math.sin((Math.PI * rho) / 6);
    C[i * m + j] = r;
    C[j * m + i] = r;
  }
  return { members, C };
}

/**
 * Replace rank correlations that cannot hold together by the nearest valid
 * ones: Higham's nearest correlation matrix on the normal scale, mapped back
 * to Spearman (6/π)·asin(ρ/2).
 *
 * @param names the uncertain inputs
 * @param pairs the Spearman targets asked for
 * @returns every non-zero pair among the inputs involved, as repaired
 * @example repairCorrelations(['a', 'b', 'c'], [['a', 'b', 0.9], ['a', 'c', 0.9], ['b', 'c', -0.9]])
 */
export function repairCorrelations(names: string[], pairs: [string, string, number][]): [string, string, number][] {
  const { members, C } = normalCorrelation(names, pairs);
  const m = members.length;
  const R = nearestCorrelation(C, m);
  const out: [string, string, number][] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) {
    const rho = (6 / Math.PI) * Math.asin(R[i * m + j] / 2);
    if (Math.abs(rho) > NEGLIGIBLE_RHO) out.push([names[members[i]], names[members[j]], rho]);
  }
  return out;
}

/** Cholesky factor of a PSD matrix; the failing row if it is not. A zero pivot (semidefinite) gives a zero column. */
function cholesky(C: Float64Array, m: number): Float64Array | number {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (s < -NEGATIVE_PIVOT_TOLERANCE) return i;
        L[i * m + i] = Math.sqrt(Math.max(s, 0));
      } else {
        L[i * m + j] = L[j * m + j] > ZERO_PIVOT ? s / L[j * m + j] : 0;
      }
    }
  }
  return L;
}

/**
 * Correlate the members' uniforms in place, trial by trial:
 * u → z = Φ⁻¹(u) → L·z → Φ.
 *
 * @param c the copula
 * @param U the chunk's uniforms, input j of trial i at U[j·count + i] (changed in place)
 * @param count trials in the chunk
 * @param z scratch of length `c.members.length`
 * @example applyCopula(copula, U, chunk.count, new Float64Array(copula.members.length))
 */
export function applyCopula(c: Copula, U: Float64Array, count: number, z: Float64Array): void {
  const { members, L } = c;
  const m = members.length;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < m; k++) z[k] = PhiInv(U[members[k] * count + i]);
    for (let r = m - 1; r >= 0; r--) {
      let s = 0;
      for (let k = 0; k <= r; k++) s += L[r * m + k] * z[k];
      U[members[r] * count + i] = Phi(s);
    }
  }
}
