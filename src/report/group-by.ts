/**
 * Rows grouped by a key, in first-seen order, each group in row order: one
 * pass (Map.groupBy needs Node 21), so a file of millions of rows is grouped
 * once rather than filtered once per group.
 *
 * @param rows the rows
 * @param key a row's group
 * @returns the groups
 * @example groupBy([{ s: 'a', x: 1 }, { s: 'b', x: 2 }, { s: 'a', x: 3 }], (r) => r.s).get('a') // [{ s: 'a', x: 1 }, { s: 'a', x: 3 }]
 */
export function groupBy<T, K>(rows: Iterable<T>, key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const r of rows) {
    const g = groups.get(key(r));
    if (g) g.push(r);
    else groups.set(key(r), [r]);
  }
  return groups;
}
