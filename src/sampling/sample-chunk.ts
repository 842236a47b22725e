import { fromSpec, type Distribution } from '../../distributions/index.ts';
import type { Plan } from '../plan.ts';
import { applyCopula, buildCopula, type Copula } from './copula.ts';
import { chunkStream } from './stream.ts';
import type { Chunk } from './chunk-plan.ts';

/** Per-worker sampling state: one distribution per uncertain input, scratch reused across chunks. */
export interface ChunkSampler {
  dists: Distribution[];
  /** buffer column of each uncertain input */
  columns: number[];
  fixed: { column: number; value: number }[];
  copula: Copula | null;
  U: Float64Array;
  z: Float64Array;
}

export function createChunkSampler(plan: Plan): ChunkSampler {
  const dists: Distribution[] = [];
  const columns: number[] = [];
  const names: string[] = [];
  const fixed: ChunkSampler['fixed'] = [];
  plan.inputs.forEach((inp, column) => {
    if (typeof inp.spec === 'number') fixed.push({ column, value: inp.spec });
    else {
      dists.push(fromSpec(inp.spec));
      columns.push(column);
      names.push(inp.name);
    }
  });
  const copula = buildCopula(names, plan.correlations);
  return { dists, columns, fixed, copula, U: new Float64Array(0), z: new Float64Array(copula?.members.length ?? 0) };
}

/**
 * Fill the input columns of a chunk: uniforms from the chunk's stream
 * (trial by trial, input by input), the copula, then each input's inverse CDF.
 */
export function sampleChunk(s: ChunkSampler, seed: string, chunk: Chunk, buf: Float64Array): void {
  const { count } = chunk;
  const d = s.dists.length;
  if (s.U.length < d * count) s.U = new Float64Array(d * count);
  const U = s.U;
  const next = chunkStream(seed, chunk.index);
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) U[j * count + i] = next();
  if (s.copula) applyCopula(s.copula, U, count, s.z);
  for (let j = 0; j < d; j++) {
    const dist = s.dists[j], u0 = j * count, c0 = s.columns[j] * count;
    for (let i = 0; i < count; i++) buf[c0 + i] = dist.sample(U[u0 + i]);
  }
  for (const { column, value } of s.fixed) buf.fill(value, column * count, (column + 1) * count);
}
