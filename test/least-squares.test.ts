import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { solveMinNorm } from '../src/math/least-squares.ts';
import { momentEquations } from '../src/valuation/moments.ts';
import { termOf } from '../src/valuation/rule.ts';

/** The normal equations row by row (the definition), to build test systems and to check momentEquations against. */
function accumulateGram(G: Float64Array, b: Float64Array, row: Float64Array, y: number, p: number): void {
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) G[i * p + j] += row[i] * row[j];
    b[i] += row[i] * y;
  }
}

/** Seeded uniform generator (mulberry32), so every test sees the same data. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normals by Box–Muller on the seeded uniforms. */
function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Normal equations of the rows produced by `basis` for n draws of x, with response `f`. */
function gram(p: number, n: number, seed: number, basis: (x: number, row: Float64Array) => void, f: (x: number) => number) {
  const G = new Float64Array(p * p), b = new Float64Array(p), row = new Float64Array(p);
  const z = normal(seed);
  for (let i = 0; i < n; i++) {
    const x = z();
    basis(x, row);
    accumulateGram(G, b, row, f(x), p);
  }
  return { G, b };
}

/** Full symmetric copy of an upper-triangle Gram matrix. */
function mirror(G: Float64Array, p: number): Float64Array {
  const F = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) F[i * p + j] = F[j * p + i] = G[i * p + j];
  return F;
}

/** Direct solve of a nonsingular system by Gaussian elimination with partial pivoting. */
function gaussSolve(A0: Float64Array, b0: Float64Array, p: number): Float64Array {
  const A = Float64Array.from(A0), b = Float64Array.from(b0);
  for (let k = 0; k < p; k++) {
    let piv = k;
    for (let i = k + 1; i < p; i++) if (Math.abs(A[i * p + k]) > Math.abs(A[piv * p + k])) piv = i;
    for (let j = 0; j < p; j++) [A[k * p + j], A[piv * p + j]] = [A[piv * p + j], A[k * p + j]];
    [b[k], b[piv]] = [b[piv], b[k]];
    for (let i = k + 1; i < p; i++) {
      const m = A[i * p + k] / A[k * p + k];
      for (let j = k; j < p; j++) A[i * p + j] -= m * A[k * p + j];
      b[i] -= m * b[k];
    }
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < p; j++) s -= A[i * p + j] * x[j];
    x[i] = s / A[i * p + i];
  }
  return x;
}

const N = 2000;

describe('momentEquations', () => {
  it('G = ΦᵀΦ (upper triangle), Φᵀy, Φᵀyu, yᵀy and yuᵀyu over the trials with a positive norm, as adding the rows one by one does', () => {
    // five features, the third dropped (inverse scale 0), the second two-valued so its square is left out of the basis
    const n = 500, u = uniform(7);
    const features = Array.from({ length: 5 }, (_, f) => Float64Array.from({ length: n }, () => (f === 1 ? (u() < 0.4 ? 0 : 1) : f === 2 ? 3 : 2 * u() - 0.5)));
    const norm = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 1 + u()));
    const Y = Float64Array.from({ length: n }, () => 10 * u()), Yu = Float64Array.from({ length: n }, () => 20 * u());
    const mean = Float64Array.of(0.4, 0.6, 0, 0.5, 0.45), inv = Float64Array.of(2, 1 / 0.49, 0, 1.7, 1.8);
    const names = ['1', 'x1', 'x2', 'x4', 'x5', 'x1*x1', 'x1*x2', 'x1*x4', 'x1*x5', 'x2*x4', 'x2*x5', 'x4*x4', 'x4*x5', 'x5*x5'];
    const p = names.length;
    const basis = Int32Array.from(names, termOf);
    const G = new Float64Array(p * p).fill(7), b = new Float64Array(p), bu = new Float64Array(p);
    const { yy, yuyu } = momentEquations({ features, norm, mean, inv, basis }, Y, Yu, G, b, bu);
    const want = new Float64Array(p * p), wb = new Float64Array(p), wbu = new Float64Array(p), row = new Float64Array(p);
    let wyy = 0, wyuyu = 0;
    for (let i = 0; i < n; i++) {
      if (!(norm[i] > 0)) continue;
      const z = Array.from({ length: 5 }, (_, f) => (features[f][i] - mean[f]) * inv[f]);
      names.forEach((name, k) => (row[k] = name === '1' ? 1 : name.split('*').reduce((v, x) => v * z[Number(x.slice(1)) - 1], 1)));
      const y = Y[i] / norm[i], yu = Yu[i] / norm[i];
      accumulateGram(want, wb, row, y, p);
      accumulateGram(new Float64Array(p * p), wbu, row, yu, p);
      wyy += y * y;
      wyuyu += yu * yu;
    }
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        if (j >= i) expect(Math.abs(G[i * p + j] - want[i * p + j]), `G[${names[i]}, ${names[j]}]`).toBeLessThan(1e-11 * n);
        else expect(G[i * p + j]).toBe(7); // lower triangle untouched
      }
      expect(Math.abs(b[i] - wb[i]), `b[${names[i]}]`).toBeLessThan(1e-11 * n);
      expect(Math.abs(bu[i] - wbu[i]), `bu[${names[i]}]`).toBeLessThan(1e-11 * n);
    }
    expect(Math.abs(yy - wyy)).toBeLessThan(1e-12 * wyy);
    expect(Math.abs(yuyu - wyuyu)).toBeLessThan(1e-12 * wyuyu);
  });
});

