import type { ColumnStore } from '../column-store.ts';
import { firstNonFinite, type MissingRules } from '../kernel/finite.ts';

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
