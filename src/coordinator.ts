import { setMaxListeners } from 'node:events';
import { Piscina } from 'piscina';
import type { Plan } from './plan.ts';
import type { Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';
import type { SamplerKind } from './sampling/sample-chunk.ts';
import type { ChunkTimes, Task, WorkerSetup } from '../workers/run-chunk.ts';

const WORKER = new URL('../workers/chunk.mjs', import.meta.url).href;

/** A chunk that failed in a worker, named so the user can find it. */
export class ChunkError extends Error {
  constructor(readonly chunk: Chunk, cause: unknown) {
    super(`chunk ${chunk.index} (trials ${chunk.start}–${chunk.start + chunk.count - 1}) failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ChunkError';
  }
}

/**
 * The worker pool and the run's column store. Every column lives in one
 * SharedArrayBuffer sized for all trials: workers write their chunk's
 * results there and read columns back for summaries, so nothing is cloned
 * or transferred per chunk, and the main thread writes files straight from
 * the same memory. A pool of one thread is still a pool: every run takes
 * the same path.
 */
export class Coordinator {
  /** views of the shared columns, in plan order */
  readonly columns: Float64Array[];
  private readonly pool: Piscina<Task, ChunkTimes | Summary | Float64Array>;
  private readonly abort = new AbortController();
  /** trials recorded for paths */
  readonly pathK: number;
  /** ranks of the uncertain inputs (plan.sensitivity.inputs), filled by sensitivity() */
  readonly rankBuffers: Float64Array[];

  constructor(readonly plan: Plan, o: { seed: string; sampler: SamplerKind; workers: number; chunkSize: number; capacity: number; pathSample: number }) {
    const buffers = plan.columns.map(() => new SharedArrayBuffer(8 * o.capacity));
    this.columns = buffers.map((b) => new Float64Array(b));
    const ranks = plan.sensitivity.inputs.map(() => new SharedArrayBuffer(8 * o.capacity));
    this.pathK = Math.min(o.pathSample, o.capacity);
    const paths = { K: this.pathK, buffer: new SharedArrayBuffer(8 * plan.assets.length * 3 * (plan.H + 1) * this.pathK) };
    this.rankBuffers = ranks.map((b) => new Float64Array(b));
    const setup: WorkerSetup = { plan, seed: o.seed, sampler: o.sampler, trials: o.capacity, chunkSize: o.chunkSize, columns: buffers, ranks, paths };
    setMaxListeners(0, this.abort.signal); // every queued task listens to it
    this.pool = new Piscina({ filename: WORKER, minThreads: o.workers, maxThreads: o.workers, idleTimeout: 60_000, workerData: setup });
  }

  /** Stop everything in flight; pending tasks reject with `reason`. */
  cancel(reason: unknown): void {
    this.abort.abort(reason);
  }

  /** Simulate the chunks; `onChunk` sees each as it completes. Returns worker-seconds spent sampling and simulating. */
  async simulate(chunks: Chunk[], onChunk?: (c: Chunk) => void): Promise<ChunkTimes> {
    const total = { sample: 0, simulate: 0 };
    await Promise.all(
      chunks.map(async (chunk) => {
        const t = (await this.run({ kind: 'chunk', chunk }, (e) => new ChunkError(chunk, e))) as ChunkTimes;
        total.sample += t.sample;
        total.simulate += t.simulate;
        onChunk?.(chunk);
      }),
    );
    return total;
  }

  /** Summaries over the first `length` trials of every column, then of every paired policy comparison, computed in the workers. */
  summarize(length: number): Promise<Summary[]> {
    const fail = (what: string) => (e: unknown) => new Error(`summary of ${what} failed: ${(e as Error)?.message ?? e}`);
    return Promise.all([
      ...this.plan.columns.map((c, column) => this.run({ kind: 'summary', column, length }, fail(c.name)) as Promise<Summary>),
      ...this.plan.comparisons.map((c) => this.run({ kind: 'summary', column: c.a, minus: c.b, length }, fail(c.name)) as Promise<Summary>),
    ]);
  }

  /** Summary of one column over the first `length` trials. */
  summary(column: number, length: number): Promise<Summary> {
    return this.run({ kind: 'summary', column, length }, (e) => new Error(`summary of ${this.plan.columns[column].name} failed: ${(e as Error)?.message ?? e}`)) as Promise<Summary>;
  }

  /** Spearman correlation of each sensitivity output (rows) with each uncertain input (columns). */
  async sensitivity(length: number): Promise<Float64Array[]> {
    const fail = (e: unknown) => new Error(`sensitivity failed: ${(e as Error)?.message ?? e}`);
    await Promise.all(this.plan.sensitivity.inputs.map((_, slot) => this.run({ kind: 'ranks', slot, length }, fail)));
    return Promise.all(this.plan.sensitivity.outputs.map((column) => this.run({ kind: 'spearman', column, length }, fail) as Promise<Float64Array>));
  }

  /** Percentile bands of C, V, M (q = 0, 1, 2) per asset and for the portfolio, over min(K, length) trials. */
  paths(length: number): Promise<{ series: string; q: number; bands: Float64Array }[]> {
    const all = this.plan.assets.map((_, a) => a);
    const series = [...this.plan.assets.map((a, i) => ({ name: a.name, assets: [i] })), { name: 'portfolio', assets: all }];
    return Promise.all(series.flatMap((s) => [0, 1, 2].map(async (q) => ({
      series: s.name, q,
      bands: (await this.run({ kind: 'paths', q, assets: s.assets, length }, (e) => new Error(`paths of ${s.name} failed: ${(e as Error)?.message ?? e}`))) as Float64Array,
    }))));
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private async run(task: Task, wrap: (e: unknown) => Error): Promise<ChunkTimes | Summary | Float64Array> {
    try {
      return await this.pool.run(task, { signal: this.abort.signal });
    } catch (e) {
      if (this.abort.signal.aborted) throw this.abort.signal.reason ?? e;
      const err = wrap(e);
      this.abort.abort(err); // the first failure cancels what is still queued
      throw err;
    }
  }
}
