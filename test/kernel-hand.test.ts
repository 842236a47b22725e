import { describe, expect, it } from 'vitest';
import { expectClose, hardware, model, simulateInline } from './helpers.ts';
import { allocateFlows } from '../src/kernel/flows.ts';
import { FILL, generation, hardwareFlows } from '../src/kernel/hardware.ts';
import { HARDWARE_SCALARS, HW, MD, MODEL_INPUTS } from '../src/schema.ts';
import { modelFlows } from '../src/kernel/model.ts';
import { createKernelState, simulateChunk } from '../src/kernel/simulate.ts';
import { createChunkSampler, sampleChunk } from '../src/sampling/sample-chunk.ts';

const one = (raw: unknown) => simulateInline(raw).rows[0];

describe('exit recursion, npv and payback (hand-computed)', () => {
  // H = 3, no discounting; resale halves every month: S = 1000, 500, 250, 125.
  // CF = 700 in month 1, then a generation at age 2 cuts the price to a quarter: 175, 175.
  // V[3] = 125; V[2] = max(250, 175 + 125) = 300; V[1] = max(500, 175 + 300) = 500 (sell);
  // V[0] = max(1000, 700 + 500) = 1200 (hold). exitMonth = 1.
  const raw = {
    horizonMonths: 3, discountRate: 0, testMonths: [0, 2],
    assets: [hardware({ rentalPrice: 700 / 730, firstSupersededAge: 2, cadenceMonths: 100, generationShock: 0.75, resaleDecay: 12 * Math.LN2, policy: { method: 'straight-line', usefulLifeMonths: 4 } })],
  };
  const r = one(raw);
  it('recovers V[0] and the exit month', () => {
    expectClose(r['gpu.recoverable_m0'], 1200);
    expect(r['gpu.exit_month']).toBe(1);
  });
  it('recognises the loss at exit and skips tests after it', () => {
    // book 1000, 750, 500: no loss at the test at 0 (1000 < 1200); sold at 1 for 500 with book 750
    expectClose(r['gpu.writedown_m0'], 0);
    expectClose(r['gpu.writedown'], 250);
    expectClose(r['gpu.writedown_m2'], 250);
    expect(r['gpu.first_impairment_month']).toBe(1);
  });
  it('reports gaps on the un-reset schedule', () => {
    expectClose(r['gpu.gap_m0'], 0);
    expectClose(r['gpu.gap_m2'], 500 - 250);
  });
  it('computes npv and payback for an asset acquired now', () => {
    expectClose(r['gpu.npv'], 200);
    expect(r['gpu.payback_month']).toBe(1); // 700 + 500 ≥ 1000
  });
  it('leaves npv and payback NaN for an asset bought earlier', () => {
    const old = one({ ...raw, assets: [hardware({ ...raw.assets[0], ageMonths: 1 })] });
    expect(old['gpu.npv']).toBeNaN();
    expect(old['gpu.payback_month']).toBeNaN();
  });
});

