import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { Plan } from './plan.ts';
import type { MonthFit } from './valuation/basis.ts';
import { calibrationChunks, type Calibration } from './valuation/calibrate.ts';
import { calibrationGroups } from './valuation/groups.ts';
import type { Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';
import type { RunConfig } from './run-config.ts';
import { PATH_QUANTITIES, PQ } from './schema.ts';
import { createStoreSpec, openStore, type ColumnStore } from './column-store.ts';
import type { ChunkTimes, Task, TaskResults, WorkerSetup } from '../workers/run-chunk.ts';
import { mapBounded } from './bounded.ts';
import { ROOT } from './root.ts';
import type { InputEffects } from './stats/ranks.ts';
import type { CheckReport } from './check/check.ts';
import type { Scenario } from './scenario/types.ts';

/** Set by the bundler (bin/bundle.mjs) in the bundle bin/sim.mjs runs: its workers' entry, beside it. */
declare const SIM_BUNDLE_WORKER: string | undefined;

/** The pool's entry, CommonJS (workers/chunk.cjs says why): the bundle's own, or the one that loads the TypeScript. */
export const WORKER = (typeof SIM_BUNDLE_WORKER === 'string' ? new URL(SIM_BUNDLE_WORKER, import.meta.url) : new URL('workers/chunk.cjs', ROOT)).href;

/** How long an idle worker thread lives; a run keeps its threads busy, so this only matters between phases. */
const IDLE_TIMEOUT_MS = 60_000;

/** Tasks handed to the pool per thread at a time: enough that no thread waits for the main thread, few enough that a cancel is instant. */
const TASKS_PER_THREAD = 4;

/**
 * Tasks posted to a thread at once: the one it runs and the next, which it
 * starts as soon as it is done. With one, every task waited for the main
 * thread to hand over the next, and while the main thread was writing
 * trials.arrow (a 63 MB batch at a time) the workers sat idle: 10.5 s each of
 * a 1,000,000-trial run. More would leave one thread with a queue while the other idles at the end.
 */
const TASKS_QUEUED_IN_THREAD = 2;

const reason = (e: unknown) => (typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e));

/** Column-trials a summary task covers (about 0.15 s of one thread): a task much shorter than the main thread's longest pause, writing a batch of trials.arrow, would leave its thread idle, waiting for the next. */
const SUMMARY_TASK_VALUES = 8_000_000;

/**
 * Columns a summary task covers for runs of `length` trials: about SUMMARY_TASK_VALUES values, one column at least.
 *
 * @example summaryGroup(1_000_000) // 8
 */
export function summaryGroup(length: number): number {
  return Math.max(1, Math.ceil(SUMMARY_TASK_VALUES / Math.max(1, length)));
}

/** Bytes per trial of a worker's statistics scratch: rank space (two float64, two uint32) and three float64 columns. */
const SCRATCH_BYTES_PER_TRIAL = 48;
/** Bytes per trial and uncertain input of a worker's decile lists (int32): two tails of a tenth of the trials each, up to a fifth when a tie straddles a cut. */
const DECILE_BYTES_PER_TRIAL_INPUT = 1.6;

/**
 * What a pool will allocate beside the column store, for checking before it starts.
 *
 * @param plan the run's plan
 * @param o the run's settings; `capacity` as for the Coordinator
 * @returns bytes of the shared path sample, and of each worker's chunk buffers and scratch
 * @example memoryNeeds(plan, { ...config, capacity: 100_000 }).paths // 5 assets × 3 quantities × 73 months × 10,000 trials × 8 B = 87.6 MB
 */
