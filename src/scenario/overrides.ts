import { quote } from './limits.ts';
import { InputError } from '../errors.ts';
import { describe, join, suggest } from './reader.ts';
import { SCENARIO_KEYS } from './resolve.ts';
import { readYaml } from './yaml-value.ts';


/** One `--set PATH=VALUE`, with the key path it set in the scenario's own terms (e.g. `assets[0].priceCompression.mode`). */
export interface Override {
  text: string;
  path: string;
}

/**
 * The PATH of a `--set PATH=VALUE` as typed, trimmed: what a caller compares
 * with a scenario key before the path is resolved.
 *
 * @param text the --set argument
 * @returns the path, null without '='
 * @example setPath(' calibrationTrials =4096') // 'calibrationTrials'
 */
export function setPath(text: string): string | null {
  const eq = text.indexOf('=');
  return eq < 0 ? null : text.slice(0, eq).trim();
}

/**
 * Apply `--set PATH=VALUE` what-ifs to a parsed scenario, in order, before it
 * is validated (so a set value is checked exactly like one in the file).
 * PATH is a key path whose first part is a top-level key or an asset's name
 * (`h100.priceCompression.mode`, `discountRate`, `policies.five-year.usefulLifeMonths`,
 * `h100.utilization.1.mode` or `h100.utilization[1].mode`); VALUE is YAML
 * (`0.5`, `usgaap`, `{dist: uniform, min: 0.2, max: 0.4}`). A missing mapping
 * key is created; a list index may append one item.
 *
 * @param raw the parsed scenario (changed in place)
 * @param sets the `--set` arguments as typed
 * @returns each override with the scenario key path it set
 * @example applyOverrides(raw, ['h100.failureRate=0.12']) // [{ text: 'h100.failureRate=0.12', path: 'assets[0].failureRate' }]
 */
export function applyOverrides(raw: unknown, sets: readonly string[]): Override[] {
  const applied = sets.map((text) => {
    const fail = (expected: string): never => {
      throw new InputError(`--set ${quote(text)}: ${expected}`);
    };
    const eq = text.indexOf('=');
    if (eq <= 0) fail('expected PATH=VALUE, e.g. h100.priceCompression.mode=0.2');
    const keys = setPath(text)!.replace(/\[(\d+)\]/g, '.$1').split('.');
    if (keys.some((k) => k === '')) fail('expected a key path of names separated by dots, e.g. h100.utilization.1.mode');
    if (keys.some((k) => /[[\]]/.test(k))) fail('expected a list index as [N] or .N, N a whole number from 0, e.g. h100.utilization[1].mode');
    let value: unknown;
    try {
      value = readYaml(text.slice(eq + 1));
    } catch (e) {
      fail(`expected a YAML value after '=' (${(e as Error).message.split('\n')[0]})`);
    }
    if (value === null || value === undefined) fail("expected a value after '='");
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('the scenario is not a mapping of keys to values');

    // the first part names a top-level key, or an asset by its name
    let node = raw as Record<string, unknown>;
    let path = '';
    const assets = Array.isArray(node.assets) ? (node.assets as unknown[]) : [];
    const named = assets.findIndex((a) => a !== null && typeof a === 'object' && (a as Record<string, unknown>).name === keys[0]);
    if (!SCENARIO_KEYS.includes(keys[0]) && named < 0) {
      const names = assets.map((a) => (a as Record<string, unknown>)?.name).filter((n): n is string => typeof n === 'string');
      const hint = suggest(keys[0], [...SCENARIO_KEYS, ...names]);
      fail(`'${quote(keys[0])}' is neither a scenario key (${SCENARIO_KEYS.join(', ')}) nor an asset name (${names.join(', ') || 'none'})${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    if (named >= 0 && !SCENARIO_KEYS.includes(keys[0])) {
      node = assets[named] as Record<string, unknown>;
      path = join('assets', named);
      keys.shift();
      if (keys.length === 0) fail('expected a key inside the asset, e.g. h100.units');
    }

    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const last = i === keys.length - 1;
      const list: unknown[] | null = Array.isArray(node) ? node : null;
      const index = Number(key);
      if (list && !(Number.isInteger(index) && index >= 0 && index <= list.length)) {
        fail(`${quote(path)} is a list of ${list.length}; expected an index from 0 to ${list.length}, got '${quote(key)}'`);
      }
      const slot = list ? index : key;
      path = join(path, slot);
      const record = node as Record<string | number, unknown>;
      // own keys only, defined rather than assigned: a key such as __proto__ is data, never the object's prototype
      const put = (v: unknown) => Object.defineProperty(record, slot, { value: v, writable: true, enumerable: true, configurable: true });
      if (last) {
        put(value);
        break;
      }
      // a missing key is created as what the next part indexes: a list for a number, else a mapping
      if (!Object.hasOwn(record, slot) || record[slot] === undefined) put(/^\d+$/.test(keys[i + 1]) ? [] : {});
      const next = record[slot];
      if (next === null || typeof next !== 'object') {
        fail(`${quote(path)} is ${describe(next)}, which has no key '${quote(keys[i + 1])}'; set that key itself instead`);
      }
      node = next as Record<string, unknown>;
    }
    return { text, path };
  });
  refuseRepeats(applied);
  return applied;
}

/**
 * Options are never "the last one wins" (README "Running"): two what-ifs of
 * one key, or a what-if that replaces a value an earlier one set inside it,
 * are a mistake to name, not to settle silently. A later one may refine a
 * key inside an earlier one's value.
 */
function refuseRepeats(applied: readonly Override[]): void {
  for (let j = 1; j < applied.length; j++) {
    const { text, path } = applied[j];
    const before = applied.slice(0, j).find((o) => o.path === path || o.path.startsWith(`${path}.`) || o.path.startsWith(`${path}[`));
    if (!before) continue;
    if (before.path !== path) throw new InputError(`--set ${quote(text)} replaces ${quote(path)}, inside which --set ${quote(before.text)} set ${quote(before.path)}; give the whole value once, or set ${quote(before.path)} after it`);
    const flag = FLAG_OF[path] ? ` (${FLAG_OF[path]} is --set ${path}=…)` : '';
    throw new InputError(`--set ${quote(before.text)} and --set ${quote(text)} both set ${quote(path)}${flag}; give it once`);
  }
}

/** The run options that are scenario keys (src/cli.ts scenarioFlags). */
const FLAG_OF: Record<string, string> = { valuation: '--valuation', calibrationTrials: '--calibration-trials' };
