import type { Plan } from '../plan.ts';
import type { MonthFit } from './basis.ts';
import { calibrationSeed } from './calibrate.ts';

/** Written by every `expected` run (MODEL.md "`expected`", fixed layout). */
export const VALUATION_FILE = 'valuation.json';

/** valuation.json: with scenario.json and a row of trials.arrow, every output of that trial can be recomputed. */
export interface ValuationFile {
  valuation: 'expected';
  calibrationTrials: number;
  seed: string;
  /** the key of the calibration trials' random stream (one per sampling chunk of 4,096: `<stream>:<chunk>`) */
  stream: string;
  assets: Record<string, MonthFit[]>;
}

/**
 * @param plan the run's plan
 * @param seed the run's seed
 * @param fits per asset, one fit per month
 * @returns the file's content
 */
export function valuationFile(plan: Plan, seed: string, fits: MonthFit[][]): ValuationFile {
  return {
    valuation: 'expected',
    calibrationTrials: plan.calibrationTrials,
    seed,
    stream: calibrationSeed(seed),
    assets: Object.fromEntries(plan.assets.map((a, i) => [a.name, fits[i]])),
  };
}
