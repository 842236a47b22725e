import { describe, expect, it } from 'vitest';
import { parseShard, shardChunks, shardShare } from '../src/shard/spec.ts';

describe('--shard', () => {
  it('i/n counts from 0', () => {
    expect(parseShard('0/3', {})).toEqual({ index: 0, count: 3 });
    expect(parseShard('2/3', {})).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('3/3', {})).toThrow(/index must be 0 to 2 \(indexes count from 0\), got 3/);
    expect(() => parseShard('1/0', {})).toThrow(/number of shards must be 1/);
    expect(() => parseShard('2', {})).toThrow(/say how many shards/);
    expect(() => parseShard('a/b', {})).toThrow(/takes i\/n/);
  });

  it('auto reads the index and count each scheduler sets', () => {
    // Slurm: an array --array=1-4 numbers tasks from SLURM_ARRAY_TASK_MIN
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' })).toEqual({ index: 0, count: 2 });
    // Kubernetes Indexed Job and AWS Batch: the count from auto/n or SIM_SHARD_COUNT
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '1', SIM_SHARD_COUNT: '3' })).toEqual({ index: 1, count: 3 });
    expect(parseShard('auto/5', { AWS_BATCH_JOB_ARRAY_INDEX: '4' })).toEqual({ index: 4, count: 5 });
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '1' })).toThrow(/give --shard auto\/n or set SIM_SHARD_COUNT/);
    expect(() => parseShard('auto', {})).toThrow(/no shard index in the environment/);
    // two schedulers' indexes at once: refused, not one picked
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '1', AWS_BATCH_JOB_ARRAY_INDEX: '2' })).toThrow('--shard auto/4: the environment holds the task index of more than one scheduler (JOB_COMPLETION_INDEX 1, AWS_BATCH_JOB_ARRAY_INDEX 2); give --shard i/n');
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '0' })).toThrow(/more than one scheduler \(SLURM_ARRAY_TASK_ID 0, JOB_COMPLETION_INDEX 0\)/);
    expect(() => parseShard('auto/2', { JOB_COMPLETION_INDEX: '2' })).toThrow(/index must be 0 to 1/);
    // an array with a step: tasks 0, 4, 8, 12 are shards 0 to 3
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '4', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    // a count on the command line that the scheduler contradicts is refused, not split two ways
    expect(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '8' })).toThrow("--shard auto/4: SLURM_ARRAY_TASK_COUNT is 8 in the environment, so there are 8 tasks, not 4; give --shard auto or the same count");
    expect(() => parseShard('auto/3', { JOB_COMPLETION_INDEX: '1', SIM_SHARD_COUNT: '4' })).toThrow(/SIM_SHARD_COUNT is 4 in the environment/);
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4 });
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_STEP: '4', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow("--shard auto: the task is not on the array's step (SLURM_ARRAY_TASK_ID 5, SLURM_ARRAY_TASK_MIN 0, SLURM_ARRAY_TASK_STEP 4)");
    // a variable the scheduler set to something unreadable is refused by name, never read as a default
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: 'x', SLURM_ARRAY_TASK_COUNT: '8' })).toThrow("--shard auto: SLURM_ARRAY_TASK_MIN is 'x' in the environment, expected a whole number");
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_STEP: '0', SLURM_ARRAY_TASK_COUNT: '8' })).toThrow('SLURM_ARRAY_TASK_STEP is \'0\' in the environment, expected a whole number ≥ 1');
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '-1', SLURM_ARRAY_TASK_COUNT: '8' })).toThrow("SLURM_ARRAY_TASK_ID is '-1' in the environment");
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '1', SIM_SHARD_COUNT: 'four' })).toThrow("SIM_SHARD_COUNT is 'four' in the environment");
    // an index beyond the count says where it came from
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow('the index must be 0 to 3 (indexes count from 0), got 8 (SLURM_ARRAY_TASK_ID 9, SLURM_ARRAY_TASK_MIN 1, SLURM_ARRAY_TASK_STEP 1)');
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
  });

  it('splits chunks into contiguous ranges that cover every chunk once, at most one apart', () => {
    for (const chunks of [1, 2, 7, 10, 245])
      for (const count of [1, 2, 3, 4, 9]) {
        const ranges = Array.from({ length: count }, (_, index) => shardChunks(chunks, { index, count }));
        expect(ranges[0][0]).toBe(0);
        expect(ranges.at(-1)![1]).toBe(chunks);
        for (let i = 1; i < count; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
        const sizes = ranges.map(([a, b]) => b - a);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });

  it('a share is the trials of its chunks: together the shards run every trial once (what sim merge expects)', () => {
    expect(shardShare(3000, 256, { index: 1, count: 3 })).toMatchObject({ chunks: [4, 8], first: 1024, count: 1024 });
    expect(shardShare(1000, 500, { index: 0, count: 3 })).toEqual({ mine: [], chunks: [0, 0], first: 1000, count: 0 }); // more shards than chunks
    for (const count of [1, 3, 7]) {
      const shares = Array.from({ length: count }, (_, index) => shardShare(3000, 256, { index, count }));
      shares.forEach((s, i) => expect(s.first).toBe(i ? shares[i - 1].first + shares[i - 1].count : 0));
      expect(shares.reduce((n, s) => n + s.count, 0)).toBe(3000);
    }
  });
});
