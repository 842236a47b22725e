import type { Scenario } from '../scenario/types.ts';
import { hardwareChecks } from './hardware.ts';
import { modelChecks } from './model.ts';
import { CHECK_TRIALS, simulateCheckTrials } from './trials.ts';
import type { Check } from './types.ts';

/** What `sim check` finds: every check with its figures, and the warnings per asset and for the scenario. */
export interface CheckReport {
  scenario: string;
  seed: string;
  trials: number;
  /** every warning, assets in scenario order */
  warnings: string[];
  assets: Record<string, { kind: 'hardware' | 'model'; warnings: string[]; checks: Check[] }>;
}

/**
 * Check that a scenario's inputs agree with each other and with the figures
 * they cite: the coherence report of `sim check`, also run by every `sim run` (a worker's task, beside its chunks).
 *
 * @param s the resolved scenario
 * @param file where it came from, for the report
 * @param seed the run's seed (the check draws from `<seed>:check`)
 * @param trials how many trials the checks read
 * @returns the report
 * @example checkScenario(loadScenario(DEFAULT_SCENARIO), 'default.yaml', '1').warnings // []
 */
export function checkScenario(s: Scenario, file: string, seed: string, trials = CHECK_TRIALS): CheckReport {
  const t = simulateCheckTrials(s, seed, trials);
  const checks = [...t.plan.assets.flatMap((a) => (a.kind === 'hardware' ? hardwareChecks(t, a) : [])), ...modelChecks(t)];
  const assets: CheckReport['assets'] = Object.create(null);
  for (const a of t.plan.assets) {
    const own = checks.filter((c) => c.asset === a.name);
    assets[a.name] = { kind: a.kind, warnings: own.flatMap((c) => (c.warning ? [c.warning] : [])), checks: own };
  }
  return { scenario: file, seed, trials, warnings: Object.values(assets).flatMap((a) => a.warnings), assets };
}
