import { workerData } from 'piscina';
import type { Plan } from '../src/plan.ts';
import type { Chunk } from '../src/sampling/chunk-plan.ts';
import { createChunkSampler, sampleChunk, type ChunkSampler, type SamplerKind } from '../src/sampling/sample-chunk.ts';
import { createKernelState, simulateChunk, type KernelState, type PathSink } from '../src/kernel/simulate.ts';
import { summarize, type Summary } from '../src/stats/summarize.ts';
import { pathBands } from '../src/stats/path-bands.ts';
import { openStore, type ColumnStore, type StoreSpec } from '../src/column-store.ts';
import { centredRankProduct, correlationOf, decilesOf, meanAt, rankInto, rankSpace, type Deciles, type InputEffects, type RankSpace } from '../src/stats/ranks.ts';
import { calibrateAsset, calibrationSampler, drawCalibrationChunk, type Calibration } from '../src/valuation/calibrate.ts';
import type { MonthFit } from '../src/valuation/basis.ts';
import { firstNonFinite, missingRules, type MissingRules } from '../src/kernel/finite.ts';
import { checkScenario, type CheckReport } from '../src/check/check.ts';
import type { Scenario } from '../src/scenario/types.ts';

/** What the coordinator hands every worker once, at pool start. */
export interface WorkerSetup {
  plan: Plan;
  seed: string;
  sampler: SamplerKind;
  /** trials of the run (the Latin hypercube's strata) */
  trials: number;
  /** the trial at row 0 of the column store: a shard's first, else 0 */
  first: number;
  chunkSize: number;
  /** the plan's columns, room for every trial of the run */
  columns: StoreSpec;
  /** ranks of each uncertain input (plan.sensitivity.inputs), filled by 'ranks' tasks */
  ranks: StoreSpec;
  /** monthly path quantities of the first K trials (PathSink layout) */
  paths: { K: number; buffer: SharedArrayBuffer };
}

/** What a task of each kind carries. */
interface TaskFields {
  /** `fits`: the expected valuation's coefficients per asset (null for pathwise); a worker keeps the first it sees */
  chunk: { chunk: Chunk; fits: MonthFit[][] | null };
  /** draw one chunk of the calibration trials' inputs into `inputs`, shared by every worker */
  draw: { chunk: Chunk; inputs: SharedArrayBuffer };
  /** least-squares Monte Carlo for each of `assets`, in turn, on the calibration trials' inputs (drawn by 'draw' tasks, shared by every worker) */
  calibrate: { assets: number[]; inputs: SharedArrayBuffer };
  /** the coherence check of the run's scenario (`file` names it in the report) */
  check: { scenario: Scenario; file: string };
  /** summaries of columns, or of column − minus trial by trial, several to a task (Coordinator.summarize) */
  summary: { items: { column: number; minus?: number }[]; length: number };
  /** rank the uncertain input in sensitivity slot `slot` into the rank store */
  ranks: { slot: number; length: number };
  /** Spearman correlation of a column with every ranked input, and its mean in each input's bottom and top decile */
  spearman: { column: number; length: number };
  /** percentile bands of path quantity q (PQ) summed over `assets`, month by month, over the path sample */
  paths: { q: number; assets: number[]; length: number };
}
/** The kinds of task a worker handles. */
export type TaskKind = keyof TaskFields;

/** A message to a worker; `Task<K>` is the task of kind K. */
export type Task<K extends TaskKind = TaskKind> = { [P in K]: { kind: P } & TaskFields[P] }[K];

/** Worker-seconds a chunk spent sampling and simulating. */
export interface ChunkTimes { sample: number; simulate: number }

/** What a task of each kind returns. */
export interface TaskResults {
  chunk: ChunkTimes;
  /** the inputs land in the shared buffer */
  draw: null;
  /** per asset of the task, in its order: one fit per month t = 0..H − 1, and the foresight figures */
  calibrate: Calibration[];
  check: CheckReport;
  summary: Summary[];
  /** ranks land in the rank store */
  ranks: null;
  /** per uncertain input, in plan.sensitivity.inputs order */
  spearman: InputEffects;
  /** BANDS × (H + 1) values, band by band */
  paths: Float64Array;
}

