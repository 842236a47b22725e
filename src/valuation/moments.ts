import { FEATURES } from './basis.ts';
import { TERMS } from './rule.ts';

/**
 * The normal equations of one month's regression from moments. An entry of
 * the Gram matrix of the quadratic basis is the sum over trials of a
 * monomial of degree ≤ 4 in the standardized features: five features have
 * only 126 such monomials against 231 entries, and Φᵀy needs 21 more sums.
 * All of them are accumulated in one pass over the trials, by a loop
 * generated once per set of kept features with every product spelled out:
 * V8 keeps the features and their products in registers there, where dot
 * products over columns load two values per multiply (≈ 3.5× slower here),
 * and each sum in a local of its own (not an array element: about twice as
 * fast again, though V8 takes longer to optimize it; see warmMoments).
 * The sums run trial by trial in a fixed order, so they depend on the trials
 * alone.
 */

/** The features of each dense term (rule.ts order): none for 1, one for z_i, two for z_i·z_j. */
const FACTORS: number[][] = [[]];
for (let i = 0; i < FEATURES; i++) FACTORS.push([i]);
for (let i = 0; i < FEATURES; i++) for (let j = i; j < FEATURES; j++) FACTORS.push([i, j]);

/** Distinct monomials of degree ≤ 4: for a pair of terms, its monomial's slot; per slot, the first pair of terms forming it. */
const SLOT = new Int32Array(TERMS * TERMS);
const SLOT_PAIR: [number, number][] = [];
{
  const slots = new Map<string, number>();
  for (let a = 0; a < TERMS; a++) {
    for (let b = a; b < TERMS; b++) {
      const key = [...FACTORS[a], ...FACTORS[b]].sort().join();
      let s = slots.get(key);
      if (s === undefined) slots.set(key, (s = SLOT_PAIR.push([a, b]) - 1));
      SLOT[a * TERMS + b] = SLOT[b * TERMS + a] = s;
    }
  }
}
/** Distinct monomials of degree ≤ 4 in five features. */
const MOMENTS = SLOT_PAIR.length;
/** Where the sums go: the moments, Σ y·term, Σ yu·term, yᵀy, yuᵀyu. */
const TY = MOMENTS, TYU = TY + TERMS, YY = TYU + TERMS, YUYU = YY + 1, SUMS = YUYU + 1;

/** The generated accumulation (see accumulatorOf). */
type Accumulate = (features: Float64Array[], norm: Float64Array, Y: Float64Array, Yu: Float64Array | null, mean: Float64Array, inv: Float64Array, sums: Float64Array) => void;

/**
 * The loop summing, over the trials with norm > 0, every monomial of the
 * kept features' terms and every term times y = Y / norm (and yu), with
 * z_f = (x_f − mean_f)·inv_f as the compiled rule forms it.
 */
function accumulatorOf(kept: number, undiscounted: boolean): Accumulate {
  const uses = (term: number) => FACTORS[term].every((f) => (kept >> f) & 1);
  const name = (term: number) => (FACTORS[term].length === 0 ? '' : `q${FACTORS[term].join('_')}`);
  const times = (a: string, b: string) => [a, b].filter(Boolean).join(' * ') || '1';
  const body: string[] = ['const n = norm.length;'];
  for (let f = 0; f < FEATURES; f++) if ((kept >> f) & 1) body.push(`const x${f} = features[${f}], m${f} = mean[${f}], v${f} = inv[${f}];`);
  body.push('for (let i = 0; i < n; i++) {', 'const w = norm[i];', 'if (!(w > 0)) continue;', 'const y = Y[i] / w;');
  if (undiscounted) body.push('const yu = Yu[i] / w;');
  for (let f = 0; f < FEATURES; f++) if ((kept >> f) & 1) body.push(`const q${f} = (x${f}[i] - m${f}) * v${f};`);
  for (let t = 1 + FEATURES; t < TERMS; t++) if (uses(t)) body.push(`const ${name(t)} = q${FACTORS[t][0]} * q${FACTORS[t][1]};`);
  const adds: [number, string][] = [];
  SLOT_PAIR.forEach(([a, b], s) => {
    if (uses(a) && uses(b)) adds.push([s, times(name(a), name(b))]);
  });
  for (let t = 0; t < TERMS; t++) {
    if (!uses(t)) continue;
    adds.push([TY + t, times('y', name(t))]);
    if (undiscounted) adds.push([TYU + t, times('yu', name(t))]);
  }
  adds.push([YY, 'y * y']);
  if (undiscounted) adds.push([YUYU, 'yu * yu']);
  for (const [s, e] of adds) body.push(`s${s} += ${e};`);
  body.push('}');
  for (const [s] of adds) body.push(`sums[${s}] = s${s};`);
  body.splice(1, 0, `let ${adds.map(([s]) => `s${s} = 0`).join(', ')};`);
  // the source is built from the term table above and nothing else
  return new Function('features', 'norm', 'Y', 'Yu', 'mean', 'inv', 'sums', body.join('\n')) as Accumulate;
}
const accumulators = new Map<number, Accumulate>();

