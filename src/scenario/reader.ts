import { ScenarioError } from '../errors.ts';

/** Reads raw parsed YAML/JSON values, failing with the file and key path. */
export class Reader {
  constructor(readonly file: string) {}

  fail(path: string, expected: string): never {
    throw new ScenarioError(this.file, path, expected);
  }

  /** A mapping whose keys all come from `allowed`; `required` must be present. */
  mapping(path: string, v: unknown): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, `a mapping of keys to values, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  object(path: string, v: unknown, required: readonly string[], optional: readonly string[]): Record<string, unknown> {
    const o = this.mapping(path, v);
    const allowed = [...required, ...optional];
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        const hint = suggest(k, allowed);
        this.fail(join(path, k), `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; allowed here: ${allowed.join(', ')}`);
      }
    }
    for (const k of required) if (o[k] === undefined) this.fail(join(path, k), 'this key is required');
    return o;
  }

  number(path: string, v: unknown, opts: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean } = {}): number {
    if (typeof v !== 'number') this.fail(path, `a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) this.fail(path, `a finite number, got ${v}`);
    if (opts.integer && !Number.isInteger(v)) this.fail(path, `a whole number, got ${v}`);
    const { min = -Infinity, max = Infinity } = opts;
    const low = opts.minExclusive ? v <= min : v < min;
    if (low || v > max) {
      const range = max === Infinity ? `${opts.minExclusive ? '>' : '≥'} ${min}` : min === -Infinity ? `≤ ${max}` : `within [${min}, ${max}]`;
      this.fail(path, `a number ${range}, got ${v}`);
    }
    return v;
  }

  string(path: string, v: unknown): string {
    if (typeof v !== 'string') this.fail(path, `a string, got ${describe(v)}`);
    return v;
  }

  oneOf<T extends string>(path: string, v: unknown, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T)) {
      const hint = typeof v === 'string' ? suggest(v, options) : undefined;
      this.fail(path, `one of ${options.join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}, got ${describe(v)}`);
    }
    return v as T;
  }

  list(path: string, v: unknown, minLength = 0): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `a list, got ${describe(v)}`);
    if (v.length < minLength) this.fail(path, `a list of at least ${minLength} item${minLength === 1 ? '' : 's'}, got ${v.length}`);
    return Array.from(v); // holes become undefined, so every item is checked
  }

  name(path: string, v: unknown): string {
    const s = this.string(path, v);
    if (!/^[A-Za-z0-9_-]+$/.test(s)) this.fail(path, `a name of letters, digits, '-' and '_' (it becomes part of column names), got '${s}'`);
    return s;
  }
}

export function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

/** The closest allowed word, if it is plausibly a typo. */
export function suggest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = o.toLowerCase() === word.toLowerCase() ? 0 : levenshtein(word, o);
    if (d < bestD) (best = o), (bestD = d);
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
