import { setMaxListeners } from 'node:events';
import { Piscina } from 'piscina';
import type { Plan } from './plan.ts';
import type { Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';
import type { SamplerKind } from './sampling/sample-chunk.ts';
import { join } from 'node:path';
import { createStoreSpec, openStore, type ColumnStore } from './column-store.ts';
import type { ChunkTimes, Task, WorkerSetup } from '../workers/run-chunk.ts';

const WORKER = new URL('../workers/chunk.mjs', import.meta.url).href;

const reason = (e: unknown) => (e as Error)?.message ?? String(e);

/** An error naming what failed in a worker. */
const failed = (what: string) => (e: unknown) => new Error(`${what} failed: ${reason(e)}`);

/** A chunk that failed in a worker, named so the user can find it. */
export class ChunkError extends Error {
  constructor(readonly chunk: Chunk, cause: unknown) {
    super(`chunk ${chunk.index} (trials ${chunk.start}–${chunk.start + chunk.count - 1}) failed: ${reason(cause)}`);
    this.name = 'ChunkError';
  }
}

/**
 * The worker pool and the run's column store (see column-store.ts): in
 * memory, every column is one SharedArrayBuffer sized for all trials, so
 * nothing is cloned or transferred per chunk and the main thread writes files
 * straight from the same memory; spilled, one file per column, so memory
 * stays bounded for runs that do not fit. A pool of one thread is still a pool: every run takes
 * the same path.
 */
export class Coordinator {
  /** the run's columns, in plan order */
  readonly store: ColumnStore;
  private readonly pool: Piscina<Task, ChunkTimes | Summary | Float64Array>;
  private readonly abort = new AbortController();
  /** trials recorded for paths */
  readonly pathK: number;
  /** ranks of the uncertain inputs (plan.sensitivity.inputs), filled by sensitivity() */
  readonly rankStore: ColumnStore;
  private destroyed?: Promise<void>;
  private closed?: Promise<void>;

  constructor(readonly plan: Plan, o: { seed: string; sampler: SamplerKind; workers: number; chunkSize: number; capacity: number; pathSample: number; store: 'memory' | 'spill'; spillDir: string }) {
    const columns = createStoreSpec(o.store, plan.columns.length, o.capacity, join(o.spillDir, 'columns'));
    const ranks = createStoreSpec(o.store, plan.sensitivity.inputs.length, o.capacity, join(o.spillDir, 'ranks'));
    this.store = openStore(columns);
    this.rankStore = openStore(ranks);
    this.pathK = Math.min(o.pathSample, o.capacity);
    const paths = { K: this.pathK, buffer: new SharedArrayBuffer(8 * plan.assets.length * 3 * (plan.H + 1) * this.pathK) };
    const setup: WorkerSetup = { plan, seed: o.seed, sampler: o.sampler, trials: o.capacity, chunkSize: o.chunkSize, columns, ranks, paths };
    setMaxListeners(0, this.abort.signal); // every queued task listens to it
    this.pool = new Piscina({ filename: WORKER, minThreads: o.workers, maxThreads: o.workers, idleTimeout: 60_000, workerData: setup });
    this.pool.on('error', (e) => this.cancel(failed('a worker')(e))); // a worker that dies outside a task
  }

  /** Aborted once the run is cancelled or a task has failed. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Stop everything in flight; pending tasks reject with `reason`. */
  cancel(reason: unknown): void {
    // destroy first: piscina replaces a worker whose running task is aborted, unless the pool is going away
    this.destroyed ??= this.pool.destroy();
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
    return Promise.all([
      ...this.plan.columns.map((_, column) => this.summary(column, length)),
      ...this.plan.comparisons.map((c) => this.run({ kind: 'summary', column: c.a, minus: c.b, length }, failed(`summary of ${c.name}`)) as Promise<Summary>),
    ]);
  }

  /** Summary of one column over the first `length` trials. */
  summary(column: number, length: number): Promise<Summary> {
    return this.run({ kind: 'summary', column, length }, failed(`summary of ${this.plan.columns[column].name}`)) as Promise<Summary>;
  }

  /** Spearman correlation of each sensitivity output (rows) with each uncertain input (columns). */
  async sensitivity(length: number): Promise<Float64Array[]> {
    const fail = failed('sensitivity');
    await Promise.all(this.plan.sensitivity.inputs.map((_, slot) => this.run({ kind: 'ranks', slot, length }, fail)));
    return Promise.all(this.plan.sensitivity.outputs.map((column) => this.run({ kind: 'spearman', column, length }, fail) as Promise<Float64Array>));
  }

  /** Percentile bands of C, V, M (q = 0, 1, 2) per asset and for the portfolio, over min(K, length) trials. */
  paths(length: number): Promise<{ series: string; q: number; bands: Float64Array }[]> {
    const all = this.plan.assets.map((_, a) => a);
    const series = [...this.plan.assets.map((a, i) => ({ name: a.name, assets: [i] })), { name: 'portfolio', assets: all }];
    return Promise.all(series.flatMap((s) => [0, 1, 2].map(async (q) => ({
      series: s.name, q,
      bands: (await this.run({ kind: 'paths', q, assets: s.assets, length }, failed(`paths of ${s.name}`))) as Float64Array,
    }))));
  }

  /** Stop the workers, then close the stores; safe to call more than once. */
  close(): Promise<void> {
    this.closed ??= (this.destroyed ??= this.pool.destroy()).then(() => {
      this.store.close();
      this.rankStore.close();
    });
    return this.closed;
  }

  private async run(task: Task, wrap: (e: unknown) => Error): Promise<ChunkTimes | Summary | Float64Array> {
    try {
      return await this.pool.run(task, { signal: this.abort.signal });
    } catch (e) {
      if (this.abort.signal.aborted) throw this.abort.signal.reason ?? e;
      const err = wrap(e);
      this.cancel(err); // the first failure cancels what is still queued
      throw err;
    }
  }
}
