import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan, type Plan } from '../src/plan.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { createChunkSampler, sampleChunk, type SamplerKind } from '../src/sampling/sample-chunk.ts';

const N = 3000, CHUNK = 1000;

/** Every input column of a plan over N trials, by name. */
function draws(plan: Plan, kind: SamplerKind): Map<string, Float64Array> {
  const s = createChunkSampler(plan, { kind, seed: 'shared', N });
  const out = new Map(plan.inputs.map((inp) => [inp.name, new Float64Array(N)]));
  const buf = new Float64Array(plan.columns.length * CHUNK);
  for (let index = 0; index * CHUNK < N; index++) {
    sampleChunk(s, { index, start: index * CHUNK, count: CHUNK }, buf);
    plan.inputs.forEach((inp, c) => out.get(inp.name)!.set(buf.subarray(c * CHUNK, (c + 1) * CHUNK), index * CHUNK));
  }
  return out;
}

const raw = () => parse(readFileSync(DEFAULT_SCENARIO, 'utf8')) as { assets: Record<string, unknown>[] };
const plan = (r: unknown) => buildPlan(resolveScenario(r, 'variant.yaml'));

describe.each(['random', 'lhs'] as const)('%s: each input draws from its own stream keyed by its column name', (kind) => {
  const base = draws(plan(raw()), kind);

  it('adding a utilization tier leaves every other input unchanged (h100.rentalPrice among them)', () => {
    const r = raw();
    (r.assets[0].utilization as unknown[]).push({ dist: 'uniform', min: 0.05, max: 0.2 });
    const more = draws(plan(r), kind);
    expect(more.size).toBe(base.size + 1);
    expect(Array.from(more.get('h100.rentalPrice')!)).toEqual(Array.from(base.get('h100.rentalPrice')!));
    for (const [name, x] of base) expect(Array.from(more.get(name)!), name).toEqual(Array.from(x));
  });

  it('adding an asset in front leaves the other assets\' inputs unchanged', () => {
    const r = raw();
    r.assets.unshift({ ...r.assets[0], name: 'a100' });
    const more = draws(plan(r), kind);
    for (const [name, x] of base) expect(Array.from(more.get(name)!), name).toEqual(Array.from(x));
    expect(Array.from(more.get('a100.rentalPrice')!)).not.toEqual(Array.from(base.get('h100.rentalPrice')!));
  });
});

describe('sampleChunk into a buffer of several chunks', () => {
  it('a chunk drawn at its start in columns of N values equals the chunk drawn on its own and copied there, fixed inputs included', () => {
    const r = raw();
    r.assets[0].pue = 1.25;
    const p = plan(r);
    for (const kind of ['random', 'lhs', 'sobol'] as const) {
      const own = draws(p, kind);
      const s = createChunkSampler(p, { kind, seed: 'shared', N });
      expect(s.fixed.map((f) => p.inputs[f.column].name)).toEqual(['h100.pue']);
      // the columns end to end, filled with a value no draw gives, so a value not written shows
      const wide = new Float64Array(p.inputs.length * N).fill(-7);
      for (let index = 0; index * CHUNK < N; index++) sampleChunk(s, { index, start: index * CHUNK, count: CHUNK }, wide, N, index * CHUNK);
      p.inputs.forEach((inp, c) => expect(Array.from(wide.subarray(c * N, (c + 1) * N)), `${kind} ${inp.name}`).toEqual(Array.from(own.get(inp.name)!)));
    }
  });
});
