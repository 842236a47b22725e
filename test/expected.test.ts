/**
 * Acceptance tests of issue 15: the `expected` valuation of MODEL.md
 * ("Recoverable amount and the option to exit"). Every expectation here is
 * derived from MODEL.md; test 7 recomputes a trial's outputs from the run's
 * files with its own naive transcription of the page (no src/kernel, no
 * src/valuation).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type RunRequest } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { hardware, model } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-expected-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;
/** Write `scenario` as JSON and run it; returns the run directory. */
async function runScenario(scenario: object, opts: Omit<RunRequest, 'scenarioFile'> = {}): Promise<string> {
  const name = `r${runs++}`;
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  const r = await run({ seed: '11', workers: 1, chunkSize: 256, trials: 8, ...opts, scenarioFile: file, out: join(root, name) });
  return r.dir;
}

const readTable = (dir: string, file = 'trials.arrow'): Table => tableFromIPC(readFileSync(join(dir, file)));
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

/** A column as float64, null (NaN written as null) read back as NaN. */
function column(t: Table, name: string): Float64Array {
  const v = t.getChild(name);
  if (!v) throw new Error(`no column ${name}`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    out[i] = x === null ? NaN : Number(x);
  }
  return out;
}
const names = (t: Table) => t.schema.fields.map((f) => f.name);
const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;

/** |a − b| ≤ max(abs, rel·|b|), NaN only against NaN; returns a complaint or null. */
function mismatch(a: number, b: number, rel: number, abs: number): string | null {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? null : `${a} vs ${b}`;
  return Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b)) ? null : `${a} vs ${b} (|diff| ${Math.abs(a - b)})`;
}

/** Cost K of each asset of a resolved scenario (scenario.json). */
const costOf = (a: Record<string, any>): number => (a.kind === 'hardware' ? a.units * a.unitCost : a.trainingCost);

// ---------------------------------------------------------------------------------------------
// 1. every input fixed: both valuations agree

describe('1. every input fixed: expected equals pathwise in every column', () => {
  const assets = [
    // a cohort with a generation shock ahead (first successor at age 20, then every 14 months), failures, power, opex and resale:
    // it cascades through three tiers and is sold before the horizon
    hardware({
      name: 'cohort', units: 100, unitCost: 30000, ageMonths: 10, powerKw: 1.2, opexPerUnitMonth: 100, disposalCost: 0.05,
      rentalPrice: 1.6, priceCompression: 0.3, firstSupersededAge: 20, cadenceMonths: 14, generationShock: 0.3,
      utilization: [0.85, 0.6, 0.3], resaleDecay: 0.3, resaleFloor: 0.05, resaleHaircut: 0.15, failureRate: 0.08, powerPrice: 0.09, pue: 1.2,
    }),
    // acquired now: npv
    hardware({
      name: 'fresh', units: 10, unitCost: 25000, ageMonths: 0, powerKw: 1, opexPerUnitMonth: 80, disposalCost: 0.05,
      rentalPrice: 2.2, priceCompression: 0.25, firstSupersededAge: 16, cadenceMonths: 18, generationShock: 0.25,
      utilization: [0.9, 0.5], resaleDecay: 0.25, resaleFloor: 0.05, resaleHaircut: 0.1, failureRate: 0.05, powerPrice: 0.08, pue: 1.3,
    }),
    // a capitalized model already live, and one released now (npv)
    model({ name: 'live', trainingCost: 50e6, releaseMonth: -2, accounting: { treatment: 'capitalized', amortizationMonths: 36 }, lifespanMonths: 9, peakMonthlyRevenue: 6e6, tokenPriceCompression: 0.6, tailFraction: 0.1, servingCostRatio: 0.4 }),
    model({ name: 'launch', trainingCost: 20e6, releaseMonth: 0, accounting: { treatment: 'capitalized', amortizationMonths: 24 }, lifespanMonths: 7, peakMonthlyRevenue: 2e6, rampMonths: 2, tokenPriceCompression: 0.5, tailFraction: 0.05, servingCostRatio: 0.3 }),
    // one that cost nothing: fitted relative to $1, it is still worth what it earns
    model({ name: 'free', trainingCost: 0, releaseMonth: -1, accounting: { treatment: 'expensed' }, lifespanMonths: 10, peakMonthlyRevenue: 1e6, tokenPriceCompression: 0.4, tailFraction: 0.1, servingCostRatio: 0.5 }),
  ];
  for (const standard of ['ifrs', 'usgaap'] as const) {
    it(`${standard}: trials.arrow and paths.arrow agree to 1e-9 relative`, async () => {
      const sc = { horizonMonths: 60, standard, testMonths: [0, 12, 24, 36, 48], calibrationTrials: 16, assets };
      const exp = await runScenario({ ...sc, valuation: 'expected' }, { trials: 4 });
      const pw = await runScenario({ ...sc, valuation: 'pathwise' }, { trials: 4 });
      const abs = 1e-9 * Math.max(...readJson(exp, 'scenario.json').assets.map(costOf));
      for (const file of ['trials.arrow', 'paths.arrow']) {
        const a = readTable(exp, file), b = readTable(pw, file);
        expect(names(a)).toEqual(names(b));
        expect(a.numRows).toBe(b.numRows);
        const bad: string[] = [];
        for (const name of names(a)) {
          const x = column(a, name), y = column(b, name);
          for (let i = 0; i < x.length; i++) {
            const m = mismatch(x[i], y[i], 1e-9, abs);
            if (m) bad.push(`${file} ${name}[${i}]: expected ${m} pathwise`);
          }
        }
        expect(bad).toEqual([]);
      }
      // the case is not vacuous: the cohort is sold before the horizon, and something is written down
      const t = readTable(exp);
      expect(column(t, 'cohort.exit_month')[0]).toBeLessThan(60);
      expect(column(t, 'portfolio.writedown')[0]).toBeGreaterThan(0);
      expect(Number.isFinite(column(t, 'fresh.npv')[0]) && Number.isFinite(column(t, 'launch.npv')[0])).toBe(true);
      expect(column(t, 'free.recoverable_m0')[0]).toBeGreaterThan(1e6);
    }, 30_000);
  }
});

