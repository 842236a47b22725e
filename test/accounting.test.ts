/**
 * Issue 11, hand-computed: the books carry the units in service, failure losses, prospective
 * policies, carrying_m0 / charge_m0 / charge_y{k} / failure_loss. Each case runs through the naive
 * transcription (test/reference-model.ts) and through the kernel. The kernel is imported lazily,
 * so a kernel that does not load fails only its own tests.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { assetInputs, resolveScenario } from '../src/scenario/resolve.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { arbitraryScenario } from './arbitrary-scenario.ts';
import { expectClose, hardware, model } from './helpers.ts';
import { referenceTrial, type BookTrace } from './reference-model.ts';

type Row = Record<string, number>;
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type SimulateInline = typeof import('./helpers.ts').simulateInline;

const resolve = (raw: Raw): Scenario => resolveScenario(raw, 'test.yaml');
/** Every input fixed: the inputs row is the scenario's numbers. */
function reference(raw: Raw, trace?: Record<string, BookTrace>): Row {
  const sc = resolve(raw);
  return referenceTrial(sc, Object.fromEntries(sc.assets.flatMap((a) => assetInputs(a).map(({ name, spec }) => [name, spec as number]))), trace);
}
let simulateInline: SimulateInline;
const engines: [string, (raw: Raw) => Row][] = [
  ['reference', (raw) => reference(raw)],
  ['kernel', (raw) => simulateInline(raw).rows[0]],
];
beforeAll(async () => {
  ({ simulateInline } = await import('./helpers.ts'));
});

const check = (row: Row, want: Row) => {
  for (const [k, v] of Object.entries(want)) {
    expect(row[k], `column ${k}`).not.toBeUndefined();
    try { expectClose(row[k], v, 1e-9, 1e-6); } catch (e) { throw new Error(`${k}: ${(e as Error).message}`); }
  }
};
const rent = (perUnitMonth: number) => perUnitMonth / 730; // u = 1, no power: CF = n · perUnitMonth
const noMarket = { firstSupersededAge: 0, cadenceMonths: 1000, resaleHaircut: 1 }; // g = 1 from age 0: M = S = 0

// A: 10 units, cost 1000, age 0; (1 − fr)^(1/12) = 0.9, so f[t] = 0.9^t. Straight-line over 4 months: B = 10000, 7500, 5000, 2500, 0.
// C = f·B = 10000, 6750, 4050, 1822.5, 0. Failure loss of month t = (f[t−1] − f[t])·B[t]: 0.1·7500 = 750, 0.09·5000 = 450,
// 0.081·2500 = 202.5, 0.0729·0 = 0 (cumulative 750, 1200, 1402.5, 1402.5); depreciation 2500·(1 + .9 + .81 + .729) = 8597.5.
// Resale ρ = 0.5 (one generation, haircut 0.5): M = 5000·0.9^t; gap = f·B − M = 0.9^t·(5000 − 2500t) = 5000, 2250, 0, −1822.5.
// CF = 2000·n = 20000·0.9^t; no discounting; V[t] ≥ CF[t+1] ≥ 13122 > C: no loss; S[t−1] < CF[t] + S[t]: held to H.
// Run with H = 1..4 (tests 0..H−1): charge_y1 = C[0] − C[H] = 3250, 5950, 8177.5, 10000 reveals the carrying amount month by month.
const cohortA = (H: number) => ({
  horizonMonths: H, discountRate: 0, testMonths: Array.from({ length: H }, (_, t) => t),
  assets: [hardware({ units: 10, failureRate: 1 - 0.9 ** 12, rentalPrice: rent(2000), firstSupersededAge: 0, cadenceMonths: 1000, resaleHaircut: 0.5, policy: { method: 'straight-line', usefulLifeMonths: 4 } })],
});
const monthA = [
  { H: 1, C: 6750, failure: 750 },
  { H: 2, C: 4050, failure: 1200 },
  { H: 3, C: 1822.5, failure: 1402.5 },
  { H: 4, C: 0, failure: 1402.5 },
];

