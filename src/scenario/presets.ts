import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../root.ts';

/** The built-in scenarios, by name: commented YAML files under scenarios/. */
export const PRESETS = ['default', 'hyperscaler', 'critic'] as const;
export type Preset = (typeof PRESETS)[number];

/**
 * The file of a built-in scenario.
 *
 * @example presetFile('critic') // '/…/scenarios/critic.yaml'
 */
export function presetFile(name: Preset): string {
  return fileURLToPath(new URL(`scenarios/${name}.yaml`, ROOT));
}

/**
 * What a scenario argument names: a preset's file when it is a preset's name
 * and no file of that name exists here, else the argument itself.
 *
 * @param arg the scenario argument of `sim run` or `sim check`
 * @returns the file to read
 * @example scenarioFileOf('critic') // '/…/scenarios/critic.yaml'
 */
export function scenarioFileOf(arg: string): string {
  return (PRESETS as readonly string[]).includes(arg) && !existsSync(arg) ? presetFile(arg as Preset) : arg;
}

/**
 * One line per preset for `sim scenarios`: its name and what it assumes (the
 * file's first comment line, so the file stays the one place that says it).
 *
 * @returns [name, what it assumes, file] per preset
 * @example describePresets()[0][0] // 'default'
 */
export function describePresets(): [Preset, string, string][] {
  return PRESETS.map((name) => {
    const file = presetFile(name);
    const first = readFileSync(file, 'utf8').split('\n', 1)[0];
    return [name, first.replace(/^#\s*/, '').replace(new RegExp(`^${name}:\\s*`), ''), file];
  });
}
