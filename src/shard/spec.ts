import { InputError } from '../errors.ts';
import { planChunks, type Chunk } from '../sampling/chunk-plan.ts';
import { quote } from '../scenario/limits.ts';

/** One shard of a split run: the index (from 0, as Kubernetes, Slurm arrays from 0 and AWS Batch count) and the number of shards. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Most shards a run may be split into. */
export const MAX_SHARDS = 100_000;

/**
 * A whole number from the environment: undefined when the variable is unset
 * (or empty), a refusal naming it when it is set to anything else, so a
 * scheduler's odd value is never read as some default.
 */
function fromEnv(env: Record<string, string | undefined>, name: string, v: string, least = 0): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < least) throw new InputError(`--shard ${v}: ${name} is '${quote(value)}' in the environment, expected a whole number${least ? ` ≥ ${least}` : ''}`);
  return Number(value);
}

/**
 * Read `--shard i/n`, or `--shard auto` / `auto/n` from the environment a
 * batch system gives each task: Slurm job arrays (`SLURM_ARRAY_TASK_ID` less
 * `SLURM_ARRAY_TASK_MIN`, over `SLURM_ARRAY_TASK_STEP`; `SLURM_ARRAY_TASK_COUNT`), Kubernetes Indexed Jobs
 * (`JOB_COMPLETION_INDEX`) and AWS Batch array jobs
 * (`AWS_BATCH_JOB_ARRAY_INDEX`); the last two do not say how many tasks
 * there are, so the count comes from `auto/n` or `SIM_SHARD_COUNT`. The
 * indexes of two schedulers at once are refused rather than one picked.
 *
 * @param v the option's value
 * @param env the environment (process.env)
 * @returns the shard
 * @throws InputError naming what is missing or out of range
 * @example parseShard('auto', { JOB_COMPLETION_INDEX: '2', SIM_SHARD_COUNT: '4' }) // { index: 2, count: 4 }
 */
export function parseShard(v: string, env: Record<string, string | undefined>): ShardSpec {
  const m = /^(auto|\d+)(?:\/(\d+))?$/.exec(v.trim());
  if (!m) throw new InputError(`--shard takes i/n (0 ≤ i < n), auto or auto/n, got '${v}'`);
  // from: where auto found the index, for messages
  let index: number, count: number, from = '';
  if (m[1] !== 'auto') {
    if (m[2] === undefined) throw new InputError(`--shard ${v}: say how many shards, as i/n`);
    [index, count] = [Number(m[1]), Number(m[2])];
  } else {
    const slurm = fromEnv(env, 'SLURM_ARRAY_TASK_ID', v);
    const k8s = fromEnv(env, 'JOB_COMPLETION_INDEX', v), aws = fromEnv(env, 'AWS_BATCH_JOB_ARRAY_INDEX', v);
    // two schedulers' indexes (a job of one started inside another's task) would each give a shard: taking one silently could run a shard twice and another never
    const seen = Object.entries({ SLURM_ARRAY_TASK_ID: slurm, JOB_COMPLETION_INDEX: k8s, AWS_BATCH_JOB_ARRAY_INDEX: aws }).filter(([, x]) => x !== undefined);
    if (seen.length > 1) throw new InputError(`--shard ${v}: the environment holds the task index of more than one scheduler (${seen.map(([name, x]) => `${name} ${x}`).join(', ')}); give --shard i/n`);
    let counted: string;
    if (slurm !== undefined) {
      // an array given as --array=0-15:4 runs tasks 0, 4, 8, 12: shards 0 to 3
      const min = fromEnv(env, 'SLURM_ARRAY_TASK_MIN', v) ?? 0, step = fromEnv(env, 'SLURM_ARRAY_TASK_STEP', v, 1) ?? 1;
      index = (slurm - min) / step;
      from = ` (SLURM_ARRAY_TASK_ID ${slurm}, SLURM_ARRAY_TASK_MIN ${min}, SLURM_ARRAY_TASK_STEP ${step})`;
      if (!Number.isInteger(index)) throw new InputError(`--shard ${v}: the task is not on the array's step${from}`);
      counted = 'SLURM_ARRAY_TASK_COUNT';
    } else if (k8s !== undefined || aws !== undefined) {
      index = (k8s ?? aws)!;
      from = ` (${k8s !== undefined ? 'JOB_COMPLETION_INDEX' : 'AWS_BATCH_JOB_ARRAY_INDEX'})`;
      counted = 'SIM_SHARD_COUNT';
    } else throw new InputError('--shard auto: no shard index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX); give --shard i/n');
    const given = m[2] === undefined ? undefined : Number(m[2]), set = fromEnv(env, counted, v);
    // shards of a run split two ways would each run a share of the wrong size: the merge would find the count wrong only at the end
    if (given !== undefined && set !== undefined && given !== set) throw new InputError(`--shard ${v}: ${counted} is ${set} in the environment, so there are ${set} tasks, not ${given}; give --shard auto or the same count`);
    const known = given ?? set;
    if (known === undefined) throw new InputError('--shard auto: the number of shards is not in the environment; give --shard auto/n or set SIM_SHARD_COUNT');
    count = known;
  }
  if (!(count >= 1 && count <= MAX_SHARDS)) throw new InputError(`--shard ${v}: the number of shards must be 1 to ${MAX_SHARDS.toLocaleString('en-US')}, got ${count}`);
  if (!(index >= 0 && index < count)) throw new InputError(`--shard ${v}: the index must be 0 to ${count - 1} (indexes count from 0), got ${index}${from}`);
  return { index, count };
}

/**
 * The chunks of one shard: a contiguous range, so merged trials stay in
 * order, and shards differ by at most one chunk.
 *
 * @param chunks how many chunks the whole run has
 * @param s the shard
 * @returns [first, end) chunk indices
 * @example shardChunks(10, { index: 1, count: 3 }) // [3, 6]
 */
export function shardChunks(chunks: number, s: ShardSpec): [number, number] {
  return [Math.floor((s.index * chunks) / s.count), Math.floor(((s.index + 1) * chunks) / s.count)];
}

/** What one shard runs: its chunks, their range, its first trial and how many trials. */
export interface ShardShare {
  mine: Chunk[];
  /** [first, end) chunk indices */
  chunks: [number, number];
  first: number;
  count: number;
}

/**
 * The share of a run one shard runs, from shardChunks: `sim run --shard`
 * runs it, and `sim merge` expects exactly it in the shard's shard.json
 * (so the shards together hold every trial once). A shard with no chunk
 * starts at `trials` and runs none.
 *
 * @param trials the run's trials
 * @param chunkSize its trials per chunk
 * @param s the shard
 * @returns its chunks, their range, first trial and count
 * @example shardShare(3000, 256, { index: 1, count: 3 }) // { chunks: [4, 8], first: 1024, count: 1024, mine: [4 chunks] }
 */
export function shardShare(trials: number, chunkSize: number, s: ShardSpec): ShardShare {
  const all = planChunks(trials, chunkSize);
  const chunks = shardChunks(all.length, s);
  const mine = all.slice(...chunks);
  return { mine, chunks, first: mine.length ? mine[0].start : trials, count: mine.reduce((n, c) => n + c.count, 0) };
}
