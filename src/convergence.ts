import type { Coordinator } from './coordinator.ts';
import { planChunks, type Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';

export interface Convergence {
  /** target relative half-width of the 95 % CIs */
  target: number;
  /** achieved relative half-widths of the P95 and of the mean of portfolio.writedown */
  p95: number;
  mean: number;
  stopped: 'converged' | 'max-trials';
}

/** Relative 95 % CI half-widths of P95 (order statistics) and of the mean (1.96 standard errors). */
export function relativeHalfWidths(s: Summary): { p95: number; mean: number } {
  const rel = (half: number, x: number) => (half === 0 ? 0 : half / Math.abs(x));
  return { p95: rel((s.p95_hi - s.p95_lo) / 2, s.p95), mean: rel(1.959963984540054 * s.mean_se, s.mean) };
}

/**
 * Simulate `trials`, or with `precision` keep doubling (in whole chunks)
 * until the P95 and the mean of the watched column are known to ±precision
 * (relative, 95 %) or `maxTrials` is reached. Chunks are the same as a fixed
 * run's, so a run that stops at N trials equals a fixed run of N trials.
 */
export async function simulateTrials(
  c: Coordinator,
  o: { trials: number; chunkSize: number; precision?: number; maxTrials?: number; watch: number; onChunk?: (ch: Chunk) => void },
): Promise<{ n: number; chunks: Chunk[]; times: { sample: number; simulate: number }; convergence?: Convergence }> {
  const times = { sample: 0, simulate: 0 };
  const step = async (chunks: Chunk[]) => {
    const t = await c.simulate(chunks, o.onChunk);
    times.sample += t.sample;
    times.simulate += t.simulate;
  };
  if (o.precision === undefined) {
    const chunks = planChunks(o.trials, o.chunkSize);
    await step(chunks);
    return { n: o.trials, chunks, times };
  }
  const max = o.maxTrials!;
  const whole = (k: number) => Math.min(max, Math.ceil(k / o.chunkSize) * o.chunkSize);
  let n = whole(o.trials);
  let done: Chunk[] = [];
  for (;;) {
    const chunks = planChunks(n, o.chunkSize);
    await step(chunks.slice(done.length));
    done = chunks;
    const h = relativeHalfWidths(await c.summary(o.watch, n));
    const converged = h.p95 <= o.precision && h.mean <= o.precision;
    if (converged || n >= max) return { n, chunks, times, convergence: { target: o.precision, ...h, stopped: converged ? 'converged' : 'max-trials' } };
    n = whole(2 * n);
  }
}
