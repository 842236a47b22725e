import { describe, expect, it } from 'vitest';
import { buildPlan } from '../src/plan.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import type { HardwareAsset, ModelAsset } from '../src/scenario/types.ts';
import { ASSET_OUTPUTS, BOOK_OUTPUTS, HARDWARE_INPUTS, MODEL_INPUTS, OUTPUTS, type OutputSpec } from '../src/schema.ts';
import { hardware, model } from './helpers.ts';

describe('the declared schema', () => {
  it('types follow it: a misspelt input does not compile', () => {
    const a = {} as HardwareAsset, m = {} as ModelAsset;
    // @ts-expect-error rentalPrize is not an input
    void a.rentalPrize;
    // @ts-expect-error lifespan is not an input
    void m.lifespan;
    expect(HARDWARE_INPUTS).toContain('rentalPrice');
  });

  it('the plan lays out exactly the declared inputs and outputs, in declaration order', () => {
    const s = resolveScenario({ testMonths: [0, 12], policies: { short: { method: 'straight-line', usefulLifeMonths: 24 } }, assets: [hardware({ utilization: [0.5, 0.4] }), model()] }, 'schema.yaml');
    const names = buildPlan(s).columns.map((c) => c.name);
    const over: Record<string, number[]> = { testMonths: [0, 12], valuedMonths: [0, 12], years: [1, 2, 3, 4, 5, 6] }; // H = 72
    const spec = (k: keyof typeof OUTPUTS): OutputSpec => OUTPUTS[k];
    const rep = (prefix: string, keys: readonly (keyof typeof OUTPUTS)[]) => keys.flatMap((k) => (spec(k).over ? over[spec(k).over!].map((t) => `${prefix}.${k}${t}`) : [`${prefix}.${k}`]));
    expect(names).toEqual([
      ...HARDWARE_INPUTS.flatMap((k) => (k === 'utilization' ? ['gpu.utilization.0', 'gpu.utilization.1'] : [`gpu.${k}`])),
      ...MODEL_INPUTS.map((k) => `llm.${k}`),
      ...rep('gpu', BOOK_OUTPUTS), ...rep('gpu', ASSET_OUTPUTS), ...rep('gpu@short', BOOK_OUTPUTS),
      ...rep('llm', BOOK_OUTPUTS), ...rep('llm', ASSET_OUTPUTS),
      ...rep('portfolio', BOOK_OUTPUTS.filter((k) => 'portfolio' in OUTPUTS[k])), ...rep('portfolio@short', BOOK_OUTPUTS.filter((k) => 'portfolio' in OUTPUTS[k])),
    ]);
  });
});
