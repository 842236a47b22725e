import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hardware, model, simulateInline } from './helpers.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { ScenarioError } from '../src/errors.ts';

/** Columns that MODEL.md allows to be NaN, and when. */
const mayBeNaN = (name: string) => /\.(first_impairment_month|npv|payback_month|recoverable_m\d+)$/.test(name); // recoverable_m{t}: after the exit month

describe('extreme but valid inputs run and give finite outputs', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['utilization 0', { assets: [hardware({ utilization: [0, 0], rentalPrice: 2, powerKw: 1, powerPrice: 0.1 })] }],
    ['price compression 0.99', { assets: [hardware({ priceCompression: 0.99, rentalPrice: 2 })] }],
    ['failure rate 1', { assets: [hardware({ failureRate: 1, rentalPrice: 2, ageMonths: 0 })] }],
    ['failure rate 1 on an old cohort', { assets: [hardware({ failureRate: 1, rentalPrice: 2, ageMonths: 30 })] }],
    ['discount rate 0', { discountRate: 0, assets: [hardware({ rentalPrice: 2 }), model()] }],
    ['zero rental price', { assets: [hardware({ rentalPrice: 0, opexPerUnitMonth: 100 })] }],
    ['salvage 100 %', { assets: [hardware({ rentalPrice: 1, policy: { method: 'straight-line', usefulLifeMonths: 36, salvagePct: 1 } })] }],
    ['a model released after the horizon', { horizonMonths: 24, assets: [model({ releaseMonth: 40 })] }],
    ['a model whose parent was superseded before it shipped', { assets: [model(), model({ name: 'child', parent: 'llm', releaseMonth: 30 })] }],
    ['generation shock 1 and haircut 1', { assets: [hardware({ generationShock: 1, resaleHaircut: 1, firstSupersededAge: 3, rentalPrice: 2 })] }],
    ['every method at once', { policies: { ddb: { method: 'declining-balance', usefulLifeMonths: 1 }, uop: { method: 'units-of-production', usefulLifeMonths: 1, plannedUtilization: 1 }, tax: { method: 'macrs-5' } }, assets: [hardware({ utilization: [0] })] }],
  ];
  it.each(cases)('%s', (_, raw) => {
    const { plan, rows } = simulateInline(raw, 5);
    for (const row of rows) for (const c of plan.columns) {
      const v = row[c.name];
      if (!(Number.isNaN(v) && mayBeNaN(c.name))) expect(Number.isFinite(v), `${c.name} = ${v}`).toBe(true);
    }
  });
});

describe('validation of malformed scenario objects', () => {
  // mutate a valid scenario at random paths into random JSON values
  const valid = { policies: { p: { method: 'straight-line', usefulLifeMonths: 60 } }, correlations: [], assets: [hardware({ rentalPrice: { dist: 'pert', min: 1, mode: 2, max: 3 } }), model()] };
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k]);
  };
  walk(valid, []);

  it('never throws anything but ScenarioError', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), fc.jsonValue(), fc.boolean()), { minLength: 1, maxLength: 4 }), (edits) => {
        const s = structuredClone(valid) as any;
        let root: any = s;
        for (const [path, value, remove] of edits) {
          if (path.length === 0) { root = value; continue; }
          let o = root;
          for (const k of path.slice(0, -1)) o = o?.[k];
          if (o && typeof o === 'object') {
            if (remove) delete o[path[path.length - 1]];
            else o[path[path.length - 1]] = value;
          }
        }
        try {
          resolveScenario(root, 'fuzz.yaml');
        } catch (e) {
          expect(e).toBeInstanceOf(ScenarioError);
          expect((e as Error).message.startsWith('fuzz.yaml: ')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});