describe('impairment with reset (hand-computed)', () => {
  // Capitalized model: cost 120 amortized over 24 months (B = 120 − 5t); revenue 3 a month for 20 months, then nothing.
  // No discounting: V[t] = 3·(20 − t). Tests at 0 and 12.
  it('IFRS: a loss at 0, a second after reset at 12, and the write-off at exit', () => {
    const r = one({ horizonMonths: 24, discountRate: 0, assets: [model()] });
    // t=0: C 120 > V 60 → loss 60; κ = 60/120.  t=12: C = 0.5·60 = 30 > V 24 → loss 6; κ = 24/60.
    // Revenue ends at 20, but a model is never sold (MODEL.md): no exit, the rest (0.4·20 = 8 at
    // month 20) is amortized to 0 by month 24, not written down.
    expectClose(r['llm.writedown_m0'], 60);
    expectClose(r['llm.writedown_m12'], 66);
    expectClose(r['llm.writedown'], 66);
    expect(r['llm.first_impairment_month']).toBe(0);
    expect(r['llm.exit_month']).toBe(24);
    expectClose(r['llm.charge_y2'], 30 - 6);
    expectClose(r['llm.gap_m12'], 60);
    expectClose(r['llm.npv'], -60);
    expect(r['llm.payback_month']).toBeNaN(); // 3·20 < 120
  });

  it('US GAAP: no loss while undiscounted flows cover the book, then a write-down to fair value', () => {
    // revenue 6.5 for 20 months: W[0] = 130 ≥ 120 passes; W[12] = 52 < 60 fails → loss 60 − V[12].
    const r = 0.5, d = Math.pow(1 + r, -1 / 12);
    const pv = (months: number) => Array.from({ length: months }, (_, k) => 6.5 * Math.pow(d, k + 1)).reduce((a, b) => a + b, 0);
    const V12 = pv(8);
    const res = one({ horizonMonths: 24, discountRate: r, standard: 'usgaap', assets: [model({ peakMonthlyRevenue: 6.5 })] });
    expectClose(res['llm.writedown_m0'], 0);
    expectClose(res['llm.writedown_m12'], 60 - V12);
    // κ = V12/60; a model is never sold, so nothing is written off when revenue ends at 20
    expectClose(res['llm.writedown'], 60 - V12);
    expect(res['llm.first_impairment_month']).toBe(12);
    // the same asset under IFRS loses at 0 already
    const ifrs = one({ horizonMonths: 24, discountRate: r, assets: [model({ peakMonthlyRevenue: 6.5 })] });
    expectClose(ifrs['llm.writedown_m0'], 120 - pv(20));
  });

  it('a loss below salvage resets salvage to the new carrying amount', () => {
    // K 1000, salvage 50 % (500), straight-line over 4 months. Resale 100 (a 90 % haircut from an
    // earlier generation) halving monthly; CF 50 a month; no discounting: V = 206.25, 156.25, 106.25, …
    // t=0: loss 1000 − 206.25; carrying 206.25 < salvage → sal' = 206.25, κ = 0.
    // t=2: C = 206.25 > V[2] = 106.25 → second loss 100.
    const r = one({
      horizonMonths: 4, discountRate: 0, testMonths: [0, 2],
      assets: [hardware({ rentalPrice: 50 / 730, firstSupersededAge: 0, cadenceMonths: 1000, resaleHaircut: 0.9, resaleDecay: 12 * Math.LN2, policy: { method: 'straight-line', usefulLifeMonths: 4, salvagePct: 0.5 } })],
    });
    expect(r['gpu.exit_month']).toBe(4);
    expectClose(r['gpu.recoverable_m0'], 206.25);
    expectClose(r['gpu.writedown_m0'], 793.75);
    expectClose(r['gpu.writedown'], 893.75);
  });

  it('an expensed model carries no book and never impairs', () => {
    const r = one({ horizonMonths: 24, discountRate: 0, assets: [model({ accounting: { treatment: 'expensed' } })] });
    expect(r['llm.writedown']).toBe(0);
    expect(r['llm.gap_m0']).toBe(0);
  });
});

