import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { Plan } from './plan.ts';
import type { MonthFit } from './valuation/basis.ts';
import type { Calibration } from './valuation/calibrate.ts';
import type { Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';
import type { RunConfig } from './run-config.ts';
import { PATH_QUANTITIES, PQ } from './schema.ts';
import { createStoreSpec, openStore, type ColumnStore } from './column-store.ts';
import type { ChunkTimes, Task, TaskResults, WorkerSetup } from '../workers/run-chunk.ts';
import type { InputEffects } from './stats/ranks.ts';

const WORKER = new URL('../workers/chunk.mjs', import.meta.url).href;

/** How long an idle worker thread lives; a run keeps its threads busy, so this only matters between phases. */
const IDLE_TIMEOUT_MS = 60_000;

const reason = (e: unknown) => (typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e));

/** An error naming what failed in a worker. */
const failed = (what: string) => (e: unknown) => new Error(`${what} failed: ${reason(e)}`);

/** A chunk that failed in a worker, named so the user can find it. */
export class ChunkError extends Error {
  /**
   * @param chunk the chunk that failed
   * @param cause what the worker threw
   */
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
  private readonly pool: Piscina<Task, TaskResults[Task['kind']]>;
  private readonly abort = new AbortController();
  /** trials recorded for paths */
  readonly pathK: number;
  /** ranks of the uncertain inputs (plan.sensitivity.inputs), filled by sensitivity() */
  readonly rankStore: ColumnStore;
  private destroyed?: Promise<void>;
  /** the expected valuation's fits once calibrate() ran; null: pathwise */
  private fits: MonthFit[][] | null = null;
  private closed?: Promise<void>;

