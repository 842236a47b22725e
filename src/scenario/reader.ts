import { ScenarioError } from '../errors.ts';
import { MAX_NAME_CHARS, quote } from './limits.ts';

/**
 * Reads raw parsed YAML/JSON values, failing with the file and key path.
 * Each reader takes the key path (for the message) and the raw value, and
 * returns the value typed, or throws ScenarioError.
 *
 * @param file the scenario file, named in every error
 * @example new Reader('s.yaml').number('discountRate', 0.08, { min: 0 }) // 0.08
 */
export class Reader {
  constructor(readonly file: string) {}

  /**
   * @param path the key path, e.g. `assets[0].units`
   * @param expected what was expected there and what was found
   * @throws ScenarioError always
   */
  fail(path: string, expected: string): never {
    throw new ScenarioError(this.file, path, expected);
  }

  /** A mapping of keys to values (any keys). */
  mapping(path: string, v: unknown): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, `a mapping of keys to values, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  /** A mapping whose keys all come from `required` and `optional`; `required` must be present. */
  object(path: string, v: unknown, required: readonly string[], optional: readonly string[]): Record<string, unknown> {
    const o = this.mapping(path, v);
    const allowed = [...required, ...optional];
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        const hint = suggest(k, allowed);
        this.fail(join(path, quote(k)), `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; allowed here: ${allowed.join(', ')}`);
      }
    }
    for (const k of required) if (o[k] === undefined) this.fail(join(path, k), 'this key is required');
    return o;
  }

  /** A finite number, optionally whole and within [min, max] (min exclusive with `minExclusive`). */
  number(path: string, v: unknown, opts: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean } = {}): number {
    if (typeof v !== 'number') this.fail(path, `a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) this.fail(path, `a finite number, got ${v}`);
    if (opts.integer && !Number.isInteger(v)) this.fail(path, `a whole number, got ${v}`);
    const { min = -Infinity, max = Infinity } = opts;
    const low = opts.minExclusive ? v <= min : v < min;
    if (low || v > max) this.fail(path, `a number ${describeRange(min, max, opts.minExclusive)}, got ${v}`);
    return v;
  }

  /** true or false. */
  boolean(path: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(path, `true or false, got ${describe(v)}`);
    return v;
  }

  /** A string. */
  string(path: string, v: unknown): string {
    if (typeof v !== 'string') this.fail(path, `a string, got ${describe(v)}`);
    return v;
  }

  /** One of `options`, suggesting the nearest on a typo. */
  oneOf<T extends string>(path: string, v: unknown, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T)) {
      const hint = typeof v === 'string' ? suggest(v, options) : undefined;
      this.fail(path, `one of ${options.join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}, got ${describe(v)}`);
    }
    return v as T;
  }

  /** A list of at least `minLength` and at most `maxLength` items (not checked themselves). */
  list(path: string, v: unknown, minLength = 0, maxLength = Infinity): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `a list, got ${describe(v)}`);
    if (v.length < minLength) this.fail(path, `a list of at least ${minLength} item${minLength === 1 ? '' : 's'}, got ${v.length}`);
    if (v.length > maxLength) this.fail(path, `a list of at most ${maxLength.toLocaleString('en-US')} items (README "Limits"), got ${v.length.toLocaleString('en-US')}`);
    return Array.from(v); // holes become undefined, so every item is checked
  }

  /** A name that can become part of a column name. */
  name(path: string, v: unknown): string {
    const s = this.string(path, v);
    if (!/^[A-Za-z0-9_-]+$/.test(s)) this.fail(path, `a name of letters, digits, '-' and '_' (it becomes part of column names), got '${quote(s)}'`);
    if (s.length > MAX_NAME_CHARS) this.fail(path, `a name of at most ${MAX_NAME_CHARS} characters (it is repeated in every column name, warning and page that shows the asset), got '${quote(s)}'`);
    return s;
  }
}

/** The range a number must lie in, as an error message says it. */
function describeRange(min: number, max: number, minExclusive?: boolean): string {
  if (max === Infinity) return `${minExclusive ? '>' : '≥'} ${short(min)}`;
  if (min === -Infinity) return `≤ ${short(max)}`;
  return `within ${minExclusive ? '(' : '['}${short(min)}, ${short(max)}]`;
}

/**
 * A limit as a person reads it: 1e15 rather than 1000000000000000, 1e-6 rather than 0.000001.
 *
 * @param x a number
 * @returns the shorter of its plain and its exponent form
 * @example short(1e15) // '1e15'
 */
export function short(x: number): string {
  const e = x.toExponential().replace('e+', 'e');
  const far = x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3);
  return far && e.length < String(x).length ? e : String(x);
}

/**
 * Extend a key path by a key or a list index.
 *
 * @param path the path so far ('' at the top)
 * @param key a mapping key or a list index
 * @returns the longer path
 * @example join(join('assets', 0), 'units') // 'assets[0].units'
 */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * A raw value as an error message names what was found.
 *
 * @param v the raw value
 * @returns e.g. `nothing`, `a list`, `the string 'x'`, `number 3`
 * @example describe('3') // "the string '3'"
 */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  // what YAML's !!timestamp and !!binary make
  if (v instanceof Date) return 'a date';
  if (ArrayBuffer.isView(v)) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${quote(v)}'`;
  return `${typeof v} ${String(v)}`;
}

/** A typo is at most 2 edits, or one per this many letters in a longer word. */
const LETTERS_PER_TYPO = 4;

/**
 * The closest allowed word, if it is plausibly a typo (case is ignored).
 *
 * @param word what was typed
 * @param options the allowed words
 * @returns the nearest option, or undefined when none is close
 * @example suggest('pret', ['pert', 'beta']) // 'pert'
 */
export function suggest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = o.toLowerCase() === word.toLowerCase() ? 0 : levenshtein(word, o);
    if (d < bestD) {
      best = o;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / LETTERS_PER_TYPO)) ? best : undefined;
}

/** Edit distance (insertions, deletions, substitutions). */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
