import seedrandom from 'seedrandom';
import { fromSpec, type Distribution } from '../../distributions/index.ts';
import type { Plan } from '../plan.ts';
import { applyCopula, buildCopula, type Copula } from './copula.ts';
import { inputStream } from './stream.ts';
import { halfBits, stratum } from './lhs.ts';
import { fillSobol, sobolDirections } from './sobol.ts';
import type { Chunk } from './chunk-plan.ts';

/** The samplers `--sampler` accepts. */
export const SAMPLERS = ['random', 'lhs', 'sobol'] as const;
export type SamplerKind = (typeof SAMPLERS)[number];

/** How each sampler draws, recorded in every run. */
export const SAMPLER_DESCRIPTIONS: Record<SamplerKind, string> = {
  random: 'random: seedrandom xor4096 .double(), one stream per chunk and input keyed "<seed>:<chunk index>:<input column name>", drawn trial by trial (other inputs do not change an input\'s draws)',
  lhs: 'lhs: Latin hypercube over all N trials; input j of trial i in stratum pi_j(i) (Feistel permutation keyed by seedrandom xor4096 "<seed>:lhs-key:<input column name>"), jittered by the per-input stream of the random sampler; copula applied after stratification',
  sobol: 'sobol: Joe-Kuo direction numbers, Gray-code order, random digital shift per dimension from seedrandom xor4096 keyed "<seed>:sobol-shift"; copula applied to the points',
};

/** Per-worker sampling state: one distribution per uncertain input, scratch reused across chunks. */
export interface ChunkSampler {
  kind: SamplerKind;
  seed: string;
  /** total trials (the LHS strata) */
  N: number;
  dists: Distribution[];
  /** buffer column of each uncertain input */
  columns: number[];
  /** column name of each uncertain input: the key of its streams */
  names: string[];
  fixed: { column: number; value: number }[];
  copula: Copula | null;
  U: Float64Array;
  z: Float64Array;
  keys: Uint32Array;
  sobol: { v: Uint32Array[]; shift: Uint32Array } | null;
}

/**
 * Build a worker's sampler for a plan: the uncertain inputs' distributions,
 * the copula, and the keys of the LHS permutations or the Sobol directions and shifts.
 *
 * @param plan the run's plan
 * @param o the sampler kind (default random), seed (default '1') and N, the run's trials (LHS strata)
 * @returns the sampler state, reused across chunks
 * @example createChunkSampler(plan, { kind: 'lhs', seed: 'golden', N: 10_000 })
 */
export function createChunkSampler(plan: Plan, o: { kind?: SamplerKind; seed?: string; N?: number } = {}): ChunkSampler {
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
  const kind = o.kind ?? 'random', seed = o.seed ?? '1';
  const copula = buildCopula(names, plan.correlations);
  const shiftStream = seedrandom.xor4096(`${seed}:sobol-shift`);
  return {
    kind, seed, N: o.N ?? 0, dists, columns, names, fixed, copula,
    U: new Float64Array(0),
    z: new Float64Array(copula?.members.length ?? 0),
    keys: Uint32Array.from(names, (name) => seedrandom.xor4096(`${seed}:lhs-key:${name}`).int32() >>> 0),
    sobol: kind === 'sobol' ? { v: sobolDirections(dists.length), shift: Uint32Array.from(dists, () => shiftStream.int32() >>> 0) } : null,
  };
}

/** Fill U (column j of the chunk at U[j·count + i]) with the sampler's uniforms; random and LHS draw each input from its own named stream. */
function fillUniforms(s: ChunkSampler, chunk: Chunk, U: Float64Array): void {
  const { count, start } = chunk;
  const d = s.dists.length;
  if (s.sobol) return fillSobol(s.sobol.v, s.sobol.shift, start, count, U);
  for (let j = 0; j < d; j++) {
    const next = inputStream(s.seed, chunk.index, s.names[j]);
    for (let i = 0; i < count; i++) U[j * count + i] = next();
  }
  if (s.kind === 'lhs') {
    const h = halfBits(s.N);
    for (let j = 0; j < d; j++) {
      const key = s.keys[j];
      for (let i = 0; i < count; i++) U[j * count + i] = (stratum(start + i, s.N, key, h) + U[j * count + i]) / s.N;
    }
  }
}

/**
 * Fill the input columns of a chunk: uniforms from the sampler, the copula,
 * then each input's inverse CDF.
 *
 * @param s the sampler
 * @param chunk the trials to draw
 * @param buf the chunk buffer, column c of trial i at buf[c·stride + offset + i]; only input columns are written
 * @param stride values per column of buf (the chunk's own buffer: its count)
 * @param offset where the chunk's first trial sits in each column (a buffer of several chunks: its start)
 * @example sampleChunk(sampler, { index: 0, start: 0, count: 4096 }, buf)
 */
export function sampleChunk(s: ChunkSampler, chunk: Chunk, buf: Float64Array, stride = chunk.count, offset = 0): void {
  const { count } = chunk;
  const d = s.dists.length;
  if (s.U.length < d * count) s.U = new Float64Array(d * count);
  const U = s.U;
  fillUniforms(s, chunk, U);
  if (s.copula) applyCopula(s.copula, U, count, s.z);
  for (let j = 0; j < d; j++) {
    const dist = s.dists[j], u0 = j * count, c0 = s.columns[j] * stride + offset;
    for (let i = 0; i < count; i++) buf[c0 + i] = dist.sample(U[u0 + i]);
  }
  for (const { column, value } of s.fixed) buf.fill(value, column * stride + offset, column * stride + offset + count);
}
