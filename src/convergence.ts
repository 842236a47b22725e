import type { Coordinator } from './coordinator.ts';
import { Z95 } from './math/normal.ts';
import { unclampedCIRanks } from './stats/percentile.ts';
import { planChunks, type Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';

/** How a `--precision` run ended, for the manifest. */
export interface Convergence {
  /** target relative half-width of the 95 % CIs */
  target: number;
  /** achieved relative half-widths of the P95 and of the mean of portfolio.writedown */
  p95: number;
  mean: number;
  stopped: 'converged' | 'max-trials';
  /** the half-widths after each round of trials, for the report's convergence chart */
  trace: { trials: number; p95: number; mean: number }[];
}

/**
 * Relative 95 % CI half-widths of P95 (order statistics) and of the mean (Z95 standard errors).
 *
 * @param s a column's summary
 * @returns each half-width over |estimate| (0 when the half-width is 0)
 */
export function relativeHalfWidths(s: Summary): { p95: number; mean: number } {
  const rel = (half: number, x: number) => (half === 0 ? 0 : half / Math.abs(x));
  return { p95: rel((s.p95_hi - s.p95_lo) / 2, s.p95), mean: rel(Z95 * s.mean_se, s.mean) };
}

/**
 * Whether n trials give the P95 a distribution-free 95 % interval that lies
 * inside the sample. With fewer (about 110), percentileCI clamps an end to the
 * sample's extreme: the interval then covers less than 95 %, however narrow it
 * looks (two equal trials give it width 0), so it cannot show convergence.
 *
 * @param n trials
 * @returns true when neither end of the interval is clamped
 * @example p95IntervalHolds(2) // false
 */
export function p95IntervalHolds(n: number): boolean {
  const [lo, hi] = unclampedCIRanks(0.95, n);
  return lo >= 1 && hi <= n;
}

/**
 * The fewest trials whose P95 interval lies inside the sample (p95IntervalHolds):
 * below them --precision cannot stop, whatever the half-widths.
 *
 * @returns the trial count
 * @example fewestTrialsForP95() // 110
 */
export function fewestTrialsForP95(): number {
  let n = 1;
  while (!p95IntervalHolds(n)) n++;
  return n;
}

/**
 * Simulate the chunks of a run of fixed length, or with `precision` keep doubling (in whole chunks)
 * until the P95 and the mean of the watched column are known to ±precision
 * (relative, 95 %) — never before the P95 interval lies inside the sample
 * (p95IntervalHolds) — or `maxTrials` is reached. Chunks are the same as a fixed
 * run's, so a run that stops at N trials equals a fixed run of N trials.
 *
 * @param c the pool, its store sized for every trial the run may reach
 * @param o settings of the run; `chunks`: a run of fixed length's (planChunks(trials, chunkSize)), planned by the caller, whose trials writer needs them too; `watch` is the column whose P95 and mean must converge, `onChunk` sees each chunk done
 * @returns trials run, their chunks, worker-seconds spent, and with precision how it stopped
 */
export async function simulateTrials(
  c: Coordinator,
  o: { trials: number; chunkSize: number; precision: number | undefined; maxTrials: number; watch: number; onChunk?: (ch: Chunk) => void; chunks?: Chunk[] },
): Promise<{ n: number; chunks: Chunk[]; times: { sample: number; simulate: number }; convergence?: Convergence }> {
  const times = { sample: 0, simulate: 0 };
  const step = async (chunks: Chunk[]) => {
    const t = await c.simulate(chunks, o.onChunk);
    times.sample += t.sample;
    times.simulate += t.simulate;
  };
  const { precision, maxTrials, chunks: fixed } = o;
  if (fixed) {
    await step(fixed);
    const last = fixed.at(-1);
    return { n: last ? last.start + last.count : 0, chunks: fixed, times };
  }
  if (precision === undefined) throw new Error('simulateTrials: a run needs its chunks or a precision');
  const whole = (k: number) => Math.min(maxTrials, Math.ceil(k / o.chunkSize) * o.chunkSize);
  let n = whole(o.trials);
  let done: Chunk[] = [];
  const trace: Convergence['trace'] = [];
  for (;;) {
    const chunks = planChunks(n, o.chunkSize);
    await step(chunks.slice(done.length));
    done = chunks;
    const h = relativeHalfWidths(await c.summary(o.watch, n));
    trace.push({ trials: n, ...h });
    const converged = p95IntervalHolds(n) && h.p95 <= precision && h.mean <= precision;
    if (converged || n >= maxTrials) return { n, chunks, times, convergence: { target: precision, ...h, stopped: converged ? 'converged' : 'max-trials', trace } };
    n = whole(2 * n);
  }
}
