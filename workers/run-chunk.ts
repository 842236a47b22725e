import { move, workerData } from 'piscina';
import type { Plan } from '../src/plan.ts';
import type { Chunk } from '../src/sampling/chunk-plan.ts';
import { createChunkSampler, sampleChunk } from '../src/sampling/sample-chunk.ts';
import { createKernelState, simulateChunk } from '../src/kernel/simulate.ts';

/** What the coordinator hands every worker once, at pool start. */
export interface WorkerSetup {
  plan: Plan;
  seed: string;
}

const { plan, seed } = workerData as WorkerSetup;
const sampler = createChunkSampler(plan);
const state = createKernelState(plan);
const width = plan.columns.length;

/**
 * Adapt one chunk message to the kernel. The result buffer holds the chunk's
 * columns followed by two timings (seconds spent sampling, simulating) and
 * is moved, not copied, back to the coordinator.
 */
export default function runChunk(chunk: Chunk): ArrayBuffer {
  const buf = new Float64Array(width * chunk.count + 2);
  const t0 = performance.now();
  sampleChunk(sampler, seed, chunk, buf);
  const t1 = performance.now();
  simulateChunk(plan, state, buf, chunk.count);
  const t2 = performance.now();
  buf[width * chunk.count] = (t1 - t0) / 1000;
  buf[width * chunk.count + 1] = (t2 - t1) / 1000;
  return move(buf.buffer) as unknown as ArrayBuffer;
}
