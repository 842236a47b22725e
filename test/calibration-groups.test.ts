import { describe, expect, it } from 'vitest';
import { buildPlan } from '../src/plan.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import { calibrationGroups } from '../src/valuation/groups.ts';

const kinds = (s: string) => [...s].map((c) => ({ kind: c === 'h' ? ('hardware' as const) : ('model' as const) }));

describe('calibrationGroups', () => {
  it('gives the default scenario one task of its two cohorts and one of its three models on two workers', () => {
    const plan = buildPlan(loadScenario(DEFAULT_SCENARIO));
    expect(plan.assets.map((a) => a.kind)).toEqual(['hardware', 'hardware', 'model', 'model', 'model']);
    expect(calibrationGroups(plan.assets, 2)).toEqual([[0, 1], [2, 3, 4]]);
  });

  it('puts cohorts first, in plan order, and cuts where the work so far reaches the next share', () => {
    // costs 2 (cohort) and 1 (model): cohorts 1 and 3, then models 0, 2, 4, 5; total 8, cuts at 4 on two workers
    expect(calibrationGroups(kinds('mhmhmm'), 2)).toEqual([[1, 3], [0, 2, 4, 5]]);
    // a cohort and three models: 2 + 1 reaches half of 5 first
    expect(calibrationGroups(kinds('hmmm'), 2)).toEqual([[0, 1], [2, 3]]);
    // three workers, six cohorts: two each
    expect(calibrationGroups(kinds('hhhhhh'), 3)).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('is one task on one worker, and one task per asset when there are more workers than assets', () => {
    expect(calibrationGroups(kinds('hmhm'), 1)).toEqual([[0, 2, 1, 3]]);
    expect(calibrationGroups(kinds('hm'), 8)).toEqual([[0], [1]]);
  });

  it('places every asset once, in at most `workers` non-empty tasks, for any mix', () => {
    for (let n = 1; n <= 12; n++) {
      for (let mask = 0; mask < 2 ** Math.min(n, 6); mask++) {
        const assets = Array.from({ length: n }, (_, i) => ({ kind: (mask >> i % 6) & 1 ? ('hardware' as const) : ('model' as const) }));
        for (const workers of [1, 2, 3, 5, 16]) {
          const groups = calibrationGroups(assets, workers);
          expect(groups.length).toBeLessThanOrEqual(workers);
          expect(groups.every((g) => g.length > 0)).toBe(true);
          expect(groups.flat().sort((a, b) => a - b)).toEqual(assets.map((_, i) => i));
        }
      }
    }
  });
});
