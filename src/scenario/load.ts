import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { ScenarioError } from '../errors.ts';
import { resolveScenario } from './resolve.ts';
import type { Scenario } from './types.ts';

/** The built-in scenario users get with a bare `sim`; a readable YAML file they can copy. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url));

/** Read, parse (YAML, or JSON for *.json) and resolve a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, '', `a readable scenario file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return resolveScenario(parseScenarioText(text, file), file);
}

export function parseScenarioText(text: string, file: string): unknown {
  if (text.trim() === '') throw new ScenarioError(file, '', 'a scenario, but the file is empty');
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = /position (\d+)/.exec(msg);
      throw new ScenarioError(file, pos ? lineColumn(text, Number(pos[1])) : '', `valid JSON (${msg})`);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const at = err.linePos?.[0];
    throw new ScenarioError(file, at ? `line ${at.line}, column ${at.col}` : '', `valid YAML (${err.message.split('\n')[0]})`);
  }
  return doc.toJS();
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
