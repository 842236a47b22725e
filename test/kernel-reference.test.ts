import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryScenario } from './arbitrary-scenario.ts';
import { referenceTrial } from './reference-model.ts';
import { simulateInline } from './helpers.ts';

describe('kernel against the naive transcription of MODEL.md', () => {
  it('reproduces every per-trial output to 1e-9 relative on random scenarios', () => {
    fc.assert(
      fc.property(arbitraryScenario, fc.integer({ min: 0, max: 1e6 }), (raw, seed) => {
        const { scenario, plan, rows } = simulateInline(raw, 3, String(seed));
        const scale = scenario.assets.reduce((s, a) => s + (a.kind === 'hardware' ? a.units * a.unitCost : a.trainingCost), 0);
        for (const row of rows) {
          const inputs = Object.fromEntries(plan.inputs.map((inp) => [inp.name, row[inp.name]]));
          const ref = referenceTrial(scenario, inputs);
          for (const c of plan.columns) {
            if (c.role === 'input') continue;
            const want = ref[c.name];
            expect(want, `reference has ${c.name}`).not.toBeUndefined();
            const got = row[c.name];
            if (Number.isNaN(want)) expect(got, c.name).toBeNaN();
            else expect(Math.abs(got - want), `${c.name}: kernel ${got}, reference ${want}`).toBeLessThanOrEqual(Math.max(1e-9 * Math.abs(want), 1e-9 * scale));
          }
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  }, 120_000);
});
