import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { ScenarioError } from '../errors.ts';
import { applyOverrides } from './overrides.ts';
import { resolveScenario, type ResolveOptions } from './resolve.ts';
import type { Scenario } from './types.ts';

/** The built-in scenario users get with a bare `sim`; a readable YAML file they can copy. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url));

/**
 * Read, parse (YAML, or JSON for *.json), apply `--set` overrides and resolve a
 * scenario file. An error at a key an override set says so.
 *
 * @param file the scenario file
 * @param opts resolve options and the `--set` overrides
 * @returns the resolved scenario
 * @throws ScenarioError (or InputError for a malformed `--set`) naming the file and key
 * @example loadScenario(DEFAULT_SCENARIO, { overrides: ['discountRate=0.1'] })
 */
export function loadScenario(file: string, opts: ResolveOptions & { overrides?: readonly string[] } = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, '', `a readable scenario file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const raw = parseScenarioText(text, file);
  const applied = applyOverrides(raw, opts.overrides ?? []);
  try {
    return resolveScenario(raw, file, opts);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const o = applied.filter((a) => e.path === a.path || e.path.startsWith(`${a.path}.`) || e.path.startsWith(`${a.path}[`)).pop();
    throw o ? new ScenarioError(e.file, e.path, `${e.expected} (set by --set ${o.text})`) : e;
  }
}

/**
 * Parse scenario text: JSON for a *.json file, YAML (duplicate keys rejected) otherwise.
 *
 * @param text the file's contents
 * @param file its name, for the kind and for errors
 * @returns the raw parsed value, not yet checked
 * @throws ScenarioError for an empty file or a syntax error, with line and column
 * @example parseScenarioText('horizonMonths: 60', 's.yaml') // { horizonMonths: 60 }
 */
export function parseScenarioText(text: string, file: string): unknown {
  const empty = () => new ScenarioError(file, '', 'a scenario, but the file is empty');
  if (text.trim() === '') throw empty();
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      // V8 does not always say where; JSON is YAML, so the YAML parser can point at the spot
      const reason = (e as Error).message.split('\n')[0].replace(/, ".*$/, '');
      throw new ScenarioError(file, yamlErrorAt(text) ?? '', `valid JSON (${reason})`);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new ScenarioError(file, at(err.linePos?.[0]), `valid YAML (${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')})`);
  }
  const value = doc.toJS();
  if (value === null || value === undefined) throw empty();
  return value;
}

/** Where the YAML parser finds the first error, as `line L, column C`. */
function yamlErrorAt(text: string): string | undefined {
  const err = parseDocument(text, { uniqueKeys: true }).errors[0];
  return err ? at(err.linePos?.[0]) : undefined;
}

const at = (pos?: { line: number; col: number }) => (pos ? `line ${pos.line}, column ${pos.col}` : '');