  /**
   * Create the stores and start the pool.
   *
   * @param plan the run's plan
   * @param o the run's settings; `capacity` is the most trials the run may reach, `spillDir` where spilled columns go
   */
  constructor(readonly plan: Plan, o: Pick<RunConfig, 'seed' | 'sampler' | 'workers' | 'chunkSize' | 'pathSample'> & { capacity: number; store: 'memory' | 'spill'; spillDir: string }) {
    const columns = createStoreSpec(o.store, plan.columns.length, o.capacity, join(o.spillDir, 'columns'));
    const ranks = createStoreSpec(o.store, plan.sensitivity.inputs.length, o.capacity, join(o.spillDir, 'ranks'));
    this.store = openStore(columns);
    this.rankStore = openStore(ranks);
    this.pathK = Math.min(o.pathSample, o.capacity);
    const pathValues = plan.assets.length * PATH_QUANTITIES.length * (plan.H + 1) * this.pathK;
    const paths = { K: this.pathK, buffer: new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * pathValues) };
    const setup: WorkerSetup = { plan, seed: o.seed, sampler: o.sampler, trials: o.capacity, chunkSize: o.chunkSize, columns, ranks, paths };
    setMaxListeners(0, this.abort.signal); // every queued task listens to it
    this.pool = new Piscina({ filename: WORKER, minThreads: o.workers, maxThreads: o.workers, idleTimeout: IDLE_TIMEOUT_MS, workerData: setup });
    this.pool.on('error', (e) => this.cancel(failed('a worker')(e))); // a worker that dies outside a task
  }

  /** Aborted once the run is cancelled or a task has failed. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /**
   * Stop everything in flight; pending tasks reject with `reason`.
   *
   * @param reason what the pending tasks reject with
   */
  cancel(reason: unknown): void {
    // destroy first: piscina replaces a worker whose running task is aborted, unless the pool is going away
    this.destroyed ??= this.pool.destroy();
    this.abort.abort(reason);
  }

  /**
   * The expected valuation's regressions, one asset per task (they run in
   * parallel; each worker draws the calibration trials once, from the seed
   * alone). Chunks simulated afterwards use them.
   *
   * @returns per asset, its monthly fits and foresight figures
   */
  async calibrate(): Promise<Calibration[]> {
    const calibrations = await Promise.all(this.plan.assets.map((a, asset) => this.run({ kind: 'calibrate', asset }, failed(`calibration of ${a.name}`))));
    this.fits = calibrations.map((c) => c.months);
    return calibrations;
  }

  /**
   * Simulate the chunks into the store.
   *
   * @param chunks the chunks to run
   * @param onChunk sees each chunk as it completes
   * @returns worker-seconds spent sampling and simulating
   */
  async simulate(chunks: Chunk[], onChunk?: (c: Chunk) => void): Promise<ChunkTimes> {
    const total = { sample: 0, simulate: 0 };
    await Promise.all(
      chunks.map(async (chunk) => {
        const t = await this.run({ kind: 'chunk', chunk, fits: this.fits }, (e) => new ChunkError(chunk, e));
        total.sample += t.sample;
        total.simulate += t.simulate;
        onChunk?.(chunk);
      }),
    );
    return total;
  }

  /**
   * Summaries of every column, then of every paired policy comparison, computed in the workers.
   *
   * @param length trials to summarise (the first `length`)
   * @returns one summary per plan column, then one per comparison
   */
  summarize(length: number): Promise<Summary[]> {
    return Promise.all([
      ...this.plan.columns.map((_, column) => this.summary(column, length)),
      ...this.plan.comparisons.map((c) => this.run({ kind: 'summary', column: c.a, minus: c.b, length }, failed(`summary of ${c.name}`))),
    ]);
  }

  /**
   * Summary of one column.
   *
   * @param column plan column index
   * @param length trials to summarise (the first `length`)
   * @returns its summary
   */
  summary(column: number, length: number): Promise<Summary> {
    return this.run({ kind: 'summary', column, length }, failed(`summary of ${this.plan.columns[column].name}`));
  }

  /**
   * Spearman correlations of the sensitivity outputs with the uncertain inputs, and each output's mean in every input's bottom and top decile; fills the rank store.
   *
   * @param length trials to rank (the first `length`)
   * @returns one row per plan.sensitivity.outputs, one value per plan.sensitivity.inputs
   */
  async sensitivity(length: number): Promise<InputEffects[]> {
    const fail = failed('sensitivity');
    await Promise.all(this.plan.sensitivity.inputs.map((_, slot) => this.run({ kind: 'ranks', slot, length }, fail)));
    return Promise.all(this.plan.sensitivity.outputs.map((column) => this.run({ kind: 'spearman', column, length }, fail)));
  }

  /**
   * Percentile bands of every path quantity, per asset and for the portfolio.
   *
   * @param length trials run; the bands cover min(pathK, length) of them
   * @returns per series and quantity (q its PQ offset), the bands
   */
  paths(length: number): Promise<{ series: string; q: number; bands: Float64Array }[]> {
    const all = this.plan.assets.map((_, a) => a);
    const series = [...this.plan.assets.map((a, i) => ({ name: a.name, assets: [i] })), { name: 'portfolio', assets: all }];
    return Promise.all(series.flatMap((s) => PATH_QUANTITIES.map(async (quantity) => {
      const q = PQ[quantity];
      return { series: s.name, q, bands: await this.run({ kind: 'paths', q, assets: s.assets, length }, failed(`paths of ${s.name}`)) };
    })));
  }

  /**
   * Stop the workers, then close the stores; safe to call more than once.
   *
   * @returns settles once both are closed
   */
  close(): Promise<void> {
    this.closed ??= (this.destroyed ??= this.pool.destroy()).then(() => {
      this.store.close();
      this.rankStore.close();
    });
    return this.closed;
  }

  /** Run one task in the pool; the first failure cancels the rest, wrapped by `wrap` to name what failed. */
  private async run<T extends Task>(task: T, wrap: (e: unknown) => Error): Promise<TaskResults[T['kind']]> {
    try {
      // piscina's results are untyped; the worker's handler for T['kind'] returns TaskResults[T['kind']]
      return (await this.pool.run(task, { signal: this.abort.signal })) as TaskResults[T['kind']];
    } catch (e) {
      if (this.abort.signal.aborted) throw this.abort.signal.reason ?? e;
      const err = wrap(e);
      this.cancel(err); // the first failure cancels what is still queued
      throw err;
    }
  }
}