describe('parent and child models', () => {
  // parent superseded at 5; child would live 10 but dies with it. Tail 0.5 after supersession.
  const child = model({ name: 'mini', parent: 'llm', lifespanMonths: 10, peakMonthlyRevenue: 10, tailFraction: 0.5, accounting: { treatment: 'expensed' } });
  it('a child is superseded with its parent', () => {
    const r = one({ horizonMonths: 12, discountRate: 0, assets: [child, model({ lifespanMonths: 5 })] });
    expectClose(r['mini.recoverable_m0'], 5 * 10 + 7 * 5);
  });
  it('without a parent it lives its own life', () => {
    const r = one({ horizonMonths: 12, discountRate: 0, assets: [{ ...child, parent: undefined }] });
    expectClose(r['mini.recoverable_m0'], 10 * 10 + 2 * 5);
  });
  it('a grandchild dies with its grandparent', () => {
    const grand = model({ name: 'tiny', parent: 'mini', lifespanMonths: 10, peakMonthlyRevenue: 10, tailFraction: 0, accounting: { treatment: 'expensed' } });
    const r = one({ horizonMonths: 12, discountRate: 0, assets: [grand, child, model({ lifespanMonths: 3 })] });
    expectClose(r['tiny.recoverable_m0'], 3 * 10);
  });
  it('fills the same cash flows whether or not it fills the revenue, R = CF / (1 − servingCostRatio)', () => {
    const H = 24, a = allocateFlows(H), b = allocateFlows(H);
    const x = new Float64Array(MODEL_INPUTS.length);
    Object.assign(x, { [MD.peakMonthlyRevenue]: 1e6, [MD.tokenPriceCompression]: 0.6, [MD.tailFraction]: 0.2, [MD.servingCostRatio]: 0.25 });
    for (const releaseMonth of [-5, 0, 3]) {
      // superseded at month 9, or already before t = 0 (the tail at t = 0 too)
      for (const s of [9, -1]) {
        modelFlows({ releaseMonth, rampMonths: 4 }, x, s, H, a, true);
        modelFlows({ releaseMonth, rampMonths: 4 }, x, s, H, b, false);
        for (const k of ['f', 'CF', 'M', 'S'] as const) expect(b[k]).toEqual(a[k]);
        for (let t = 1; t <= H; t++) expectClose(a.CF[t], a.rate[t] * 0.75);
        // R[0] by the formula: ramped for the months since release, the price compressed over them, the tail once superseded
        expectClose(a.rate[0], releaseMonth < 0 ? 1e6 * Math.min(1, -releaseMonth / 4) * Math.pow(0.4, -releaseMonth / 12) * (s >= 0 ? 1 : 0.2) : 0);
      }
    }
  });
});

describe('hardware cash flow (hand-computed)', () => {
  it('nets revenue, energy and opex on the surviving fleet', () => {
    // one month, 10 units, failure 12 %/yr → n[1] = 10·0.88^(1/12)
    const r = one({
      horizonMonths: 1, discountRate: 0, testMonths: [0],
      assets: [hardware({ units: 10, rentalPrice: 2, powerKw: 1, idlePowerFraction: 0.3, utilization: [0.5], pue: 1.2, powerPrice: 0.1, opexPerUnitMonth: 20, failureRate: 0.12, resaleFloor: 1, disposalCost: 0.1 })],
    });
    const n1 = 10 * Math.pow(0.88, 1 / 12);
    const cf = n1 * 730 * 0.5 * 2 - n1 * 730 * 1 * (0.3 + 0.7 * 0.5) * 1.2 * 0.1 - n1 * 20;
    const S1 = n1 * 1000 * 0.9;
    expectClose(r['gpu.recoverable_m0'], Math.max(10 * 1000 * 0.9, cf + S1));
  });
});

describe('hardwareFlows: generations and the observed features', () => {
  // utilization tier k = k + 1: u[t] names the generation in use, up to the last tier
  const TIERS = 40;
  const util = Float64Array.from({ length: TIERS }, (_, k) => k + 1);
  const fixed = { units: 10, unitCost: 1000, ageMonths: 7, powerKw: 1, idlePowerFraction: 0.3, opexPerUnitMonth: 5, disposalCost: 0.05 };
  const draws = (fsa: number, cad: number) => {
    const x = new Float64Array(HARDWARE_SCALARS.length);
    Object.assign(x, { [HW.rentalPrice]: 2, [HW.priceCompression]: 0.3, [HW.firstSupersededAge]: fsa, [HW.cadenceMonths]: cad, [HW.generationShock]: 0.2, [HW.resaleDecay]: 0.25, [HW.resaleFloor]: 0.05, [HW.resaleHaircut]: 0.1, [HW.failureRate]: 0.08, [HW.powerPrice]: 0.08, [HW.pue]: 1.2 });
    return x;
  };
  // ship dates on whole months, a hair either side of them, at no whole month, and never
  const cases: [number, number][] = [];
  for (const fsa of [0, 7, 8, 12, 12 - 1e-12, 12 + 1e-12, 13.5, 30, 1000]) for (const cad of [1, 0.5, 3, 12, 12 + 1e-12, 12 - 1e-12, 7.25, 24, Infinity]) cases.push([fsa, cad]);
  cases.push([Infinity, 12]);
  for (let k = 0; k < 200; k++) cases.push([Math.random() * 40, 0.3 + Math.random() * 30]);

  it('uses the generation of the formula at every month', () => {
    const H = 72, fl = allocateFlows(H);
    for (const [fsa, cad] of cases) {
      hardwareFlows(fixed, draws(fsa, cad), util, H, fl, FILL.units);
      for (let t = 0; t <= H; t++) expect(fl.u[t], `fsa ${fsa}, cadence ${cad}, t ${t}`).toBe(util[Math.min(generation(fixed.ageMonths + t, fsa, cad), TIERS - 1)]);
    }
  });

  it('fills the same flows whatever else it is asked to fill', () => {
    const H = 72, a = allocateFlows(H), b = allocateFlows(H), c = allocateFlows(H);
    for (const [fsa, cad] of cases.slice(0, 40)) {
      hardwareFlows(fixed, draws(fsa, cad), util, H, a, FILL.observed);
      hardwareFlows(fixed, draws(fsa, cad), util, H, b, FILL.units);
      hardwareFlows(fixed, draws(fsa, cad), util, H, c, FILL.books);
      for (const k of ['n', 'f', 'u', 'CF', 'M', 'S'] as const) expect(b[k]).toEqual(a[k]);
      for (const k of ['f', 'CF', 'M', 'S'] as const) expect(c[k]).toEqual(a[k]);
      expect(c.n[0]).toBe(a.n[0]);
      // the share of the units in service at t = 0, as the books read it
      for (let t = 0; t <= H; t++) expect(a.f[t]).toBe(a.n[t] / a.n[0]);
      expect(a.sinceShip[0]).toBe(fixed.ageMonths - (fsa > fixed.ageMonths ? 0 : fsa + (generation(fixed.ageMonths, fsa, cad) - 1) * cad));
    }
  });
});

