import { Phi, PhiInv } from '../math/normal.ts';
import { InputError } from '../errors.ts';
import { nearestCorrelation } from '../math/nearest-correlation.ts';

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

/** The normal-scale correlation matrix (row-major) over the inputs that appear in `pairs`, in input order. */
export function normalCorrelation(names: string[], pairs: [string, string, number][]): { members: number[]; C: Float64Array } {
  const members = [...new Set(pairs.flatMap(([a, b]) => [a, b]))].map((n) => names.indexOf(n)).sort((x, y) => x - y);
  const m = members.length;
  const C = new Float64Array(m * m);
  for (let k = 0; k < m; k++) C[k * m + k] = 1;
  for (const [a, b, rho] of pairs) {
    const i = members.indexOf(names.indexOf(a)), j = members.indexOf(names.indexOf(b));
    C[i * m + j] = C[j * m + i] = 2 * Math.sin((Math.PI * rho) / 6);
  }
  return { members, C };
}

/**
 * Replace rank correlations that cannot hold together by the nearest valid
 * ones: Higham's nearest correlation matrix on the normal scale, mapped back
 * to Spearman (6/π)·asin(ρ/2). Returns every pair among the inputs involved.
 */
export function repairCorrelations(names: string[], pairs: [string, string, number][]): [string, string, number][] {
  const { members, C } = normalCorrelation(names, pairs);
  const m = members.length;
  const R = nearestCorrelation(C, m);
  const out: [string, string, number][] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) {
    const rho = (6 / Math.PI) * Math.asin(R[i * m + j] / 2);
    if (Math.abs(rho) > 1e-12) out.push([names[members[i]], names[members[j]], rho]);
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
        if (s < -1e-10) return i;
        L[i * m + i] = Math.sqrt(Math.max(s, 0));
      } else {
        L[i * m + j] = L[j * m + j] > 1e-12 ? s / L[j * m + j] : 0;
      }
    }
  }
  return L;
}

/**
 * Correlate the members' uniforms in place, trial by trial:
 * u → z = Φ⁻¹(u) → L·z → Φ. `z` is scratch of length members.
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