// B: 100 units bought 12 months ago, cost 1200, failure 19 %/yr: n[0] = 81, K0 = 97200 (not 120000: 19 units failed before now).
// Straight-line 48 months (as if since acquisition, on K0): B(a) = 97200·(1 − a/48) = 72900 (a 12), 48600 (24), 24300 (36).
// f[12] = 0.81, f[24] = 0.6561: C[0] = 72900, C[12] = 39366, C[24] = 15943.23. charge_y1 = 33534, charge_y2 = 23422.77.
// Depreciation Σ_{t=1..24} f[t−1]·97200/48 = 2025·(1 − 0.6561)/(1 − q), q = 0.81^(1/12); failure_loss = (72900 − 15943.23) − that.
// ρ = 0.5: M = 600·n: gap_m0 = 72900 − 48600 = 24300, gap_m12 = 0.81·48600 − 65.61·600 = 0. CF = 500·n ≫ C: no loss, held.
const cohortB = {
  horizonMonths: 24, discountRate: 0, testMonths: [0, 12],
  assets: [hardware({ units: 100, unitCost: 1200, ageMonths: 12, failureRate: 0.19, rentalPrice: rent(500), firstSupersededAge: 0, cadenceMonths: 1000, resaleHaircut: 0.5, policy: { method: 'straight-line', usefulLifeMonths: 48 } })],
};
const q = 0.81 ** (1 / 12);
const failureB = 72900 - 15943.23 - (2025 * (1 - 0.6561)) / (1 - q);

// C: one unit, cost 3672, age 26, own straight-line 72 months: B_own(26) = 3672·46/72 = 2346 (51 a month: 612 a year).
// five-year-from-now (prospective, 60): R = 60 − 26 = 34 months on 2346: 69 a month: y1 828, y2 828, y3 69·10 = 690 (0 from t = 34).
// five-year (as if since acquisition): B = 3672·(1 − a/60): 2080.8 at t = 0, 61.2 a month: y1 734.4, y2 734.4, y3 61.2·10 = 612.
// db-from-now (declining-balance φ 2, prospective): rate 2/34 = 1/17 beats the straight-line rest 1/(34 − m) while m < 17:
//   B(12) = 2346·(16/17)^12, y1 = 2346 − B(12).
// A model (cost 120, capitalized over 24 months, earning 10 a month beyond H): 120, y1 60, y2 60, y3 0, under every policy.
// No market; CF 500 a month: V[24] = 6000 ≫ C, held to 36.
const switchC = {
  horizonMonths: 36, discountRate: 0, testMonths: [0, 12, 24],
  policies: {
    'five-year-from-now': { method: 'straight-line', usefulLifeMonths: 60, prospective: true },
    'five-year': { method: 'straight-line', usefulLifeMonths: 60 },
    'db-from-now': { method: 'declining-balance', usefulLifeMonths: 60, prospective: true },
  },
  assets: [
    hardware({ unitCost: 3672, ageMonths: 26, rentalPrice: rent(500), ...noMarket }),
    model({ peakMonthlyRevenue: 10, lifespanMonths: 100 }),
  ],
};
const B12db = 2346 * (16 / 17) ** 12;

// D: one unit, cost 9600, age 80, own straight-line 96 months: B_own(80) = 1600 (100 a month, 0 from t = 16).
// now-60 (prospective, 60): R = max(1, 60 − 80) = 1: all 1600 charged in month 1.
// now-60-salvage (prospective, salvage 10 %): salvage min(1600, 960) = 960: 640 in month 1, then 960 stays.
// as-if-60: life over: carrying 0.
const exceededD = {
  horizonMonths: 24, discountRate: 0, testMonths: [0, 12],
  policies: {
    'now-60': { method: 'straight-line', usefulLifeMonths: 60, prospective: true },
    'now-60-salvage': { method: 'straight-line', usefulLifeMonths: 60, salvagePct: 0.1, prospective: true },
    'as-if-60': { method: 'straight-line', usefulLifeMonths: 60 },
  },
  assets: [hardware({ unitCost: 9600, ageMonths: 80, rentalPrice: rent(500), policy: { method: 'straight-line', usefulLifeMonths: 96 }, ...noMarket })],
};