// ---------------------------------------------------------------------------------------------
// 2. non-anticipation

describe('2. non-anticipation: only what is unobservable at t = 0 varies', () => {
  const uniform = (min: number, max: number) => ({ dist: 'uniform', min, max });
  const assets = [
    // at age 6, with the next generation at 8..30: g(ageMonths) = 0, so the shock, the cadence, the haircut and the later tiers'
    // utilization are all still ahead; priceCompression is a rate left out of the fit at t = 0 (price[0] = rentalPrice)
    hardware({
      name: 'gpu', units: 100, unitCost: 30000, ageMonths: 6, powerKw: 1.2, opexPerUnitMonth: 100, disposalCost: 0.05,
      rentalPrice: 3, priceCompression: uniform(0.1, 0.5), firstSupersededAge: uniform(8, 30), cadenceMonths: uniform(12, 24),
      generationShock: { dist: 'pert', min: 0.1, mode: 0.2, max: 0.4 }, utilization: [0.8, uniform(0.5, 0.7), uniform(0.2, 0.4)],
      resaleDecay: 1.2, resaleFloor: 0.05, resaleHaircut: uniform(0.05, 0.25), failureRate: 0.08, powerPrice: 0.08, pue: 1.2,
    }),
    // released now: R[0] = 0, so nothing about it is observable at t = 0 (x4, x5 are left out at t = 0)
    model({
      name: 'llm', trainingCost: 120e6, releaseMonth: 0, accounting: { treatment: 'capitalized', amortizationMonths: 24 },
      lifespanMonths: uniform(3, 18), peakMonthlyRevenue: { dist: 'lognormal', median: 8e6, sigma: 0.5 },
      tokenPriceCompression: uniform(0.4, 0.8), tailFraction: uniform(0.05, 0.2), servingCostRatio: uniform(0.3, 0.6),
    }),
  ];
  for (const standard of ['ifrs', 'usgaap'] as const) {
    it(`${standard}: recoverable_m0 and writedown_m0 are the same in every trial (relative spread < 1e-12)`, async () => {
      const dir = await runScenario({ horizonMonths: 48, standard, testMonths: [0, 12, 24, 36], calibrationTrials: 512, assets }, { trials: 200, chunkSize: 64 });
      const t = readTable(dir);
      // the inputs do vary
      expect(new Set(column(t, 'gpu.firstSupersededAge')).size).toBe(200);
      expect(new Set(column(t, 'llm.lifespanMonths')).size).toBe(200);
      for (const a of ['gpu', 'llm']) {
        for (const out of ['recoverable_m0', 'writedown_m0']) {
          const x = column(t, `${a}.${out}`);
          const lo = Math.min(...x), hi = Math.max(...x);
          expect(Number.isFinite(lo) && Number.isFinite(hi), `${a}.${out}`).toBe(true);
          expect(hi - lo, `${a}.${out}: ${lo} .. ${hi}`).toBeLessThanOrEqual(1e-12 * Math.abs(mean(x)));
        }
        expect(column(t, `${a}.recoverable_m0`)[0]).toBeGreaterThan(0);
      }
      // both write down at t = 0 (book above the value in use), so writedown_m0 is a real test
      expect(column(t, 'gpu.writedown_m0')[0]).toBeGreaterThan(0);
      expect(column(t, 'llm.writedown_m0')[0]).toBeGreaterThan(0);
      // while the values at 12 differ between trials (by then part of the future is known), and the exit month varies
      expect(new Set([...column(t, 'gpu.recoverable_m12')].filter(Number.isFinite)).size).toBeGreaterThan(50);
      expect(new Set(column(t, 'llm.recoverable_m12')).size).toBeGreaterThan(50);
      expect(new Set(column(t, 'gpu.exit_month')).size).toBeGreaterThan(2);
    }, 30_000);
  }
});

// ---------------------------------------------------------------------------------------------
// 3. known answer

