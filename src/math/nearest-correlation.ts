/** Jacobi sweeps before giving up; each sweep roughly squares the off-diagonal mass, so a handful suffice. */
const MAX_SWEEPS = 100;
/** Off-diagonal sum of squares below which the matrix counts as diagonal (far below double rounding of unit-scale entries). */
const DIAGONAL_ENOUGH = 1e-30;
/** An off-diagonal entry this small is already zero; rotating it would only divide by it. */
const NEGLIGIBLE_ENTRY = 1e-300;
/** Alternating-projection rounds before returning the current iterate. */
const MAX_PROJECTIONS = 10_000;
/** Default relative change in the Frobenius norm at which the projections have converged. */
const PROJECTION_TOLERANCE = 1e-12;
/** Off-diagonals are shrunk by this fraction, a hair inside the PSD cone, so Cholesky never meets a rounding-level negative pivot. */
const CONE_MARGIN = 1e-9;

/**
 * Eigen-decomposition of a symmetric m×m matrix (row-major) by cyclic
 * Jacobi rotations: A = V·diag(w)·Vᵀ. Adequate for the small matrices of
 * input correlations.
 *
 * @param A the symmetric matrix, row-major (left unchanged)
 * @param m its order
 * @returns eigenvalues `w` and eigenvectors as the columns of `V` (row-major)
 * @example symmetricEigen(Float64Array.of(2, 0, 0, 3), 2).w // [2, 3]
 */
export function symmetricEigen(A: Float64Array, m: number): { w: Float64Array; V: Float64Array } {
  const a = Float64Array.from(A);
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += a[p * m + q] ** 2;
    if (off < DIAGONAL_ENOUGH) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (Math.abs(apq) < NEGLIGIBLE_ENTRY) continue;
        const theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p], akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k], aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p], vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { w: Float64Array.from({ length: m }, (_, i) => a[i * m + i]), V };
}

/**
 * Nearest correlation matrix in the Frobenius norm (Higham 2002: alternating
 * projections onto the PSD cone and the unit-diagonal matrices, with
 * Dykstra's correction).
 *
 * @param A a symmetric matrix with unit diagonal, row-major (left unchanged)
 * @param m its order
 * @param tol relative change at which the projections stop
 * @returns the nearest correlation matrix, shrunk a hair inside the PSD cone
 * @example nearestCorrelation(Float64Array.of(1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1), 3)
 */
export function nearestCorrelation(A: Float64Array, m: number, tol = PROJECTION_TOLERANCE): Float64Array {
  let Y = Float64Array.from(A);
  const dS = new Float64Array(m * m);
  let X = Y;
  for (let iter = 0; iter < MAX_PROJECTIONS; iter++) {
    const R = Y.map((y, k) => y - dS[k]);
    const { w, V } = symmetricEigen(R, m);
    X = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) if (w[k] > 0) s += V[i * m + k] * w[k] * V[j * m + k];
      X[i * m + j] = s;
    }
    for (let k = 0; k < m * m; k++) dS[k] = X[k] - R[k];
    const next = Float64Array.from(X);
    for (let i = 0; i < m; i++) next[i * m + i] = 1;
    let diff = 0, norm = 0;
    for (let k = 0; k < m * m; k++) {
      diff += (next[k] - Y[k]) ** 2;
      norm += next[k] ** 2;
    }
    Y = next;
    if (Math.sqrt(diff) <= tol * Math.sqrt(norm)) break;
  }
  const shrink = 1 - CONE_MARGIN;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) Y[i * m + j] *= shrink;
  return Y;
}
