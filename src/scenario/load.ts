import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { ScenarioError } from '../errors.ts';
import { ROOT } from '../root.ts';
import { duplicateJsonKey } from './json-keys.ts';
import { quote } from './limits.ts';
import { readScenarioFile } from './read-file.ts';
import { readYaml, YamlProblem } from './yaml-value.ts';
import { applyOverrides, type Override } from './overrides.ts';
import { resolveScenario, type ResolveOptions } from './resolve.ts';
import type { Scenario } from './types.ts';

/** The built-in scenario users get with a bare `sim`; a readable YAML file they can copy. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('scenarios/default.yaml', ROOT));

/**
 * Read, parse (YAML, or JSON for *.json), apply `--set` overrides and resolve a
 * scenario file. An error at a key an override set says so.
 *
 * @param file the scenario file
 * @param opts resolve options, the `--set` overrides, and the file's text when the caller has read it already (readScenarioFile), so the file is read once
 * @returns the resolved scenario
 * @throws ScenarioError (or InputError for a malformed `--set`) naming the file and key
 * @example loadScenario(DEFAULT_SCENARIO, { overrides: ['discountRate=0.1'] })
 */
export function loadScenario(file: string, opts: ResolveOptions & { overrides?: readonly string[]; text?: string } = {}): Scenario {
  const text = opts.text ?? readScenarioFile(file);
  const raw = parseScenarioText(text, file);
  const applied = applyOverrides(raw, opts.overrides ?? []);
  try {
    return resolveScenario(raw, file, opts);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const o = settingAt(e, applied) ?? (applied.length && !sameError(() => resolveScenario(parseScenarioText(text, file), file, opts), e) ? settingAt(e, applied, 1) : undefined);
    throw o ? new ScenarioError(e.file, e.path, `${e.expected} (set by --set ${quote(o.text)})`) : e;
  }
}

/**
 * The last `--set` at or above the path of an error, or, with `up` = 1, at or
 * above its parent: a key set inside a mapping (a distribution's `dist`, an
 * asset's `kind`) makes its siblings wrong too.
 */
function settingAt(e: ScenarioError, applied: Override[], up = 0): Override | undefined {
  const within = (path: string, at: string) => path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`);
  return applied.filter((a) => within(e.path, up ? a.path.replace(/(\.[^.[\]]+|\[\d+\])$/, '') : a.path)).pop();
}

/** Whether `resolve` fails with the same error as `e`: the file alone is at fault, not the `--set`s. */
function sameError(resolve: () => unknown, e: ScenarioError): boolean {
  try {
    resolve();
    return false;
  } catch (f) {
    return f instanceof ScenarioError && f.path === e.path && f.expected === e.expected;
  }
}

/**
 * Parse scenario text: JSON for a *.json file (a repeated key refused), YAML
 * otherwise (repeated keys refused, `<<` merge keys supported, alias
 * expansion bounded by MAX_YAML_ALIASES).
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
  try {
    return file.toLowerCase().endsWith('.json') ? parseJson(text, file) : parseYaml(text, file, empty);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    // the parsers' own limits (nesting deeper than the stack, say): still the file's fault
    throw new ScenarioError(file, '', `a scenario the parser can read (${quote((e as Error).message.split('\n')[0])})`);
  }
}

function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8 does not always say where; JSON is YAML, so the YAML parser can point at the spot
    const reason = (e as Error).message.split('\n')[0].replace(/, ".*$/, '');
    throw new ScenarioError(file, yamlErrorAt(text) ?? '', `valid JSON (${quote(reason)})`);
  }
  const repeated = duplicateJsonKey(text);
  if (repeated !== null) throw new ScenarioError(file, repeated, 'each key once in its object, but this key is repeated (JSON would keep the last silently)');
  return value;
}

function parseYaml(text: string, file: string, empty: () => ScenarioError): unknown {
  let value: unknown;
  try {
    value = readYaml(text);
  } catch (e) {
    if (!(e instanceof YamlProblem)) throw e;
    throw new ScenarioError(file, at(e.pos), e.expected);
  }
  if (value === null || value === undefined) throw empty();
  return value;
}

/** Where the YAML parser finds the first error, as `line L, column C`. */
function yamlErrorAt(text: string): string | undefined {
  const err = parseDocument(text, { uniqueKeys: true }).errors[0];
  return err ? at(err.linePos?.[0]) : undefined;
}

const at = (pos?: { line: number; col: number }) => (pos ? `line ${pos.line}, column ${pos.col}` : '');
