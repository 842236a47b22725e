import type { ColumnStore } from '../column-store.ts';
import { firstNonFinite, requiredRules, type MissingRules } from '../kernel/finite.ts';
import { shardPathRows, type PathShape } from './files.ts';

/** Values gathered at a time: a block of trials of every column, laid out as a chunk (32 MB). */
const BLOCK_VALUES = 2 ** 22;

/**
 * firstNonFinite over trials [start, start + count) of a store: `sim merge`
 * applies a run's rule to the columns it read from shard files, where only
 * damage can put such a value. Each block of trials is gathered in a chunk's
 * layout, so the rule is the run's own loop.
 *
 * @param rules from missingRules
 * @param store the store
 * @param start the first trial
 * @param count how many trials
 * @returns the column and the trial counted from `start`, or null when every value is as expected
 * @example firstNonFiniteIn(missingRules(plan), store, 1024, 1024) // null, or { column: 600, trial: 5, value: Infinity }
 */
export function firstNonFiniteIn(rules: MissingRules, store: ColumnStore, start: number, count: number): { column: number; trial: number; value: number } | null {
  const columns = rules.rule.length;
  const size = Math.max(1, Math.min(count, Math.floor(BLOCK_VALUES / columns)));
  const space = new Float64Array(columns * size);
  for (let at = 0; at < count; at += size) {
    const n = Math.min(size, count - at);
    const buf = space.subarray(0, columns * n);
    for (let j = 0; j < columns; j++) buf.set(store.read(j, start + at, n, buf.subarray(j * n, (j + 1) * n)), j * n);
    const bad = firstNonFinite(rules, buf, n);
    if (bad) return { ...bad, trial: at + bad.trial };
  }
  return null;
}

/** One row of the path sample as firstNonFinite reads it: a single column in which nothing may be missing. */
const PATH_ROW = requiredRules(1);

/**
 * The first value of a shard's part of the path sample that is not finite,
 * read in place, row by row. The kernel records C, V and M of every month of
 * a recorded trial as numbers (recordPaths: V and M are 0 after the exit
 * month, C is 0 after the sale), so, unlike the columns, no path value is a
 * "no value": only damage to paths.f64 puts NaN or ±Infinity there.
 *
 * @param data the path sample (PathSink layout), the shard's part read from its paths.f64
 * @param shape K, H and the number of assets
 * @param first the shard's first trial
 * @param count its trials
 * @returns the asset, quantity (a PQ offset), month and trial (of the run) of the value, or null when every value is finite
 * @example firstNonFinitePath(pathData, { K: 3000, H: 72, assets: 5 }, 1000, 2000) // null, or { asset: 0, quantity: 1, month: 12, trial: 1017, value: Infinity }
 */
export function firstNonFinitePath(data: Float64Array, shape: PathShape, first: number, count: number): { asset: number; quantity: number; month: number; trial: number; value: number } | null {
  for (const { asset, quantity, month, row } of shardPathRows(data, shape, first, count)) {
    const bad = firstNonFinite(PATH_ROW, row, row.length);
    if (bad) return { asset, quantity, month, trial: first + bad.trial, value: bad.value };
  }
  return null;
}