// E: one unit, cost 1200, straight-line 24 months (B = 1200 − 50t); the price goes to 0 at age 19 (a generation, shock 1).
// Gain: CF 100 a month; S = 1200·0.75^(t/18) (falls < 19 a month): held to 18, then sold: S[18] = 900 > C[18] = 300.
//   y1 = 1200 − 600 = 600; y2 = C⁺[12] − S[18] = 600 − 900 = −300 (300 depreciation, a 600 gain); y3 = 0. No write-down.
// Loss: CF 300 a month; S = 1200·0.2^(t/18) (falls < 103 a month): sold at 18 for 240: loss 300 − 240 = 60 at 18.
//   y1 = 600; y2 = 600 − 240 = 360; writedown 60 (writedown_m24 = 60: cumulative), first_impairment_month 18.
const saleE = (CF: number, rho18: number) => ({
  horizonMonths: 36, discountRate: 0, testMonths: [0, 12, 24],
  assets: [hardware({ unitCost: 1200, rentalPrice: rent(CF), firstSupersededAge: 19, cadenceMonths: 1000, generationShock: 1, resaleDecay: (-Math.log(rho18) * 12) / 18, policy: { method: 'straight-line', usefulLifeMonths: 24 } })],
});

// F: held to a horizon that is not a whole year (H = 30): one unit, cost 1200, straight-line 36 (B = 1200·(1 − t/36)), no market, CF 20:
// V[t] = 20·(30 − t). t=0: loss 1200 − 600 = 600, κ = 0.5. t=12: C = 0.5·800 = 400 > 360: loss 40, κ = 360/800 = 0.45.
// t=24: C = 0.45·400 = 180 > 120: loss 60, κ = 120/400 = 0.3. C[30] = 0.3·200 = 60.
// charge_m0 600; y1 = C⁺[0] − C⁺[12] = 600 − 360 = 240; y2 = 360 − 120 = 240; y3 (months 25..30) = 120 − 60 = 60. Σ = 1140 = 1200 − 60.
const heldF = {
  horizonMonths: 30, discountRate: 0, testMonths: [0, 12, 24],
  assets: [hardware({ unitCost: 1200, rentalPrice: rent(20), policy: { method: 'straight-line', usefulLifeMonths: 36 }, ...noMarket })],
};

// G: failures and a reset on x = X / f: one unit, cost 1000, f[t] = 0.9^t, straight-line 4, no market, CF 200·0.9^t, test at 2 only.
// Failures before the test use κ = 1: month 1 0.1·750 = 75, month 2 0.09·500 = 45. C[2] = 0.81·500 = 405 > V[2] = 200·(0.729 + 0.6561)
// = 277.02: loss 127.98; x = 277.02/0.81 = 342, κ = 342/500 = 0.684. Month 3: failure 0.081·0.684·250 = 13.851, C[3] = 0.729·171
// = 124.659; month 4: B = 0. failure_loss 133.851; depreciation 250 + 225 + 0.81·171 + 0.729·171 = 738.169; Σ = 1000 = charge_y1.
const resetG = {
  horizonMonths: 4, discountRate: 0, testMonths: [2],
  assets: [hardware({ failureRate: 1 - 0.9 ** 12, rentalPrice: rent(200), policy: { method: 'straight-line', usefulLifeMonths: 4 }, ...noMarket })],
};

