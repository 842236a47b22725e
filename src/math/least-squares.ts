/**
 * Minimum-norm least squares through the Gram matrix, for the `expected`
 * valuation's regressions (MODEL.md, "`expected`"): up to 21 basis functions
 * of standardized features over ~32,768 calibration trials, per asset and
 * month. An SVD of the full design is too slow there; the p × p Gram matrix
 * XᵀX is cheap to accumulate (src/valuation/moments.ts), and its
 * pseudo-inverse applied to Xᵀy is the same minimum-norm β
 * (pinv(XᵀX)·Xᵀy = pinv(X)·y). Forming XᵀX squares the condition number,
 * which is acceptable for standardized features.
 */

/** Largest order the solver takes; its scratch space is sized once for this. */
export const MAX_ORDER = 32;
/** Jacobi sweeps before giving up; convergence is quadratic, so ~10 suffice for p ≤ 32. */
const MAX_SWEEPS = 50;
/** Machine epsilon: the off-diagonal mass counts as zero once below this, relative to the diagonal. */
const EPS = 2 ** -52;
/** Beyond this |θ|, θ² would overflow; tan of the rotation angle is then 1/(2θ) to full precision. */
const HUGE_THETA = 1e150;

// Scratch shared by all calls: solveMinNorm allocates nothing. Each worker
// thread has its own module instance, and JS runs one call at a time.
const work = new Float64Array(MAX_ORDER * MAX_ORDER);
const vecs = new Float64Array(MAX_ORDER * MAX_ORDER);
const proj = new Float64Array(MAX_ORDER);

/**
 * Minimum-norm solution of G·β = b for a symmetric positive semidefinite G
 * (the normal equations of a least-squares fit): β = V·diag(1/λ)·Vᵀ·b over
 * the eigenpairs of G with λ > rcond·λmax, the rest treated as zero. The
 * eigen-decomposition is cyclic Jacobi in a fixed sweep order, so the result
 * is bit-for-bit the same for the same input. Since G's eigenvalues are the
 * squared singular values of the design, rcond = 1e-10 cuts singular values
 * below 1e-5 of the largest.
 *
 * @param G the p × p matrix, row-major; only its upper triangle (j ≥ i) is read; left unchanged
 * @param b the right-hand side, length p; left unchanged (may be the same array as out)
 * @param p the order, 1 ≤ p ≤ MAX_ORDER (32)
 * @param out receives β, length ≥ p
 * @param rcond eigenvalues ≤ rcond·λmax count as zero
 * @returns the numerical rank: the number of eigenvalues kept
 * @example
 * // one observation y = 2 on a duplicated column [1, 1]: the fit splits 1 : 1
 * const beta = new Float64Array(2);
 * solveMinNorm(Float64Array.of(1, 1, 0, 1), Float64Array.of(2, 2), 2, beta); // beta ≈ [1, 1], returns 1
 */
export function solveMinNorm(G: Float64Array, b: Float64Array, p: number, out: Float64Array, rcond = 1e-10): number {
  if (!Number.isInteger(p) || p < 1 || p > MAX_ORDER) throw new RangeError(`solveMinNorm: order ${p} is not in 1..${MAX_ORDER}`);
  if (G.length < p * p || b.length < p || out.length < p) throw new RangeError(`solveMinNorm: arrays too short for order ${p}`);
  const a = work, v = vecs;
  // mirror the upper triangle into a full working copy, so rotations can update rows and columns alike
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) a[i * p + j] = a[j * p + i] = G[i * p + j];
    for (let j = 0; j < p; j++) v[i * p + j] = i === j ? 1 : 0;
  }
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < p; i++) {
      diag += a[i * p + i] * a[i * p + i];
      for (let j = i + 1; j < p; j++) off += a[i * p + j] * a[i * p + j];
    }
    // relative test: the Gram matrix's scale grows with the number of trials
    if (off <= EPS * EPS * diag) break;
    for (let ip = 0; ip < p - 1; ip++) {
      for (let iq = ip + 1; iq < p; iq++) {
        const apq = a[ip * p + iq];
        if (apq === 0) continue;
        const app = a[ip * p + ip], aqq = a[iq * p + iq];
        // rotation zeroing a[p][q] (Rutishauser's form: tau keeps the update well conditioned)
        const theta = (aqq - app) / (2 * apq);
        const at = Math.abs(theta);
        let t = at > HUGE_THETA ? 0.5 / at : 1 / (at + Math.sqrt(at * at + 1));
        if (theta < 0) t = -t;
        const c = 1 / Math.sqrt(t * t + 1), s = t * c, tau = s / (1 + c);
        a[ip * p + ip] = app - t * apq;
        a[iq * p + iq] = aqq + t * apq;
        a[ip * p + iq] = a[iq * p + ip] = 0;
        for (let r = 0; r < p; r++) {
          if (r === ip || r === iq) continue;
          const g = a[r * p + ip], h = a[r * p + iq];
          a[r * p + ip] = a[ip * p + r] = g - s * (h + g * tau);
          a[r * p + iq] = a[iq * p + r] = h + s * (g - h * tau);
        }
        for (let r = 0; r < p; r++) {
          const g = v[r * p + ip], h = v[r * p + iq];
          v[r * p + ip] = g - s * (h + g * tau);
          v[r * p + iq] = h + s * (g - h * tau);
        }
      }
    }
  }
  let lmax = 0;
  for (let k = 0; k < p; k++) lmax = Math.max(lmax, a[k * p + k]);
  // cut-off relative to the largest eigenvalue; rounding can leave null eigenvalues slightly negative
  const cut = rcond * lmax;
  let rank = 0;
  for (let k = 0; k < p; k++) {
    const lk = a[k * p + k];
    if (lmax > 0 && lk > cut) {
      let s = 0;
      for (let r = 0; r < p; r++) s += v[r * p + k] * b[r];
      proj[k] = s / lk;
      rank++;
    } else proj[k] = 0;
  }
  // proj is complete before out is written, so out may alias b
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += v[i * p + k] * proj[k];
    out[i] = s;
  }
  return rank;
}