/** One handler per task kind. */
export type TaskHandlers = { [K in TaskKind]: (task: Task<K>) => TaskResults[K] };

type Space = RankSpace & { x: Float64Array; y: Float64Array; ranks: Float64Array };

/** What a worker opens on its first task (not at module load, so importing this module has no effect). */
interface Context {
  setup: WorkerSetup;
  store: ColumnStore;
  rankStore: ColumnStore;
  pathSink: PathSink;
  /** sampler, kernel state and chunk buffer: on the first chunk */
  kernel?: { sampler: ChunkSampler; state: KernelState; buf: Float64Array; missing: MissingRules };
  /** the calibration trials' sampler: on the first draw */
  draws?: ChunkSampler;
  /** sort and rank scratch for the whole run: on the first statistics task */
  space?: Space;
  /** what every output's sensitivity reads of each input (its own centred rank product, its deciles): on the first spearman task */
  inputs?: { length: number; own: Float64Array; deciles: Deciles[] };
}
let context: Context | undefined;

function open(): Context {
  if (context) return context;
  const setup = workerData as WorkerSetup;
  context = { setup, store: openStore(setup.columns), rankStore: openStore(setup.ranks), pathSink: { K: setup.paths.K, data: new Float64Array(setup.paths.buffer) } };
  return context;
}

function kernelOf(c: Context, fits: MonthFit[][] | null): NonNullable<Context['kernel']> {
  const { plan, sampler, seed, trials, chunkSize } = c.setup;
  // a chunk holds at most min(chunkSize, trials) trials: a large --chunk-size on a small run must not allocate for the size
  const room = Math.min(chunkSize, trials);
  c.kernel ??= { sampler: createChunkSampler(plan, { kind: sampler, seed, N: trials }), state: createKernelState(plan, fits), buf: new Float64Array(plan.columns.length * room), missing: missingRules(plan) };
  return c.kernel;
}

/** Each ranked input's own centred product and deciles, once per worker: every output's task reads all of them (a pool ranks its inputs once, see Coordinator.sensitivity). */
function inputsOf(c: Context, length: number): NonNullable<Context['inputs']> {
  if (c.inputs?.length === length) return c.inputs;
  const space = spaceOf(c);
  const d = c.setup.plan.sensitivity.inputs.length;
  const own = new Float64Array(d), deciles: Deciles[] = [];
  for (let slot = 0; slot < d; slot++) {
    const ranks = c.rankStore.read(slot, 0, length, space.y);
    own[slot] = centredRankProduct(ranks, ranks, length);
    deciles.push(decilesOf(ranks, length));
  }
  c.inputs = { length, own, deciles };
  return c.inputs;
}

function spaceOf(c: Context): Space {
  const n = c.setup.trials;
  c.space ??= { ...rankSpace(n), x: new Float64Array(n), y: new Float64Array(n), ranks: new Float64Array(n) };
  return c.space;
}

// Fault injection for the test suite only (never honoured outside vitest): fail chunk N by throwing or by killing the thread, or poison its last column with NaN; or fail the calibration of asset N.
const fault = process.env.VITEST ? /^(throw|exit|nan|calibrate):(\d+)$/.exec(process.env.SIM_FAULT ?? '') : null;
const EXIT_CODE_OF_INJECTED_FAULT = 3;
const MS_PER_S = 1000;