describe('solveMinNorm', () => {
  it('(a) full rank: equals a direct solve of the normal equations', () => {
    const p = 3;
    const z = normal(11);
    const G = new Float64Array(p * p), b = new Float64Array(p), row = new Float64Array(p);
    for (let i = 0; i < N; i++) {
      row[0] = 1; row[1] = z(); row[2] = z() + 0.5 * row[1];
      accumulateGram(G, b, row, 1 + 2 * row[1] - 3 * row[2] + z(), p);
    }
    const beta = new Float64Array(p);
    expect(solveMinNorm(G, b, p, beta)).toBe(3);
    const direct = gaussSolve(mirror(G, p), b, p);
    for (let i = 0; i < p; i++) expect(Math.abs(beta[i] - direct[i])).toBeLessThan(1e-10);
  });

  it('(b) columns [1, x, 2x], y = 5x: β = (0, 1, 2), rank 2', () => {
    const { G, b } = gram(3, N, 12, (x, r) => { r[0] = 1; r[1] = x; r[2] = 2 * x; }, (x) => 5 * x);
    const beta = new Float64Array(3);
    expect(solveMinNorm(G, b, 3, beta)).toBe(2);
    [0, 1, 2].forEach((v, i) => expect(Math.abs(beta[i] - v)).toBeLessThan(1e-9));
  });

  it('(c) a duplicated column [1, x, x], y = 3 + 4x: β = (3, 2, 2), rank 2', () => {
    const { G, b } = gram(3, N, 13, (x, r) => { r[0] = 1; r[1] = x; r[2] = x; }, (x) => 3 + 4 * x);
    const beta = new Float64Array(3);
    expect(solveMinNorm(G, b, 3, beta)).toBe(2);
    [3, 2, 2].forEach((v, i) => expect(Math.abs(beta[i] - v)).toBeLessThan(1e-9));
  });

  it('(d) an all-zero column gets β = 0', () => {
    const { G, b } = gram(3, N, 14, (x, r) => { r[0] = 1; r[1] = 0; r[2] = x; }, (x) => 1 + 2 * x);
    const beta = new Float64Array(3);
    expect(solveMinNorm(G, b, 3, beta)).toBe(2);
    expect(beta[1]).toBe(0);
    expect(Math.abs(beta[0] - 1)).toBeLessThan(1e-9);
    expect(Math.abs(beta[2] - 2)).toBeLessThan(1e-9);
  });

  it('a constant column next to the intercept and a duplicated column: [1, 1, x, x], y = 3 + 4x → (1.5, 1.5, 2, 2)', () => {
    const { G, b } = gram(4, N, 15, (x, r) => { r[0] = 1; r[1] = 1; r[2] = x; r[3] = x; }, (x) => 3 + 4 * x);
    const beta = new Float64Array(4);
    expect(solveMinNorm(G, b, 4, beta)).toBe(2);
    [1.5, 1.5, 2, 2].forEach((v, i) => expect(Math.abs(beta[i] - v)).toBeLessThan(1e-9));
  });

  it('all zero: rank 0 and β = 0; G and b left unchanged; out may alias b', () => {
    const beta = new Float64Array(2).fill(9);
    expect(solveMinNorm(new Float64Array(4), new Float64Array(2), 2, beta)).toBe(0);
    expect(Array.from(beta)).toEqual([0, 0]);
    const G = Float64Array.of(2, 1, 999, 2), b = Float64Array.of(3, 3);
    const out = new Float64Array(2);
    solveMinNorm(G, b, 2, out);
    expect(Array.from(G)).toEqual([2, 1, 999, 2]); // the lower triangle is not read
    expect(Array.from(b)).toEqual([3, 3]);
    solveMinNorm(G, b, 2, b);
    expect(Array.from(b)).toEqual(Array.from(out));
    expect(out[0]).toBeCloseTo(1, 14);
  });

  it('p = 21 with a standardized 0/1 feature: z² is affine in z, so rank 20 and β ⟂ the null direction', () => {
    const p = 21, n = 4096, f = 5;
    const z = normal(17), u = uniform(18);
    const G = new Float64Array(p * p), b = new Float64Array(p), row = new Float64Array(p), x = new Float64Array(f);
    // a 0/1 feature with q = 1/4 ones, standardized: z = (x − q)/σ takes two values, so z² = 1 + c·z exactly in theory
    const q = 0.25, sd = Math.sqrt(q * (1 - q)), c = (1 - 2 * q) / sd;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < f; k++) x[k] = z();
      x[1] = ((i % 4 === 0 ? 1 : 0) - q) / sd;
      let k = 0;
      row[k++] = 1;
      for (let a = 0; a < f; a++) row[k++] = x[a];
      for (let a = 0; a < f; a++) for (let d = a; d < f; d++) row[k++] = x[a] * x[d];
      accumulateGram(G, b, row, 2 + x[0] - x[1] + 0.5 * x[1] * x[1] + 0.1 * u(), p);
    }
    const beta = new Float64Array(p);
    expect(solveMinNorm(G, b, p, beta)).toBe(20);
    // null direction: z2² − 1 − c·z2 (functions 11, 0 and 2 in the order 1, z1..z5, z1², z1·z2, …, z2², …)
    const dot = beta[11] - beta[0] - c * beta[2];
    const norm = Math.sqrt(beta.reduce((s, v) => s + v * v, 0) * (2 + c * c));
    expect(Math.abs(dot) / norm).toBeLessThan(1e-8);
    // and it still fits: the residual of the normal equations is at rounding level
    const F = mirror(G, p);
    let res = 0, nb = 0;
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += F[i * p + j] * beta[j];
      res += (s - b[i]) ** 2;
      nb += b[i] ** 2;
    }
    expect(Math.sqrt(res / nb)).toBeLessThan(1e-8);
  });

  it('rejects an order above 32', () => {
    expect(() => solveMinNorm(new Float64Array(33 * 33), new Float64Array(33), 33, new Float64Array(33))).toThrow(RangeError);
  });

  it('(e) p = 21 on 32,768 rows: G·β = b, timed, bit-identical on a second call', () => {
    const p = 21, n = 32_768, f = 5;
    const z = normal(16);
    // draw the features first so the timing covers only accumulate + solve
    const X = new Float64Array(n * f), Y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let y = 0;
      for (let k = 0; k < f; k++) { X[i * f + k] = z(); y += (k + 1) * X[i * f + k]; }
      Y[i] = y + X[i * f] * X[i * f + 1] + 0.3 * z();
    }
    const row = new Float64Array(p);
    const basis = (i: number) => {
      // 1, z1..z5, then zi·zj for i ≤ j (five squares, ten pairwise products): the 21 functions of MODEL.md
      let k = 0;
      row[k++] = 1;
      for (let a = 0; a < f; a++) row[k++] = X[i * f + a];
      for (let a = 0; a < f; a++) for (let c = a; c < f; c++) row[k++] = X[i * f + a] * X[i * f + c];
    };
    const fit = () => {
      const G = new Float64Array(p * p), b = new Float64Array(p), beta = new Float64Array(p);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) { basis(i); accumulateGram(G, b, row, Y[i], p); }
      const t1 = performance.now();
      const rank = solveMinNorm(G, b, p, beta);
      const t2 = performance.now();
      return { G, b, beta, rank, accumulate: t1 - t0, solve: t2 - t1 };
    };
    fit(); // warm-up, so the printed times are of optimized code
    const r1 = fit();
    console.log(`least squares p=21, n=32768: accumulate ${r1.accumulate.toFixed(2)} ms, solve ${r1.solve.toFixed(3)} ms`);
    expect(r1.rank).toBe(21);
    const F = mirror(r1.G, p);
    let res = 0, nb = 0;
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += F[i * p + j] * r1.beta[j];
      res += (s - r1.b[i]) ** 2;
      nb += r1.b[i] ** 2;
    }
    expect(Math.sqrt(res / nb)).toBeLessThan(1e-8);
    // the planted coefficients come back (order 1, z1..z5, z1², z1·z2, …: z1·z2 is function 7)
    expect(Math.abs(r1.beta[1] - 1)).toBeLessThan(0.01);
    expect(Math.abs(r1.beta[7] - 1)).toBeLessThan(0.01);
    // same input, same bits: a fresh accumulate and a repeated solve on the same G
    const r2 = fit();
    expect(Buffer.from(r2.beta.buffer).equals(Buffer.from(r1.beta.buffer))).toBe(true);
    const again = new Float64Array(p);
    solveMinNorm(r1.G, r1.b, p, again);
    expect(Buffer.from(again.buffer).equals(Buffer.from(r1.beta.buffer))).toBe(true);
  });
});