export function memoryNeeds(plan: Plan, o: Pick<RunConfig, 'chunkSize' | 'pathSample'> & { capacity: number; trials?: number }): { paths: number; perWorker: number } {
  const B = Float64Array.BYTES_PER_ELEMENT;
  const pathK = Math.min(o.pathSample, o.trials ?? o.capacity);
  // a chunk holds every column and the sampler's uniforms of every uncertain input for min(chunkSize, trials) trials
  const chunk = (plan.columns.length + plan.sensitivity.inputs.length) * Math.min(o.chunkSize, o.capacity) * B;
  return { paths: plan.assets.length * PATH_QUANTITIES.length * (plan.H + 1) * pathK * B, perWorker: chunk + (SCRATCH_BYTES_PER_TRIAL + DECILE_BYTES_PER_TRIAL_INPUT * plan.sensitivity.inputs.length) * o.capacity };
}

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
 * straight from the same memory; spilled, one sparse file for all columns, so memory
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
  /** the monthly paths of the first pathK trials (PathSink layout), shared with the workers */
  readonly pathData: Float64Array;
  /** ranks of the uncertain inputs (plan.sensitivity.inputs), filled by sensitivity() */
  readonly rankStore: ColumnStore;
  private destroyed?: Promise<void>;
  /** the expected valuation's fits once calibrate() ran; null: pathwise */
  private fits: MonthFit[][] | null = null;
  private closed?: Promise<void>;
  /** settled once calibrate() has freed a thread, or is over */
  private calibrating: Promise<void> = Promise.resolve();
  /** the pool's threads */
  private readonly workers: number;
  /** tasks pending in the pool at most (see mapBounded) */
  private readonly inFlight: number;

  /**
   * Create the stores and start the pool.
   *
   * @param plan the run's plan
   * @param o the run's settings; `capacity` is the most trials the store holds, `spillDir` where spilled columns go;
   *   a shard stores only its own trials: `trials` is the whole run's (the LHS strata and the path sample; default `capacity`), `first` the trial at row 0 (default 0)
   */
  constructor(readonly plan: Plan, o: Pick<RunConfig, 'seed' | 'sampler' | 'workers' | 'chunkSize' | 'pathSample'> & { capacity: number; trials?: number; first?: number; store: 'memory' | 'spill'; spillDir: string }) {
    const columns = createStoreSpec(o.store, plan.columns.length, o.capacity, join(o.spillDir, 'columns.f64'));
    const ranks = createStoreSpec(o.store, plan.sensitivity.inputs.length, o.capacity, join(o.spillDir, 'ranks.f64'));
    this.store = openStore(columns);
    this.rankStore = openStore(ranks);
    const trials = o.trials ?? o.capacity;
    this.pathK = Math.min(o.pathSample, trials);
    const paths = { K: this.pathK, buffer: new SharedArrayBuffer(memoryNeeds(plan, o).paths) };
    this.pathData = new Float64Array(paths.buffer);
    const setup: WorkerSetup = { plan, seed: o.seed, sampler: o.sampler, trials, first: o.first ?? 0, chunkSize: o.chunkSize, columns, ranks, paths };
    setMaxListeners(0, this.abort.signal); // every pending task listens to it
    this.workers = o.workers;
    this.inFlight = TASKS_PER_THREAD * o.workers;
    this.pool = new Piscina({ filename: WORKER, minThreads: o.workers, maxThreads: o.workers, concurrentTasksPerWorker: TASKS_QUEUED_IN_THREAD, idleTimeout: IDLE_TIMEOUT_MS, workerData: setup });
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
   * The expected valuation's calibration. Its trials are drawn (from the
   * seed alone) by the workers, a chunk each, into memory they all share:
   * both cores draw, and each worker's sampler is compiled by the time the
   * run's chunks come. Then its regressions, in a task per group of assets
   * (calibrationGroups: each worker's share of the work, one kind to a
   * worker where the shares allow). Chunks simulated afterwards use the fits.
   *
   * @returns per asset, its monthly fits and foresight figures
   */
  async calibrate(): Promise<Calibration[]> {
    const { plan } = this;
    let freed!: () => void;
    this.calibrating = new Promise((resolve) => (freed = resolve));
    try {
      const inputs = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * plan.inputs.length * plan.calibrationTrials);
      await this.each(calibrationChunks(plan), (chunk) => this.run({ kind: 'draw', chunk, inputs }, failed('the calibration draws')));
      const calibrations: Calibration[] = [];
      const groups = calibrationGroups(plan.assets, this.workers);
      const fitting = this.each(groups, async (assets) => {
        // the worker names the asset that failed
        const fitted = await this.run({ kind: 'calibrate', assets, inputs }, failed('the calibration'));
        assets.forEach((a, k) => (calibrations[a] = fitted[k]));
        freed();
      });
      // a worker without a group is free now: the check, queued behind the groups, goes to it
      if (groups.length < this.workers) freed();
      await fitting;
      this.fits = calibrations.map((c) => c.months);
      return calibrations;
    } finally {
      freed();
    }
  }

  /**
   * The coherence check of the run's scenario, in a worker: this thread stays
   * free to hand out the calibration and the chunks, which need none of it.
   * Asked after calibrate(), it waits for the first thread the calibration
   * frees: every chunk waits for the whole calibration, the check only warns.
   *
   * @param scenario the run's resolved scenario
   * @param file where it came from, for the report
   * @returns the check's report
   */
  async check(scenario: Scenario, file: string): Promise<CheckReport> {
    await this.calibrating;
    return this.run({ kind: 'check', scenario, file }, failed('the scenario check'));
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
    await this.each(chunks, async (chunk) => {
      const t = await this.run({ kind: 'chunk', chunk, fits: this.fits }, (e) => new ChunkError(chunk, e));
      total.sample += t.sample;
      total.simulate += t.simulate;
      onChunk?.(chunk);
    });
    return total;
  }

  /**
   * Summaries of every column, then of every paired policy comparison,
   * computed in the workers, several columns to a task (summaryGroup).
   *
   * @param length trials to summarise (the first `length`)
   * @returns one summary per plan column, then one per comparison
   */
  async summarize(length: number): Promise<Summary[]> {
    const columns = this.plan.columns.map((_, column) => ({ column, minus: undefined as number | undefined }));
    const comparisons = this.plan.comparisons.map((c) => ({ column: c.a, minus: c.b as number | undefined }));
    const items = [...columns, ...comparisons];
    const size = summaryGroup(length);
    const groups = Array.from({ length: Math.ceil(items.length / size) }, (_, g) => items.slice(g * size, (g + 1) * size));
    const names = (g: typeof items) => `${this.plan.columns[g[0].column].name}${g.length > 1 ? ` and ${g.length - 1} more` : ''}`;
    return (await this.each(groups, (g) => this.run({ kind: 'summary', items: g, length }, failed(`summary of ${names(g)}`)))).flat();
  }

  /**
   * Summary of one column.
   *
   * @param column plan column index
   * @param length trials to summarise (the first `length`)
   * @returns its summary
   */
  async summary(column: number, length: number): Promise<Summary> {
    const [s] = await this.run({ kind: 'summary', items: [{ column }], length }, failed(`summary of ${this.plan.columns[column].name}`));
    return s;
  }

  /**
   * Spearman correlations of the sensitivity outputs with the uncertain inputs, and each output's mean in every input's bottom and top decile; fills the rank store.
   *
   * @param length trials to rank (the first `length`)
   * @returns one row per plan.sensitivity.outputs, one value per plan.sensitivity.inputs
   */
  async sensitivity(length: number): Promise<InputEffects[]> {
    const fail = failed('sensitivity');
    await this.each(this.plan.sensitivity.inputs, (_, slot) => this.run({ kind: 'ranks', slot, length }, fail));
    return this.each(this.plan.sensitivity.outputs, (column) => this.run({ kind: 'spearman', column, length }, fail));
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
    const tasks = series.flatMap((s) => PATH_QUANTITIES.map((quantity) => ({ s, q: PQ[quantity] })));
    return this.each(tasks, async ({ s, q }) => ({ series: s.name, q, bands: await this.run({ kind: 'paths', q, assets: s.assets, length }, failed(`paths of ${s.name}`)) }));
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

  /** Feed tasks to the pool a few per thread at a time (mapBounded), stopping at a cancel. */
  private each<T, R>(items: readonly T[], task: (item: T, index: number) => Promise<R>): Promise<R[]> {
    return mapBounded(items, this.inFlight, task, this.abort.signal);
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
