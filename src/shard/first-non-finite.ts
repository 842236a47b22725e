import type { ColumnStore } from '../column-store.ts';
import { missingAllowed, type MissingRules } from '../kernel/finite.ts';

/** Trials checked at a time in a store. */
const BLOCK = 65_536;

/**
 * firstNonFinite over trials [start, start + count) of a store, a column at
 * a time: `sim merge` applies a run's rule to the columns it read from
 * shard files, where only damage can put such a value.
 *
 * @param rules from missingRules
 * @param store the store
 * @param start the first trial
 * @param count how many trials
 * @returns the column and the trial counted from `start`, or null when every value is as expected
 * @example firstNonFiniteIn(missingRules(plan), store, 1024, 1024) // null, or { column: 600, trial: 5, value: Infinity }
 */
export function firstNonFiniteIn(rules: MissingRules, store: ColumnStore, start: number, count: number): { column: number; trial: number; value: number } | null {
  const size = Math.min(BLOCK, Math.max(count, 1));
  const space = new Float64Array(size), exitSpace = new Float64Array(size);
  for (let j = 0; j < rules.rule.length; j++) {
    for (let at = 0; at < count; at += size) {
      const n = Math.min(size, count - at);
      const x = store.read(j, start + at, n, space);
      let exits: Float64Array | undefined; // read once per block, and only when a value needs it
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v - v === 0) continue;
        const r = rules.rule[j];
        if (r >= 0) exits ??= store.read(r, start + at, n, exitSpace);
        if (!missingAllowed(rules, j, v, exits ? exits[i] : NaN)) return { column: j, trial: at + i, value: v };
      }
    }
  }
  return null;
}