// H: sale at t = 0 (no cash flow, resale flat: the tie S[0] = V[1] exits). Age 36 of 72: C[0] = 500 < S[0] = 1000: a gain in year 1,
// charge_y1 = −500. Age 0 with ρ = 0.5: loss 1000 − 500 = 500 at 0 = charge_m0, charge_y1 = C⁺[0] − S[0] = 0.
const sale0 = (over: Raw) => ({ horizonMonths: 24, discountRate: 0, testMonths: [0, 12], assets: [hardware(over)] });

// I: every unit failed before now (failure rate 1, age 12): n[0] = 0, K0 = 0, nothing on the books, no NaN.
const goneI = { horizonMonths: 24, discountRate: 0, testMonths: [0, 12], assets: [hardware({ units: 10, ageMonths: 12, failureRate: 1 })] };

describe.each(engines)('hand-computed accounting: %s', (_, run) => {
  it('A: failures and no impairment: carrying amount and failure loss month by month', () => {
    for (const { H, C, failure } of monthA) {
      const r = run(cohortA(H));
      check(r, { 'gpu.exit_month': H, 'gpu.writedown': 0, 'gpu.carrying_m0': 10000, 'gpu.charge_m0': 0, 'gpu.charge_y1': 10000 - C, 'gpu.failure_loss': failure });
    }
    check(run(cohortA(4)), { 'gpu.gap_m0': 5000, 'gpu.gap_m1': 2250, 'gpu.gap_m2': 0, 'gpu.gap_m3': -1822.5, 'portfolio.failure_loss': 1402.5, 'portfolio.charge_y1': 10000 });
  });
  it('B: a cohort bought earlier carries only the units in service; yearly charges with failures', () => {
    check(run(cohortB), {
      'gpu.exit_month': 24, 'gpu.writedown': 0, 'gpu.carrying_m0': 72900, 'gpu.charge_m0': 0, 'gpu.charge_y1': 33534, 'gpu.charge_y2': 23422.77,
      'gpu.failure_loss': failureB, 'gpu.gap_m0': 24300, 'gpu.gap_m12': 0, 'portfolio.carrying_m0': 72900,
    });
  });
  it('C: a prospective switch from 72 to 60 months at age 26 (34 months left) beside the as-if-since-acquisition one', () => {
    check(run(switchC), {
      'gpu.carrying_m0': 2346, 'gpu.charge_y1': 612, 'gpu.charge_y2': 612, 'gpu.charge_y3': 612,
      'gpu@five-year-from-now.carrying_m0': 2346, 'gpu@five-year-from-now.charge_m0': 0,
      'gpu@five-year-from-now.charge_y1': 828, 'gpu@five-year-from-now.charge_y2': 828, 'gpu@five-year-from-now.charge_y3': 690,
      'gpu@five-year-from-now.gap_m12': 1518, 'gpu@five-year-from-now.gap_m24': 690, 'gpu@five-year-from-now.writedown': 0,
      'gpu@five-year.carrying_m0': 2080.8, 'gpu@five-year.charge_y1': 734.4, 'gpu@five-year.charge_y2': 734.4, 'gpu@five-year.charge_y3': 612,
      'gpu@five-year.gap_m12': 1346.4,
      'gpu@db-from-now.carrying_m0': 2346, 'gpu@db-from-now.charge_y1': 2346 - B12db, 'gpu@db-from-now.gap_m12': B12db,
      'llm.carrying_m0': 120, 'llm.charge_y1': 60, 'llm.charge_y2': 60, 'llm.charge_y3': 0,
      'portfolio.carrying_m0': 2466, 'portfolio@five-year-from-now.carrying_m0': 2466, 'portfolio@five-year.carrying_m0': 2200.8,
      'portfolio@five-year-from-now.charge_y1': 888, 'portfolio@five-year-from-now.charge_y3': 690, 'portfolio@five-year.charge_y1': 794.4,
      'portfolio@five-year.gap_m12': 1346.4 + 60,
    });
  });
  it('D: a prospective switch to a life already exceeded charges the rest in month 1', () => {
    check(run(exceededD), {
      'gpu.carrying_m0': 1600, 'gpu.charge_y1': 1200, 'gpu.charge_y2': 400,
      'gpu@now-60.carrying_m0': 1600, 'gpu@now-60.charge_y1': 1600, 'gpu@now-60.charge_y2': 0, 'gpu@now-60.gap_m12': 0,
      'gpu@now-60-salvage.carrying_m0': 1600, 'gpu@now-60-salvage.charge_y1': 640, 'gpu@now-60-salvage.charge_y2': 0, 'gpu@now-60-salvage.gap_m12': 960,
      'gpu@as-if-60.carrying_m0': 0, 'gpu@as-if-60.charge_y1': 0,
    });
  });
  it('E: a sale mid-year: a gain when S > C, a loss at exit when S < C', () => {
    check(run(saleE(100, 0.75)), { 'gpu.exit_month': 18, 'gpu.carrying_m0': 1200, 'gpu.charge_y1': 600, 'gpu.charge_y2': -300, 'gpu.charge_y3': 0, 'gpu.writedown': 0 });
    const r = run(saleE(300, 0.2));
    check(r, { 'gpu.exit_month': 18, 'gpu.charge_y1': 600, 'gpu.charge_y2': 360, 'gpu.charge_y3': 0, 'gpu.writedown': 60, 'gpu.writedown_m12': 0, 'gpu.writedown_m24': 60, 'gpu.first_impairment_month': 18 });
  });
  it('F: held to a horizon that is not a whole year, with losses and resets', () => {
    check(run(heldF), {
      'gpu.exit_month': 30, 'gpu.carrying_m0': 1200, 'gpu.charge_m0': 600, 'gpu.writedown_m0': 600, 'gpu.writedown_m12': 640, 'gpu.writedown': 700,
      'gpu.charge_y1': 240, 'gpu.charge_y2': 240, 'gpu.charge_y3': 60, 'gpu.gap_m12': 800, 'gpu.failure_loss': 0,
    });
  });
  it('G: a loss on a thinned cohort resets on x = X / f[t]; failures before and after it', () => {
    check(run(resetG), { 'gpu.exit_month': 4, 'gpu.writedown': 127.98, 'gpu.writedown_m2': 127.98, 'gpu.first_impairment_month': 2, 'gpu.failure_loss': 133.851, 'gpu.charge_y1': 1000, 'gpu.gap_m2': 405 });
  });
  it('H: a sale at t = 0 counts in year 1', () => {
    check(run(sale0({ ageMonths: 36 })), { 'gpu.exit_month': 0, 'gpu.carrying_m0': 500, 'gpu.charge_m0': 0, 'gpu.charge_y1': -500, 'gpu.charge_y2': 0, 'gpu.writedown': 0 });
    check(run(sale0({ firstSupersededAge: 0, cadenceMonths: 1000, resaleHaircut: 0.5 })), { 'gpu.exit_month': 0, 'gpu.carrying_m0': 1000, 'gpu.charge_m0': 500, 'gpu.charge_y1': 0, 'gpu.writedown': 500 });
  });
  it('I: no unit left in service: nothing on the books', () => {
    const r = run(goneI);
    check(r, { 'gpu.carrying_m0': 0, 'gpu.charge_m0': 0, 'gpu.charge_y1': 0, 'gpu.charge_y2': 0, 'gpu.failure_loss': 0, 'gpu.writedown': 0, 'gpu.gap_m0': 0, 'gpu.gap_m12': 0 });
  });
});

