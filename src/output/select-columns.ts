import type { Column } from '../plan.ts';
import { InputError } from '../errors.ts';
import { suggest } from '../scenario/reader.ts';

/** The trials file's first column, the trial's index: always written. */
export const TRIAL_COLUMN = 'trial';

/**
 * Which per-trial columns go into the trials file: `all` (the default),
 * `inputs`, `outputs`, or comma-separated column names and `*` patterns
 * (e.g. `portfolio.*,h100.writedown*`).
 *
 * @param spec the `--columns` value
 * @param columns the plan's columns
 * @returns the selected column indices, in plan order
 * @throws InputError when a part matches nothing (with the nearest name)
 * @example selectColumns('portfolio.*', columns) // every portfolio column
 */
export function selectColumns(spec: string, columns: Column[]): number[] {
  const keep = new Set<number>();
  // `trial` is written first whatever is selected: naming it selects nothing more
  for (const part of spec.split(',').map((s) => s.trim()).filter((s) => s && s !== TRIAL_COLUMN)) {
    const match = matcher(part);
    const hits = columns.flatMap((c, j) => (match(c) ? [j] : []));
    if (hits.length === 0) {
      const hint = suggest(part, columns.map((c) => c.name));
      throw new InputError(`--columns: '${part}' matches no column${hint ? ` (did you mean '${hint}'?)` : ''}; use names from trials.arrow, '*' patterns, or all, inputs, outputs`);
    }
    hits.forEach((j) => keep.add(j));
  }
  if (keep.size === 0) throw new InputError(`--columns: expected at least one column besides '${TRIAL_COLUMN}', which is always written`);
  return [...keep].sort((a, b) => a - b);
}

/** What one comma-separated part of `--columns` keeps: a keyword, or a name with `*` wildcards. */
function matcher(part: string): (c: Column) => boolean {
  if (part === 'all') return () => true;
  if (part === 'inputs') return (c) => c.role === 'input';
  if (part === 'outputs') return (c) => c.role !== 'input';
  const re = new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (c) => re.test(c.name);
}
