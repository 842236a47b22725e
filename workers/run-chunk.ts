import { workerData } from 'piscina';
import type { Plan } from '../src/plan.ts';
import type { Chunk } from '../src/sampling/chunk-plan.ts';
import { createChunkSampler, sampleChunk, type SamplerKind } from '../src/sampling/sample-chunk.ts';
import { createKernelState, simulateChunk } from '../src/kernel/simulate.ts';
import { summarize, type Summary } from '../src/stats/summarize.ts';
import { pathBands } from '../src/stats/path-bands.ts';
import { openStore, type StoreSpec } from '../src/column-store.ts';
import { rankCorrelation, rankInto, rankSpace, type RankSpace } from '../src/stats/ranks.ts';

/** What the coordinator hands every worker once, at pool start. */
export interface WorkerSetup {
  plan: Plan;
  seed: string;
  sampler: SamplerKind;
  /** trials of the run (the Latin hypercube's strata) */
  trials: number;
  chunkSize: number;
  /** the plan's columns, room for every trial of the run */
  columns: StoreSpec;
  /** ranks of each uncertain input (plan.sensitivity.inputs), filled by 'ranks' tasks */
  ranks: StoreSpec;
  /** monthly C, V, M of the first K trials (PathSink layout) */
  paths: { K: number; buffer: SharedArrayBuffer };
}

export type Task =
  | { kind: 'chunk'; chunk: Chunk }
  /** summary of a column, or of column − minus trial by trial */
  | { kind: 'summary'; column: number; minus?: number; length: number }
  | { kind: 'ranks'; slot: number; length: number }
  /** Spearman correlation of a column with every ranked input */
  | { kind: 'spearman'; column: number; length: number }
  /** percentile bands of quantity q summed over `assets`, month by month, over the path sample */
  | { kind: 'paths'; q: number; assets: number[]; length: number };
export interface ChunkTimes { sample: number; simulate: number }

const { plan, seed, sampler, trials, chunkSize, columns, ranks, paths } = workerData as WorkerSetup;
const pathSink = { K: paths.K, data: new Float64Array(paths.buffer) };
const store = openStore(columns);
const rankStore = openStore(ranks);
const width = plan.columns.length;
let kernel: { sampler: ReturnType<typeof createChunkSampler>; state: ReturnType<typeof createKernelState>; buf: Float64Array } | null = null;
let space: (RankSpace & { x: Float64Array; y: Float64Array; ranks: Float64Array }) | null = null;

// Fault injection for the test suite only (never honoured outside vitest): fail chunk N by throwing or by killing the thread.
const fault = process.env.VITEST ? /^(throw|exit):(\d+)$/.exec(process.env.SIM_FAULT ?? '') : null;

/**
 * Adapt a task message to the kernel or the summaries. A chunk is sampled
 * and simulated in a worker-local buffer (columns contiguous, reused across
 * chunks), then each column lands in the column store at the chunk's offset.
 */
export default function runTask(task: Task): ChunkTimes | Summary | Float64Array {
  if (task.kind !== 'chunk') {
    const n = task.length;
    space ??= { ...rankSpace(trials), x: new Float64Array(trials), y: new Float64Array(trials), ranks: new Float64Array(trials) };
    if (task.kind === 'paths') return pathBands(pathSink.data, pathSink.K, Math.min(pathSink.K, n), plan.H, task.q, task.assets, space);
    if (task.kind === 'ranks') {
      const r = rankInto(store.read(plan.sensitivity.inputs[task.slot], 0, n, space.x), space.ranks.subarray(0, n), space);
      rankStore.write(task.slot, 0, r);
      return new Float64Array(0);
    }
    const x = store.read(task.column, 0, n, space.x);
    if (task.kind === 'spearman') {
      const r = rankInto(x, space.ranks.subarray(0, n), space);
      return Float64Array.from(plan.sensitivity.inputs, (_, slot) => rankCorrelation(r, rankStore.read(slot, 0, n, space!.y), n));
    }
    let values: Float64Array = x;
    if (task.minus !== undefined) {
      const y = store.read(task.minus, 0, n, space.y);
      values = space.y.subarray(0, n);
      for (let i = 0; i < n; i++) values[i] = x[i] - y[i];
    }
    return summarize(values, plan.columns[task.column].role, space);
  }
  kernel ??= { sampler: createChunkSampler(plan, { kind: sampler, seed, N: trials }), state: createKernelState(plan), buf: new Float64Array(width * chunkSize) };
  const { chunk } = task;
  if (fault && Number(fault[2]) === chunk.index) {
    if (fault[1] === 'exit') process.exit(3);
    throw new Error('injected fault');
  }
  const buf = kernel.buf.subarray(0, width * chunk.count);
  const t0 = performance.now();
  sampleChunk(kernel.sampler, chunk, buf);
  const t1 = performance.now();
  simulateChunk(plan, kernel.state, buf, chunk.count, chunk.start, pathSink);
  for (let j = 0; j < width; j++) store.write(j, chunk.start, buf.subarray(j * chunk.count, (j + 1) * chunk.count));
  const t2 = performance.now();
  return { sample: (t1 - t0) / 1000, simulate: (t2 - t1) / 1000 };
}