describe('3. known answer: next generation at age 6 or 30, rent to zero, no resale', () => {
  // one unit bought now, rent 730·u·rentalPrice a month while g = 0, nothing else; disposalCost 1 makes S = 0 at every t
  // (with resaleHaircut 1 alone, S[0] = unitCost before the shift), so the holder never gains by selling
  const CALIBRATION = 131_072;
  const H = 36, r = 0.1, rent = 730 * 1 * 1.5;
  const d = Math.pow(1 + r, -1 / 12);
  /** discounted rent received in months from+1 .. A−1 (g = 0 while age < A), valued at `from` */
  const value = (A: number, from: number) => {
    let v = 0;
    for (let t = from + 1; t < A; t++) v += Math.pow(d, t - from) * rent;
    return v;
  };
  const vEarly = value(6, 0), vLate = value(30, 0), vLate12 = value(30, 12);

  it(`recoverable_m0 within 0.5 % of ½·V(early) + ½·V(late), and recoverable_m12 of each branch (${CALIBRATION} calibration trials)`, async () => {
    const scenario = {
      horizonMonths: H, discountRate: r, testMonths: [0, 12], calibrationTrials: CALIBRATION,
      assets: [hardware({
        name: 'gpu', units: 1, unitCost: 1000, ageMonths: 0, disposalCost: 1, rentalPrice: 1.5, utilization: [1],
        firstSupersededAge: { dist: 'discrete', values: [6, 30], weights: [1, 1] }, cadenceMonths: 12, generationShock: 1,
        resaleFloor: 0, resaleHaircut: 1, resaleDecay: 0.5,
      })],
    };
    const dir = await runScenario(scenario, { trials: 400, chunkSize: 200 });
    const t = readTable(dir);
    const v0 = column(t, 'gpu.recoverable_m0'), v12 = column(t, 'gpu.recoverable_m12');
    const fsa = column(t, 'gpu.firstSupersededAge'), exit = column(t, 'gpu.exit_month');
    const target = 0.5 * vEarly + 0.5 * vLate;
    console.log(`known answer: V(early) ${vEarly.toFixed(2)}, V(late) ${vLate.toFixed(2)}, ½·½ ${target.toFixed(2)}; recoverable_m0 ${v0[0].toFixed(2)} (${((v0[0] / target - 1) * 100).toFixed(3)} %)`);
    for (let i = 0; i < v0.length; i++) expect(Math.abs(v0[i] / target - 1), `trial ${i}: recoverable_m0 ${v0[i]}`).toBeLessThan(0.005);
    // the draws hold both branches
    const early = [...fsa].filter((a) => a === 6).length;
    expect(early).toBeGreaterThan(100);
    expect(fsa.length - early).toBeGreaterThan(100);
    const tol = 0.005 * vLate12;
    for (let i = 0; i < v12.length; i++) {
      if (fsa[i] === 30) {
        expect(Math.abs(v12[i] / vLate12 - 1), `late trial ${i}: recoverable_m12 ${v12[i]} vs ${vLate12}`).toBeLessThan(0.005);
        expect(exit[i]).toBeGreaterThanOrEqual(29); // held while it earns (the last rent is CF[29]: at 29 nothing is left)
      } else {
        expect(fsa[i]).toBe(6);
        // nothing left to earn: sold (exit month 6..12, then NaN at 12) or held at a value near 0
        if (Number.isNaN(v12[i])) expect(exit[i], `early trial ${i}`).toBeLessThan(12);
        else expect(Math.abs(v12[i]), `early trial ${i}: recoverable_m12 ${v12[i]}`).toBeLessThanOrEqual(tol);
        expect(exit[i]).toBeGreaterThanOrEqual(6); // never sold while it still earns (S = 0 < Ĉ)
      }
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// 4. foresight can only help

describe('4. acquired now: realized npv under expected ≤ pathwise V[0] − K', () => {
  const uniform = (min: number, max: number) => ({ dist: 'uniform', min, max });
  const pert = (min: number, mode: number, max: number) => ({ dist: 'pert', min, mode, max });
  const scenario = {
    horizonMonths: 60, standard: 'usgaap', testMonths: [0, 12, 24, 36, 48], calibrationTrials: 4096,
    assets: [
      hardware({
        name: 'gpu', units: 1000, unitCost: 30000, ageMonths: 0, powerKw: 1.3, opexPerUnitMonth: 150, disposalCost: 0.05,
        rentalPrice: pert(1.5, 2.2, 3.5), priceCompression: { dist: 'triangular', min: 0.15, mode: 0.3, max: 0.5 },
        firstSupersededAge: { dist: 'triangular', min: 14, mode: 20, max: 28 }, cadenceMonths: uniform(12, 24), generationShock: pert(0.1, 0.2, 0.4),
        utilization: [pert(0.7, 0.8, 0.9), pert(0.5, 0.65, 0.75), pert(0.15, 0.3, 0.45)], resaleDecay: pert(0.15, 0.25, 0.4),
        resaleFloor: uniform(0.03, 0.1), resaleHaircut: pert(0.05, 0.15, 0.25), failureRate: pert(0.05, 0.09, 0.12), powerPrice: pert(0.06, 0.08, 0.13), pue: pert(1.1, 1.2, 1.4),
      }),
      model({
        name: 'llm', trainingCost: 200e6, releaseMonth: 0, accounting: { treatment: 'capitalized', amortizationMonths: 36 },
        lifespanMonths: pert(4, 9, 18), peakMonthlyRevenue: { dist: 'lognormal', median: 30e6, sigma: 0.5 },
        tokenPriceCompression: uniform(0.5, 0.8), tailFraction: uniform(0.05, 0.2), servingCostRatio: uniform(0.3, 0.6),
      }),
    ],
  };
  const dirs: Record<string, string> = {};

  it('mean expected npv ≤ mean pathwise recoverable_m0 − K, for each asset and trial by trial', async () => {
    dirs.expected = await runScenario({ ...scenario, valuation: 'expected' }, { trials: 2000, chunkSize: 500, workers: 2 });
    dirs.pathwise = await runScenario({ ...scenario, valuation: 'pathwise' }, { trials: 2000, chunkSize: 500, workers: 2 });
    const e = readTable(dirs.expected), p = readTable(dirs.pathwise);
    // same seed, same trials: the calibration draws come from a stream of their own
    for (const name of names(p).filter((n) => /\.(rentalPrice|lifespanMonths|utilization\.1)$/.test(n))) expect(Array.from(column(e, name))).toEqual(Array.from(column(p, name)));
    const sc = readJson(dirs.expected, 'scenario.json');
    for (const a of sc.assets) {
      const K = costOf(a);
      const npv = column(e, `${a.name}.npv`), v0 = column(p, `${a.name}.recoverable_m0`), pnpv = column(p, `${a.name}.npv`);
      expect(npv.every(Number.isFinite)).toBe(true);
      const bound = v0.map((v) => v - K);
      for (let i = 0; i < bound.length; i++) expect(pnpv[i], 'pathwise npv = V[0] − K').toBeCloseTo(bound[i], 0);
      const gap = mean(bound) - mean(npv);
      console.log(`${a.name}: mean expected npv ${mean(npv).toExponential(6)}, mean pathwise V[0] − K ${mean(bound).toExponential(6)}, foresight gap ${gap.toExponential(4)} (${((gap / K) * 100).toFixed(3)} % of K)`);
      expect(mean(npv)).toBeLessThanOrEqual(mean(bound) + 1e-9 * K);
      // per trial too: the pathwise V[0] is the best any exit rule can realize on that path
      const worse = [...npv].filter((v, i) => v > bound[i] + 1e-9 * Math.max(K, Math.abs(bound[i])));
      expect(worse.length, `${a.name}: trials where the rule beats foresight`).toBe(0);
    }
  }, 60_000);

  it('valuation.json layout (usgaap: betaU and r2U present)', () => {
    checkLayout(readJson(dirs.expected, 'valuation.json'), readJson(dirs.expected, 'scenario.json'), '11');
    expect(existsSync(join(dirs.pathwise, 'valuation.json'))).toBe(false); // written by expected runs
  });
});

/** MODEL.md's valuation.json layout. */
function checkLayout(v: any, sc: any, seed: string): void {
  for (const k of ['valuation', 'calibrationTrials', 'seed', 'assets']) expect(v, k).toHaveProperty(k);
  expect(v.valuation).toBe('expected');
  expect(v.calibrationTrials).toBe(sc.calibrationTrials);
  expect(String(v.seed)).toBe(seed);
  expect(Object.keys(v.assets)).toEqual(sc.assets.map((a: any) => a.name));
  const H = sc.horizonMonths, usgaap = sc.standard === 'usgaap';
  for (const [name, months] of Object.entries<any[]>(v.assets)) {
    expect(months, name).toHaveLength(H);
    months.forEach((m, t) => {
      const where = `${name} t=${t}`;
      expect(m.t, where).toBe(t);
      expect(Number.isInteger(m.trials) && m.trials > 0 && m.trials <= v.calibrationTrials, where).toBe(true);
      expect(m.mean, where).toHaveLength(5);
      expect(m.scale, where).toHaveLength(5);
      for (const x of [...m.mean, ...m.scale]) expect(typeof x === 'number' && Number.isFinite(x), where).toBe(true);
      expect(m.scale.every((s: number) => s >= 0), where).toBe(true);
      if (t === 0) expect([m.scale[3], m.scale[4]], `${where}: x4, x5 are left out at t = 0`).toEqual([0, 0]);
      expect(m.basis[0], where).toBe('1');
      for (const b of m.basis.slice(1)) {
        const f = /^x([1-5])(?:\*x([1-5]))?$/.exec(b);
        expect(f, `${where}: basis name ${b}`).not.toBeNull();
        const i = Number(f![1]), j = f![2] === undefined ? i : Number(f![2]);
        expect(i <= j, `${where}: ${b} has i ≤ j`).toBe(true);
        expect(m.scale[i - 1] > 0 && m.scale[j - 1] > 0, `${where}: ${b} uses a dropped feature`).toBe(true);
      }
      expect(new Set(m.basis).size, where).toBe(m.basis.length);
      expect(m.basis.length, where).toBeLessThanOrEqual(21);
      expect(m.beta, where).toHaveLength(m.basis.length);
      expect(m.beta.every(Number.isFinite), where).toBe(true);
      expect(typeof m.r2, where).toBe('number');
      expect('betaU' in m, where).toBe(usgaap);
      expect('r2U' in m, where).toBe(usgaap);
      if (usgaap) {
        expect(m.betaU, where).toHaveLength(m.basis.length);
        expect(typeof m.r2U, where).toBe('number');
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// 5. convergence on the default scenario

describe('5. convergence on scenarios/default.yaml', () => {
  /**
   * The criterion, |Δ mean recoverable_m0| < 0.5 % of cost, is below the calibration's own Monte Carlo
   * noise for `frontier-mini`: released at 0, it has no feature with spread at t = 0 (R[0] = 0, x4 and x5 left out),
   * so its basis at t = 0 is "1" and Ĉ[0] is the plain calibration mean of its realized value, whose sd is ~9 × its
   * cost (trainingCost 0.5 M$ against revenue ~1.5 M$ a month). The 16,384 draws are the first of the 65,536 (same
   * stream, chunks of 4,096), so sd(Δ) = σ·√(1/16384 − 1/65536) ≈ 6 % of cost: no estimator of this
   * mean can meet 0.5 %. Such an asset (t = 0 basis "1", acquired now so σ is estimable from its npv) is held to
   * 3 sd(Δ) instead, and reported; every other asset to the 0.5 % of cost.
   */
  it('16,384 vs 65,536 calibration trials move mean recoverable_m0 of each asset by < 0.5 % of its cost (or 3 sd of the calibration mean where that is larger)', async () => {
    const raw = parse(readFileSync(DEFAULT_SCENARIO, 'utf8'));
    const N1 = 16_384, N2 = 65_536;
    const t0 = performance.now();
    const small = await runScenario({ ...raw, calibrationTrials: N1 }, { trials: 2000, chunkSize: 1000, workers: 2, seed: '5' });
    const t1 = performance.now();
    const large = await runScenario({ ...raw, calibrationTrials: N2 }, { trials: 2000, chunkSize: 1000, workers: 2, seed: '5' });
    const t2 = performance.now();
    console.log(`convergence runs: ${N1} calibration trials ${((t1 - t0) / 1000).toFixed(1)} s, ${N2} ${((t2 - t1) / 1000).toFixed(1)} s`);
    const a = readTable(small), b = readTable(large);
    const sc = readJson(small, 'scenario.json');
    const va = readJson(small, 'valuation.json'), vb = readJson(large, 'valuation.json');
    expect(sc.valuation).toBe('expected');
    let strict = 0;
    for (const asset of sc.assets) {
      const K = costOf(asset);
      const ma = mean(column(a, `${asset.name}.recoverable_m0`)), mb = mean(column(b, `${asset.name}.recoverable_m0`));
      const moved = Math.abs(ma - mb) / K;
      let line = `${asset.name}: mean recoverable_m0 ${ma.toExponential(6)} vs ${mb.toExponential(6)}: moved ${(moved * 100).toFixed(4)} % of cost`;
      if (moved >= 0.005) {
        // only a plain calibration mean may fall back to its noise floor
        expect(va.assets[asset.name][0].basis, `${asset.name} moved ${moved * 100} % of cost`).toEqual(['1']);
        expect(vb.assets[asset.name][0].basis).toEqual(['1']);
        const npv = column(b, `${asset.name}.npv`);
        expect(npv.every(Number.isFinite), `${asset.name} moved ${moved * 100} % of cost and is not acquired now`).toBe(true);
        const m = mean(npv), sigma = Math.sqrt(npv.reduce((s, v) => s + (v - m) ** 2, 0) / (npv.length - 1));
        const sdDelta = sigma * Math.sqrt(1 / N1 - 1 / N2);
        line += ` > 0.5 %: a plain calibration mean, sd of its realized value ${(sigma / K).toFixed(2)} × cost, sd(Δ) ${((sdDelta / K) * 100).toFixed(2)} % of cost; held to 3 sd(Δ)`;
        expect(Math.abs(ma - mb), asset.name).toBeLessThan(3 * sdDelta);
      } else strict++;
      console.log(line);
    }
    expect(strict).toBeGreaterThanOrEqual(sc.assets.length - 1); // the exception is frontier-mini's alone
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------
// 6. reproducibility of the calibration

describe('6. valuation.json and columns do not depend on workers, chunk size or trials', () => {
  const raw = { ...parse(readFileSync(DEFAULT_SCENARIO, 'utf8')), calibrationTrials: 1024 };
  const dirs: string[] = [];

  it('workers 1 and 2: valuation.json and every column byte-identical', async () => {
    dirs.push(await runScenario(raw, { trials: 2000, chunkSize: 500, workers: 1, seed: '9' }));
    dirs.push(await runScenario(raw, { trials: 2000, chunkSize: 500, workers: 2, seed: '9' }));
    expect(readFileSync(join(dirs[1], 'valuation.json'), 'utf8')).toBe(readFileSync(join(dirs[0], 'valuation.json'), 'utf8'));
    const a = readTable(dirs[0]), b = readTable(dirs[1]);
    expect(names(b)).toEqual(names(a));
    expect(names(a).some((n) => n.endsWith('.recoverable_m12'))).toBe(true);
    for (const name of names(a)) {
      const x = column(a, name), y = column(b, name);
      expect(Buffer.from(y.buffer).equals(Buffer.from(x.buffer)), name).toBe(true);
      expect(b.getChild(name)!.nullCount, name).toBe(a.getChild(name)!.nullCount);
    }
  }, 60_000);

  it('2,000 trials in chunks of 500 vs 3,000 in chunks of 1,024: the same valuation.json text', async () => {
    const other = await runScenario(raw, { trials: 3000, chunkSize: 1024, workers: 2, seed: '9' });
    expect(readFileSync(join(other, 'valuation.json'), 'utf8')).toBe(readFileSync(join(dirs[0], 'valuation.json'), 'utf8'));
    // and a different seed gives a different calibration
    const seed10 = await runScenario(raw, { trials: 16, workers: 1, seed: '10' });
    expect(readFileSync(join(seed10, 'valuation.json'), 'utf8')).not.toBe(readFileSync(join(dirs[0], 'valuation.json'), 'utf8'));
  }, 60_000);

  it('valuation.json layout (ifrs: no betaU, no r2U)', () => {
    checkLayout(readJson(dirs[0], 'valuation.json'), readJson(dirs[0], 'scenario.json'), '9');
  });
});

// ---------------------------------------------------------------------------------------------
// 7. a trial recomputed from scenario.json, valuation.json and its row alone

type Row = Record<string, number>;
interface MonthFit { t: number; mean: number[]; scale: number[]; basis: string[]; beta: number[] }

/** Ĉ per unit of the norm: Σ_k beta[k]·φ_k(z), z_i = (x_i − mean[i]) / scale[i], "xi*xj" a product. */
function fittedValue(m: MonthFit, x: number[]): number {
  const z = x.map((v, i) => (m.scale[i] > 0 ? (v - m.mean[i]) / m.scale[i] : NaN)); // a dropped feature must not be used
  let sum = 0;
  m.basis.forEach((name, k) => {
    const phi = name === '1' ? 1 : name.split('*').reduce((p, f) => p * z[Number(f.slice(1)) - 1], 1);
    sum += m.beta[k] * phi;
  });
  if (Number.isNaN(sum)) throw new Error(`t=${m.t}: the basis uses a dropped feature`);
  return sum;
}

/**
 * Every output MODEL.md defines for one asset of one trial under the expected valuation, IFRS, own policy
 * (straight-line for a cohort, capitalized for a model): exit_month, recoverable_m{t}, npv, writedown, writedown_m{t}.
 */
function recompute(sc: any, fits: MonthFit[], a: any, row: Row): Row {
  const H: number = sc.horizonMonths, d = Math.pow(1 + sc.discountRate, -1 / 12);
  const x = (k: string) => {
    const v = row[`${a.name}.${k}`];
    if (v === undefined) throw new Error(`no input column ${a.name}.${k}`);
    return v;
  };
  const T = Array.from({ length: H + 1 }, (_, t) => t);
  let CF: number[], S: number[], M: number[], n: number[], norm: number, features: (t: number) => number[];
  let K0: number, B: (t: number) => number, salvage: number, f: (t: number) => number;
  const K = costOf(a);
  let acquiredNow: boolean;
  if (a.kind === 'hardware') {
    const tiers = a.utilization.length;
    const fsa = x('firstSupersededAge'), cad = x('cadenceMonths');
    const g = (age: number) => (age < fsa ? 0 : 1 + Math.floor((age - fsa) / cad));
    const age = (t: number) => a.ageMonths + t;
    n = T.map((t) => a.units * Math.pow(1 - x('failureRate'), age(t) / 12));
    const price = (t: number) => x('rentalPrice') * Math.pow(1 - x('priceCompression'), t / 12) * Math.pow(1 - x('generationShock'), g(age(t)) - g(a.ageMonths));
    const u = (t: number) => x(`utilization.${Math.min(g(age(t)), tiers - 1)}`);
    const cf = (t: number) => 730 * u(t) * price(t) - 730 * a.powerKw * (a.idlePowerFraction + (1 - a.idlePowerFraction) * u(t)) * x('pue') * x('powerPrice') - a.opexPerUnitMonth;
    CF = T.map((t) => (t === 0 ? 0 : n[t] * cf(t)));
    const rho = (ag: number) => (x('resaleFloor') + (1 - x('resaleFloor')) * Math.exp((-x('resaleDecay') * ag) / 12)) * Math.pow(1 - x('resaleHaircut'), g(ag));
    M = T.map((t) => n[t] * a.unitCost * rho(age(t)));
    S = M.map((m) => m * (1 - a.disposalCost));
    features = (t) => {
      const gt = g(age(t)), shipAge = gt === 0 ? 0 : fsa + (gt - 1) * cad;
      return [S[t] / (n[t] * a.unitCost), (12 * cf(t)) / a.unitCost, (age(t) - shipAge) / 12, x('priceCompression'), x('failureRate')];
    };
    norm = NaN;
    acquiredNow = a.ageMonths === 0;
    K0 = n[0] * a.unitCost;
    const L = a.policy.usefulLifeMonths;
    expect(a.policy.method).toBe('straight-line');
    salvage = K0 * a.policy.salvagePct;
    B = (t) => (age(t) >= L ? salvage : K0 - ((K0 - salvage) * age(t)) / L);
    f = (t) => n[t] / n[0];
  } else {
    const s = a.releaseMonth + x('lifespanMonths');
    expect(a.parent ?? null).toBeNull();
    const R = (t: number) => {
      const alpha = t - a.releaseMonth;
      return alpha <= 0 ? 0 : x('peakMonthlyRevenue') * Math.min(1, alpha / a.rampMonths) * Math.pow(1 - x('tokenPriceCompression'), alpha / 12) * (t <= s ? 1 : x('tailFraction'));
    };
    CF = T.map((t) => (t === 0 ? 0 : R(t) * (1 - x('servingCostRatio'))));
    S = T.map(() => 0);
    M = S;
    n = T.map(() => 1);
    features = (t) => [(12 * R(t)) / norm, t > s ? 1 : 0, (t - a.releaseMonth) / 12, x('tokenPriceCompression'), x('servingCostRatio')];
    norm = a.trainingCost > 0 ? a.trainingCost : 1; // README: a model that cost nothing is fitted relative to $1
    acquiredNow = a.releaseMonth >= 0;
    expect(a.accounting.treatment).toBe('capitalized');
    const L = a.accounting.amortizationMonths;
    K0 = a.trainingCost;
    salvage = 0;
    B = (t) => {
      const ag = t - a.releaseMonth;
      return ag <= 0 ? K0 : ag >= L ? 0 : K0 - (K0 * ag) / L;
    };
    f = () => 1;
  }
  // the fitted rule, month by month
  const V: number[] = [];
  let e = H;
  for (let t = 0; t < H; t++) {
    const scale = a.kind === 'hardware' ? n[t] * a.unitCost : norm;
    const C = scale > 0 ? scale * fittedValue(fits[t], features(t)) : 0;
    V[t] = Math.max(S[t], C);
    if (a.kind === 'hardware' && S[t] >= C) {
      e = t;
      break;
    }
  }
  if (e === H) V[H] = S[H];
  const out: Row = { exit_month: e };
  for (const t of [0, ...sc.testMonths.filter((m: number) => m > 0)]) out[`recoverable_m${t}`] = t <= e ? V[t] : NaN;
  let realized = 0;
  for (let t = 1; t <= e; t++) realized += Math.pow(d, t) * CF[t];
  realized += Math.pow(d, e) * S[e];
  out.npv = acquiredNow ? realized - K : NaN;
  // IFRS impairment with reset, own policy
  let sal = salvage, kappa = 1;
  const loss: number[] = [];
  for (let t = 0; t <= e; t++) {
    const c = f(t) * (sal + kappa * (B(t) - salvage));
    let l = 0;
    if (t === e && e < H) l = Math.max(0, c - S[e]);
    else if (sc.testMonths.includes(t) && c > V[t]) {
      l = c - V[t];
      const xx = (c - l) / f(t);
      sal = Math.min(salvage, xx);
      kappa = B(t) - salvage !== 0 ? (xx - sal) / (B(t) - salvage) : 0;
    }
    loss[t] = l;
  }
  const upTo = (t: number) => loss.slice(0, Math.min(t, e) + 1).reduce((s, l) => s + l, 0);
  out.writedown = upTo(e);
  for (const t of sc.testMonths) out[`writedown_m${t}`] = upTo(t);
  return out;
}

describe('7. a trial recomputed from scenario.json, valuation.json and its row alone', () => {
  const uniform = (min: number, max: number) => ({ dist: 'uniform', min, max });
  const pert = (min: number, mode: number, max: number) => ({ dist: 'pert', min, mode, max });
  const cohort = (name: string, ageMonths: number) => hardware({
    name, units: 500, unitCost: 30000, ageMonths, powerKw: 1.3, opexPerUnitMonth: 150, disposalCost: 0.05, idlePowerFraction: 0.25,
    policy: { method: 'straight-line', usefulLifeMonths: 60, salvagePct: 0.05 },
    rentalPrice: pert(1.2, 2, 3.2), priceCompression: uniform(0.15, 0.5), firstSupersededAge: uniform(8, 30), cadenceMonths: uniform(12, 24),
    generationShock: pert(0.1, 0.2, 0.4), utilization: [pert(0.7, 0.8, 0.9), pert(0.5, 0.65, 0.75), pert(0.15, 0.3, 0.45)],
    resaleDecay: pert(0.15, 0.25, 0.4), resaleFloor: uniform(0.03, 0.1), resaleHaircut: pert(0.05, 0.15, 0.25), failureRate: pert(0.05, 0.09, 0.12),
    powerPrice: pert(0.06, 0.08, 0.13), pue: pert(1.1, 1.2, 1.4),
  });
  const scenario = {
    horizonMonths: 48, discountRate: 0.09, testMonths: [0, 12, 24, 36], calibrationTrials: 2048,
    assets: [
      cohort('new', 0),
      cohort('old', 14),
      model({
        name: 'llm', trainingCost: 100e6, releaseMonth: 0, rampMonths: 2, accounting: { treatment: 'capitalized', amortizationMonths: 36 },
        lifespanMonths: pert(4, 9, 18), peakMonthlyRevenue: { dist: 'lognormal', median: 12e6, sigma: 0.5 },
        tokenPriceCompression: uniform(0.5, 0.8), tailFraction: uniform(0.05, 0.2), servingCostRatio: uniform(0.3, 0.6),
      }),
      // a model that cost nothing: valuation.json's coefficients are relative to $1
      model({
        name: 'free', trainingCost: 0, releaseMonth: -3, accounting: { treatment: 'capitalized', amortizationMonths: 24 },
        lifespanMonths: pert(3, 6, 12), peakMonthlyRevenue: { dist: 'lognormal', median: 2e6, sigma: 0.4 },
        tokenPriceCompression: uniform(0.4, 0.7), tailFraction: uniform(0.05, 0.2), servingCostRatio: uniform(0.3, 0.6),
      }),
    ],
  };

  it('exit_month, recoverable_m{t}, npv and IFRS writedowns of every trial to 1e-9 relative', async () => {
    const dir = await runScenario(scenario, { trials: 64, chunkSize: 32 });
    const sc = readJson(dir, 'scenario.json');
    const val = readJson(dir, 'valuation.json');
    const t = readTable(dir);
    expect(sc.standard).toBe('ifrs');
    const cols = Object.fromEntries(names(t).map((n) => [n, column(t, n)]));
    const bad: string[] = [];
    let exits = 0, writedowns = 0;
    for (let i = 0; i < t.numRows; i++) {
      const row: Row = Object.fromEntries(Object.entries(cols).map(([n, c]) => [n, c[i]]));
      for (const a of sc.assets) {
        const want = recompute(sc, val.assets[a.name], a, row);
        for (const [k, v] of Object.entries(want)) {
          const got = row[`${a.name}.${k}`];
          expect(got, `${a.name}.${k}`).toBeDefined();
          const m = mismatch(got, v, 1e-9, 1e-9 * costOf(a));
          if (m) bad.push(`trial ${i} ${a.name}.${k}: got ${m} recomputed`);
        }
        if (want.exit_month < sc.horizonMonths) exits++;
        if (want.writedown > 0) writedowns++;
      }
    }
    expect(bad).toEqual([]);
    // not vacuous: some cohorts are sold before the horizon and some assets written down
    expect(exits).toBeGreaterThan(0);
    expect(writedowns).toBeGreaterThan(0);
  }, 30_000);
});

// ---------------------------------------------------------------------------------------------
// a model that cost nothing (README "Definitions the model leaves open")

describe('a model that cost nothing is fitted relative to $1', () => {
  const uniform = (min: number, max: number) => ({ dist: 'uniform', min, max });
  const scenario = (trainingCost: number) => ({
    horizonMonths: 36, testMonths: [0, 12], calibrationTrials: 1024,
    assets: [model({
      name: 'llm', trainingCost, releaseMonth: -2, accounting: { treatment: 'expensed' },
      lifespanMonths: uniform(4, 14), peakMonthlyRevenue: { dist: 'lognormal', median: 3e6, sigma: 0.5 },
      tokenPriceCompression: uniform(0.4, 0.8), tailFraction: uniform(0.05, 0.2), servingCostRatio: uniform(0.3, 0.6),
    })],
  });
  const recoverable = (dir: string) => ['llm.recoverable_m0', 'llm.recoverable_m12'].map((n) => column(readTable(dir), n));

  it('recoverable amounts: bit for bit those of a $1 model, and those of any cost to rounding', async () => {
    const [free, one, big] = await Promise.all([0, 1, 250e6].map((c) => runScenario(scenario(c), { trials: 64 })));
    const [a, b, c] = [free, one, big].map(recoverable);
    expect(a).toEqual(b);
    const bad: string[] = [];
    a.forEach((col, k) => col.forEach((v, i) => {
      const m = mismatch(v, c[k][i], 1e-9, 0);
      if (m) bad.push(`column ${k} trial ${i}: ${m}`);
    }));
    expect(bad).toEqual([]);
    // not vacuous: the fit varies from trial to trial, and is the value of a model that earns
    expect(new Set(a[1]).size).toBeGreaterThan(10);
    expect(Math.min(...a[0])).toBeGreaterThan(1e6);
  }, 30_000);
});

describe('few calibration trials', () => {
  const scenario = (calibrationTrials: number, valuation = 'expected') => ({
    horizonMonths: 24, testMonths: [0, 12], calibrationTrials, valuation,
    assets: [hardware({ name: 'gpu', rentalPrice: { dist: 'uniform', min: 1, max: 3 } })],
  });
  const warnings = (dir: string): string[] => readJson(dir, 'manifest.json').warnings;

  it('warn below 4,096 under expected, and never under pathwise', async () => {
    const [few, enough, pathwise] = await Promise.all([runScenario(scenario(4095)), runScenario(scenario(4096)), runScenario(scenario(16, 'pathwise'))]);
    expect(warnings(few)).toEqual([expect.stringMatching(/^4,095 calibration trials over-fit the expected valuation's regressions .* use 4,096 or more/)]);
    expect(warnings(enough)).toEqual([]);
    expect(warnings(pathwise)).toEqual([]);
  }, 30_000);
});

describe('a feature whose spread underflows', () => {
  it('is dropped, as valuation.json marks it (scale 0), not kept with a scale of 0', async () => {
    const dir = await runScenario({
      horizonMonths: 24, testMonths: [0, 12], calibrationTrials: 256,
      assets: [model({
        name: 'tiny', trainingCost: 1e8, releaseMonth: -2, accounting: { treatment: 'expensed' },
        lifespanMonths: { dist: 'uniform', min: 4, max: 14 }, peakMonthlyRevenue: { dist: 'uniform', min: 1e-170, max: 3e-170 },
        tokenPriceCompression: { dist: 'uniform', min: 0.4, max: 0.8 }, tailFraction: 0.1, servingCostRatio: 0.5,
      })],
    }, { trials: 16 });
    const months: { scale: number[]; basis: string[] }[] = readJson(dir, 'valuation.json').assets.tiny;
    const bad = months.flatMap((m, t) => m.scale.flatMap((s, i) => (s === 0 && m.basis.some((b) => b.split('*').includes(`x${i + 1}`)) ? [`t ${t}: x${i + 1} kept with scale 0`] : [])));
    expect(bad).toEqual([]);
    // not vacuous: the supersession feature x2 still varies and is kept
    expect(months.some((m) => m.basis.includes('x2'))).toBe(true);
  }, 30_000);
});