describe('the reference month by month (hand-computed paths)', () => {
  it('A: carrying amounts and failure losses', () => {
    const tr: Record<string, BookTrace> = {};
    reference(cohortA(4), tr);
    [10000, 6750, 4050, 1822.5, 0].forEach((c, t) => expectClose(tr.gpu.C[t], c, 1e-12, 1e-9));
    [0, 750, 450, 202.5, 0].forEach((l, t) => expectClose(tr.gpu.failure[t], l, 1e-12, 1e-9));
  });
  it('G: after the reset', () => {
    const tr: Record<string, BookTrace> = {};
    reference(resetG, tr);
    [1000, 675, 405, 124.659, 0].forEach((c, t) => expectClose(tr.gpu.C[t], c, 1e-12, 1e-9));
    expectClose(tr.gpu.Cplus[2], 277.02, 1e-12, 1e-9);
  });
});

// ---- identity: charge_m0 + Σ_k charge_y{k} = carrying_m0 − (S[e] if e < H else C⁺[H]) ----

/** Every book prefix with its trace end; portfolio ends are sums (hardware under the policy, models under their own books). */
function ends(sc: Scenario, tr: Record<string, BookTrace>): Row {
  const out: Row = {};
  const pols = Object.keys(sc.policies);
  for (const a of sc.assets) {
    out[a.name] = tr[a.name].end;
    out.portfolio = (out.portfolio ?? 0) + tr[a.name].end;
    for (const p of pols) {
      const own = a.kind === 'hardware' ? tr[`${a.name}@${p}`].end : tr[a.name].end;
      if (a.kind === 'hardware') out[`${a.name}@${p}`] = own;
      out[`portfolio@${p}`] = (out[`portfolio@${p}`] ?? 0) + own;
    }
  }
  return out;
}
function checkIdentity(sc: Scenario, row: Row, end: Row, label: string) {
  const years = Math.ceil(sc.horizonMonths / 12);
  const scale = sc.assets.reduce((s, a) => s + (a.kind === 'hardware' ? a.units * a.unitCost : a.trainingCost), 0);
  for (const [prefix, e] of Object.entries(end)) {
    let sum = row[`${prefix}.charge_m0`];
    for (let k = 1; k <= years; k++) sum += row[`${prefix}.charge_y${k}`];
    const want = row[`${prefix}.carrying_m0`] - e;
    expect(e, `${label} ${prefix} end`).toBeGreaterThanOrEqual(-1e-8 * scale); // rounding of K0·b against K0·salvage
    expect(Math.abs(sum - want), `${label} ${prefix}: charges ${sum}, carrying_m0 − end ${want}`).toBeLessThanOrEqual(1e-9 * scale);
  }
}
// pathwise, as the reference transcription values it (the identity holds under either valuation; `end` comes from the reference)
const defaultRaw = (): Raw => ({ ...parse(readFileSync(new URL('../scenarios/default.yaml', import.meta.url), 'utf8')), valuation: 'pathwise' });