describe('the share of units in service, f, comes with the flows', () => {
  it('a model after a cohort in the same flows (as the kernel reuses them) has f = 1 at every month', () => {
    const H = 24, fl = allocateFlows(H);
    const x = new Float64Array(HARDWARE_SCALARS.length);
    x[HW.failureRate] = 0.5;
    x[HW.firstSupersededAge] = 100;
    x[HW.cadenceMonths] = 12;
    hardwareFlows({ units: 10, unitCost: 1000, ageMonths: 0, powerKw: 1, idlePowerFraction: 0.3, opexPerUnitMonth: 5, disposalCost: 0.05 }, x, Float64Array.of(1), H, fl, FILL.books);
    expect(fl.f[H]).toBeCloseTo(Math.pow(0.5, H / 12), 12); // the cohort's survivors, from 1 at t = 0
    modelFlows({ releaseMonth: 0, rampMonths: 1 }, new Float64Array(MODEL_INPUTS.length), Infinity, H, fl, false);
    expect(Array.from(fl.f)).toEqual(new Array(H + 1).fill(1));
  });
});

describe('the portfolio sums', () => {
  it('add the assets\' columns in order over the chunk, and a sum of no sources is 0 in a reused buffer', () => {
    const { plan } = simulateInline({ horizonMonths: 24, assets: [hardware(), hardware({ name: 'gpu2', unitCost: 3000 })] });
    const count = 3;
    const buf = new Float64Array(plan.columns.length * count);
    sampleChunk(createChunkSampler(plan, { seed: '1' }), { index: 0, start: 0, count }, buf);
    // the books' carrying amounts at t = 0: 1,000 and 3,000
    const sum = plan.sums.find((x) => plan.columns[x.target].name === 'portfolio.carrying_m0')!;
    expect(sum.sources).toHaveLength(2);
    const empty = { ...plan, sums: [...plan.sums, { target: sum.target, sources: [] }] };
    buf.fill(7, sum.target * count, (sum.target + 1) * count); // the last chunk's values
    simulateChunk(empty, createKernelState(empty), buf, count);
    expect(Array.from(buf.subarray(sum.target * count, (sum.target + 1) * count))).toEqual([0, 0, 0]);
    simulateChunk(plan, createKernelState(plan), buf, count);
    for (let i = 0; i < count; i++) expect(buf[sum.target * count + i]).toBe(0 + buf[sum.sources[0] * count + i] + buf[sum.sources[1] * count + i]);
    expect(buf[sum.target * count]).toBe(4000);
  });
});