/** The accumulation for the features with a positive inverse scale, with the undiscounted sums or without; generated on first use. */
function accumulatorFor(inv: Float64Array, undiscounted: boolean): Accumulate {
  let kept = 0;
  for (let f = 0; f < FEATURES; f++) if (inv[f] > 0) kept |= 1 << f;
  const key = kept | (undiscounted ? 1 << FEATURES : 0);
  let accumulate = accumulators.get(key);
  if (!accumulate) accumulators.set(key, (accumulate = accumulatorOf(kept, undiscounted)));
  return accumulate;
}

/** Accumulations already run on dummy trials (warmMoments). */
const warmed = new Set<Accumulate>();
/** Dummy trials, and calls on them: about what it takes V8 to see the loop as hot and optimize it (measured: fewer left the first real call unoptimized). */
const WARM_TRIALS = 16, WARM_CALLS = 100;

/**
 * Have V8 optimize the accumulation of a design ahead of its first real
 * use, on a background thread while this one does other work: a loop of 150
 * sums takes V8 about as long to optimize as tens of thousands of trials
 * take to run unoptimized, so a first real call would otherwise run slowly
 * for most of a month. Runs the generated loop on a few dummy trials (one
 * out of the fit), so the sums of every later call are untouched.
 *
 * @param inv the design's inverse scales (0 for a dropped feature)
 * @param undiscounted whether the regressions include the undiscounted targets
 * @example warmMoments(design.inv, plan.usgaap); // before the forward pass; momentEquations(design, …) later
 */
export function warmMoments(inv: Float64Array, undiscounted: boolean): void {
  const accumulate = accumulatorFor(inv, undiscounted);
  if (warmed.has(accumulate)) return;
  warmed.add(accumulate);
  const half = () => new Float64Array(WARM_TRIALS).fill(0.5);
  const features = Array.from({ length: FEATURES }, half), norm = half(), Y = half(), mean = new Float64Array(FEATURES);
  norm[0] = 0;
  for (let k = 0; k < WARM_CALLS; k++) accumulate(features, norm, Y, undiscounted ? Y : null, mean, inv, new Float64Array(SUMS));
}

/** One month's design: the raw features, who is in the fit, the standardization and the basis. */
export interface MonthDesign {
  /** the five features, one value per trial */
  features: Float64Array[];
  /** a trial is in the fit where norm > 0; its targets are Y / norm */
  norm: Float64Array;
  mean: Float64Array;
  /** 1 / scale, 0 for a dropped feature */
  inv: Float64Array;
  /** the basis as dense terms (termOf), increasing */
  basis: Int32Array;
}

/**
 * The normal equations of the basis, over the trials with a positive norm:
 * G = ΦᵀΦ (upper triangle, j ≥ i; the lower is left as it is), b = Φᵀy and
 * bu = Φᵀyu with y = Y / norm and z_f = (x_f − mean_f)·inv_f, as the
 * compiled rule forms it; also yᵀy and yuᵀyu, for R².
 *
 * @param m the month's design
 * @param Y the targets, one per trial
 * @param Yu the undiscounted targets, or null
 * @param G p × p, row-major, p = m.basis.length
 * @param b length p
 * @param bu length p (left as it is when Yu is null)
 * @returns yᵀy and yuᵀyu (0 when Yu is null)
 * @example
 * // x1 takes 1 and 3 (mean 2, scale 1), y = 2·x1: basis 1, x1
 * const zero = new Float64Array(2), G = new Float64Array(4), b = new Float64Array(2);
 * const m = { features: [Float64Array.of(1, 3), zero, zero, zero, zero], norm: Float64Array.of(1, 1), mean: Float64Array.of(2, 0, 0, 0, 0), inv: Float64Array.of(1, 0, 0, 0, 0), basis: Int32Array.of(0, 1) };
 * momentEquations(m, Float64Array.of(2, 6), null, G, b, b); // G = [2, 0, ·, 2], b = [8, 4]; returns { yy: 40, yuyu: 0 }
 */
export function momentEquations(m: MonthDesign, Y: Float64Array, Yu: Float64Array | null, G: Float64Array, b: Float64Array, bu: Float64Array): { yy: number; yuyu: number } {
  const sums = new Float64Array(SUMS);
  accumulatorFor(m.inv, Yu !== null)(m.features, m.norm, Y, Yu, m.mean, m.inv, sums);
  const { basis } = m, p = basis.length;
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) G[i * p + j] = sums[SLOT[basis[i] * TERMS + basis[j]]];
    b[i] = sums[TY + basis[i]];
    if (Yu) bu[i] = sums[TYU + basis[i]];
  }
  return { yy: sums[YY], yuyu: sums[YUYU] };
}