/** The worker's handlers: adapters from a message to the sampler and kernel, or to the statistics. */
export const handlers = {
  /** Sample and simulate a chunk in a worker-local buffer (columns contiguous, reused), then store each column at the chunk's offset. */
  chunk({ chunk, fits }) {
    const c = open();
    const { plan } = c.setup;
    const faulty = fault !== null && fault[1] !== 'calibrate' && Number(fault[2]) === chunk.index;
    if (faulty && fault[1] !== 'nan') {
      if (fault[1] === 'exit') process.exit(EXIT_CODE_OF_INJECTED_FAULT);
      throw new Error('injected fault');
    }
    const k = kernelOf(c, fits);
    const width = plan.columns.length;
    const buf = k.buf.subarray(0, width * chunk.count);
    const t0 = performance.now();
    sampleChunk(k.sampler, chunk, buf);
    const t1 = performance.now();
    simulateChunk(plan, k.state, buf, chunk.count, chunk.start, c.pathSink);
    if (faulty && fault[1] === 'nan') buf[buf.length - 1] = NaN;
    const bad = firstNonFinite(k.missing, buf, chunk.count);
    if (bad) throw new Error(`${plan.columns[bad.column].name} is ${bad.value} in trial ${chunk.start + bad.trial}, where MODEL.md defines a finite value: an input is beyond what the model's arithmetic holds (README "Limits")`);
    const row = chunk.start - c.setup.first;
    for (let j = 0; j < width; j++) c.store.write(j, row, buf.subarray(j * chunk.count, (j + 1) * chunk.count));
    const t2 = performance.now();
    return { sample: (t1 - t0) / MS_PER_S, simulate: (t2 - t1) / MS_PER_S };
  },

  summary({ items, length }) {
    const c = open();
    const space = spaceOf(c);
    return items.map(({ column, minus }) => {
      const x = c.store.read(column, 0, length, space.x);
      let values = x;
      if (minus !== undefined) {
        const y = c.store.read(minus, 0, length, space.y);
        values = space.y.subarray(0, length);
        for (let i = 0; i < length; i++) values[i] = x[i] - y[i];
      }
      return summarize(values, c.setup.plan.columns[column].role, space);
    });
  },

  ranks({ slot, length }) {
    const c = open();
    const space = spaceOf(c);
    const x = c.store.read(c.setup.plan.sensitivity.inputs[slot], 0, length, space.x);
    c.rankStore.write(slot, 0, rankInto(x, space.ranks.subarray(0, length), space));
    return null;
  },

  draw({ chunk, inputs }) {
    const c = open();
    c.draws ??= calibrationSampler(c.setup.plan, c.setup.seed);
    drawCalibrationChunk(c.setup.plan, c.draws, chunk, new Float64Array(inputs));
    return null;
  },

  calibrate({ assets, inputs }) {
    const { plan } = open().setup;
    const f64 = new Float64Array(inputs);
    return assets.map((asset) => {
      try {
        if (fault?.[1] === 'calibrate' && Number(fault[2]) === asset) throw new Error('injected fault');
        return calibrateAsset(plan, asset, f64);
      } catch (e) {
        // a task fits several assets: say which one failed
        throw new Error(`${plan.assets[asset].name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    });
  },

  check({ scenario, file }) {
    return checkScenario(scenario, file, open().setup.seed);
  },

  spearman({ column, length }) {
    const c = open();
    const space = spaceOf(c);
    const inputs = inputsOf(c, length);
    const x = c.store.read(column, 0, length, space.x);
    const r = rankInto(x, space.ranks.subarray(0, length), space);
    const own = centredRankProduct(r, r, length);
    const d = inputs.deciles.length;
    const out: InputEffects = { rho: new Float64Array(d), bottom: new Float64Array(d), top: new Float64Array(d) };
    for (let slot = 0; slot < d; slot++) {
      out.rho[slot] = correlationOf(centredRankProduct(r, c.rankStore.read(slot, 0, length, space.y), length), own, inputs.own[slot]);
      out.bottom[slot] = meanAt(x, inputs.deciles[slot].bottom);
      out.top[slot] = meanAt(x, inputs.deciles[slot].top);
    }
    return out;
  },

  paths({ q, assets, length }) {
    const c = open();
    const { data, K } = c.pathSink;
    return pathBands(data, K, Math.min(K, length), c.setup.plan.H, q, assets, spaceOf(c));
  },
} satisfies TaskHandlers;

/**
 * Piscina's entry: hand the task to the handler of its kind.
 *
 * @param task a message from the coordinator
 * @returns the handler's result
 */
export default function runTask<K extends TaskKind>(task: Task<K>): TaskResults[K] {
  const table: TaskHandlers = handlers;
  return table[task.kind](task);
}
