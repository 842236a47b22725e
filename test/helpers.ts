import { resolveScenario } from '../src/scenario/resolve.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { buildPlan, type Plan } from '../src/plan.ts';
import { createChunkSampler, sampleChunk } from '../src/sampling/sample-chunk.ts';
import { createKernelState, simulateChunk } from '../src/kernel/simulate.ts';
import { calibrateAsset, calibrationInputs } from '../src/valuation/calibrate.ts';

/** Run `count` trials in this thread (no pool), calibrating first under the expected valuation, and return the rows with the plan. */
export function simulateInline(raw: unknown, count = 1, seed = '1'): { scenario: Scenario; plan: Plan; rows: Record<string, number>[] } {
  const scenario = resolveScenario(raw, 'test.yaml');
  const plan = buildPlan(scenario);
  const buf = new Float64Array(plan.columns.length * count);
  sampleChunk(createChunkSampler(plan, { seed }), { index: 0, start: 0, count }, buf);
  const inputs = plan.valuation === 'expected' ? calibrationInputs(plan, seed) : null;
  const fits = inputs && plan.assets.map((_, ai) => calibrateAsset(plan, ai, inputs).months);
  simulateChunk(plan, createKernelState(plan, fits), buf, count);
  const rows = Array.from({ length: count }, (_, i) => Object.fromEntries(plan.columns.map((c, j) => [c.name, buf[j * count + i]])));
  return { scenario, plan, rows };
}

/** Relative closeness with an absolute floor for values near zero. */
export function expectClose(actual: number, expected: number, rel = 1e-9, abs = 1e-9): void {
  if (Number.isNaN(expected)) {
    if (!Number.isNaN(actual)) throw new Error(`expected NaN, got ${actual}`);
    return;
  }
  const tol = Math.max(abs, rel * Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
}

/** A hardware cohort with every input fixed; override what a case needs. */
export function hardware(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'gpu', kind: 'hardware', units: 1, unitCost: 1000, ageMonths: 0, powerKw: 0, opexPerUnitMonth: 0, disposalCost: 0,
    policy: { method: 'straight-line', usefulLifeMonths: 72 },
    rentalPrice: 0, priceCompression: 0, firstSupersededAge: 1000, cadenceMonths: 12, generationShock: 0,
    utilization: [1], resaleDecay: 0, resaleFloor: 0, resaleHaircut: 0, failureRate: 0, powerPrice: 0, pue: 1,
    ...over,
  };
}

/** A trained model with every input fixed. */
export function model(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'llm', kind: 'model', trainingCost: 120, releaseMonth: 0, accounting: { treatment: 'capitalized', amortizationMonths: 24 },
    lifespanMonths: 20, peakMonthlyRevenue: 3, tokenPriceCompression: 0, tailFraction: 0, servingCostRatio: 0,
    ...over,
  };
}