describe('charge identity per trial', () => {
  it('holds in the kernel and in the reference on random scenarios (prospective policies included)', () => {
    fc.assert(
      fc.property(arbitraryScenario, fc.integer({ min: 0, max: 1e6 }), (raw, seed) => {
        const { scenario, plan, rows } = simulateInline(raw, 3, String(seed));
        for (const row of rows) {
          const tr: Record<string, BookTrace> = {};
          const ref = referenceTrial(scenario, Object.fromEntries(plan.inputs.map((inp) => [inp.name, row[inp.name]])), tr);
          const end = ends(scenario, tr);
          checkIdentity(scenario, ref, end, 'reference');
          checkIdentity(scenario, row, end, 'kernel');
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  }, 120_000);

  it('holds in the kernel on the default scenario (as-if and prospective policies), every book and the portfolio, 400 trials', () => {
    const { scenario, plan, rows } = simulateInline(defaultRaw(), 400, '7');
    for (const [i, row] of rows.entries()) {
      const tr: Record<string, BookTrace> = {};
      const ref = referenceTrial(scenario, Object.fromEntries(plan.inputs.map((inp) => [inp.name, row[inp.name]])), tr);
      const end = ends(scenario, tr);
      checkIdentity(scenario, ref, end, `reference trial ${i}`);
      checkIdentity(scenario, row, end, `kernel trial ${i}`);
    }
  }, 120_000);
});
