import { Piscina } from 'piscina';
import type { Plan } from './plan.ts';
import { planChunks, type Chunk } from './sampling/chunk-plan.ts';
import type { WorkerSetup } from '../workers/run-chunk.ts';

const WORKER = new URL('../workers/chunk.mjs', import.meta.url).href;

export interface PoolOptions {
  trials: number;
  seed: string;
  workers: number;
  chunkSize: number;
  /** called in chunk-completion order with the trials done so far */
  onProgress?: (done: number, total: number) => void;
  /** aborting stops the pool and rejects with the abort reason */
  signal?: AbortSignal;
}

export interface ChunkResult {
  chunk: Chunk;
  /** the chunk's columns (plan layout) */
  data: Float64Array;
}

export interface PoolResult {
  chunks: ChunkResult[];
  /** worker-seconds spent sampling and simulating, summed over chunks */
  sampleSeconds: number;
  simulateSeconds: number;
  /** wall time of the pool phase, start-up included */
  wallSeconds: number;
}

/** A chunk that failed in a worker, named so the user can find it. */
export class ChunkError extends Error {
  constructor(readonly chunk: Chunk, cause: unknown) {
    super(`chunk ${chunk.index} (trials ${chunk.start}–${chunk.start + chunk.count - 1}) failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ChunkError';
  }
}

/**
 * Fan the chunks out to a piscina pool of exactly `workers` threads (one
 * thread still goes through the pool, so every run takes the same path) and
 * collect the moved result buffers in chunk order.
 */
export async function runPool(plan: Plan, o: PoolOptions): Promise<PoolResult> {
  const started = performance.now();
  const chunks = planChunks(o.trials, o.chunkSize);
  const width = plan.columns.length;
  const setup: WorkerSetup = { plan, seed: o.seed };
  const pool = new Piscina({ filename: WORKER, minThreads: o.workers, maxThreads: o.workers, idleTimeout: 60_000, workerData: setup });
  const abort = new AbortController();
  const stop = () => abort.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', stop, { once: true });
  let done = 0, sampleSeconds = 0, simulateSeconds = 0;
  const results: ChunkResult[] = new Array(chunks.length);
  try {
    await Promise.all(
      chunks.map(async (chunk) => {
        let raw: ArrayBuffer;
        try {
          raw = await pool.run(chunk, { signal: abort.signal });
        } catch (e) {
          if (abort.signal.aborted) throw abort.signal.reason ?? e;
          const err = new ChunkError(chunk, e);
          abort.abort(err); // cancel what is still queued
          throw err;
        }
        const all = new Float64Array(raw);
        const n = width * chunk.count;
        sampleSeconds += all[n];
        simulateSeconds += all[n + 1];
        results[chunk.index] = { chunk, data: all.subarray(0, n) };
        done += chunk.count;
        o.onProgress?.(done, o.trials);
      }),
    );
  } finally {
    o.signal?.removeEventListener('abort', stop);
    await pool.destroy();
  }
  return { chunks: results, sampleSeconds, simulateSeconds, wallSeconds: (performance.now() - started) / 1000 };
}

/** One column over all trials, gathered from the chunk buffers into `out`. */
export function gatherColumn(chunks: ChunkResult[], j: number, out: Float64Array): Float64Array {
  for (const { chunk, data } of chunks) out.set(data.subarray(j * chunk.count, (j + 1) * chunk.count), chunk.start);
  return out;
}
