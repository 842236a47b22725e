import { describe, expect, it } from 'vitest';
import { buildPlan } from '../src/plan.ts';
import { loadScenario, DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { allocateFlows } from '../src/kernel/flows.ts';
import { FILL, hardwareFlows } from '../src/kernel/hardware.ts';
import { modelFlows, supersession } from '../src/kernel/model.ts';
import { MD } from '../src/schema.ts';
import { FEATURES, observe } from '../src/valuation/basis.ts';
import { calibrationInputs } from '../src/valuation/calibrate.ts';
import { calibrationPaths } from '../src/valuation/paths.ts';
import { spreads } from '../src/valuation/spread.ts';
import { momentEquations, warmMoments } from '../src/valuation/moments.ts';
import { termOf } from '../src/valuation/rule.ts';

describe('calibration forward pass', () => {
  // not a multiple of the forward pass's block of trials, so the last block is partial
  const plan = { ...buildPlan(loadScenario(DEFAULT_SCENARIO)), calibrationTrials: 333 };
  const inputs = calibrationInputs(plan, '7');
  const N = plan.calibrationTrials;

  it('every asset: CF, S, the norm and the five features of each trial and month, bit for bit as the flows and observe() give them', () => {
    const fl = allocateFlows(plan.H), x = new Float64Array(FEATURES);
    const column = (j: number, i: number) => inputs[j * N + i];
    for (let ai = 0; ai < plan.assets.length; ai++) {
      const a = plan.assets[ai];
      const p = calibrationPaths(plan, ai, inputs);
      // each trial's flows and supersession, straight from the kernel
      const trials = Array.from({ length: N }, (_, i) => {
        const s = new Float64Array(plan.assets.length);
        for (const bi of plan.order) {
          const b = plan.assets[bi];
          if (b.kind === 'model') s[bi] = supersession(b.fixed.releaseMonth, column(b.in[MD.lifespanMonths], i), b.parent >= 0 ? s[b.parent] : Infinity);
        }
        const draws = Float64Array.from(a.in, (j) => column(j, i));
        if (a.kind === 'hardware') hardwareFlows(a.fixed, draws, Float64Array.from(a.utilization, (j) => column(j, i)), plan.H, fl, FILL.observed);
        else modelFlows(a.fixed, draws, s[ai], plan.H, fl, true);
        return { draws, s: s[ai], CF: fl.CF.slice(), S: fl.S.slice(), n: fl.n.slice(), rate: fl.rate.slice(), sinceShip: fl.sinceShip.slice() };
      });
      const wrong: string[] = [];
      const check = (what: string, t: number, i: number, got: number, want: number) => {
        if (!Object.is(got, want) && wrong.length < 5) wrong.push(`${a.name} ${what}[${t}] trial ${i}: ${got} ≠ ${want}`);
      };
      for (let t = 0; t <= plan.H; t++) {
        const CF = p.CF(t), S = p.S(t), norm = p.norm(t), features = p.features(t);
        for (let i = 0; i < N; i++) {
          const tr = trials[i];
          const w = a.kind === 'hardware' ? tr.n[t] * a.fixed.unitCost : a.K;
          check('CF', t, i, CF[i], tr.CF[t]);
          check('S', t, i, S[i], tr.S[t]);
          check('norm', t, i, norm[i], w);
          Object.assign(fl, { n: tr.n, S: tr.S, rate: tr.rate, sinceShip: tr.sinceShip });
          observe(a, fl, tr.draws, tr.s, t, x);
          // a trial out of every fit (norm 0) is never read
          if (w > 0) for (let f = 0; f < FEATURES; f++) check(`x${f + 1}`, t, i, features[f][i], x[f]);
        }
      }
      expect(wrong).toEqual([]);
    }
  });
});

describe('spreads', () => {
  /** One feature alone, the definition: mean, range, squared deviations and whether it has two values at most. */
  function alone(v: Float64Array, norm: Float64Array, trials: number) {
    let sum = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < v.length; i++) if (norm[i] > 0) {
      sum += v[i];
      min = Math.min(min, v[i]);
      max = Math.max(max, v[i]);
    }
    const mean = trials > 0 ? sum / trials : 0;
    let ss = 0, others = 0;
    for (let i = 0; i < v.length; i++) if (norm[i] > 0) {
      ss += (v[i] - mean) * (v[i] - mean);
      if (v[i] !== min && v[i] !== max) others++;
    }
    return { mean, min, max, ss, twoValues: others === 0 };
  }

  it('several features in one pass: each feature\'s figures bit for bit as alone, over the trials with a positive norm', () => {
    const n = 1001;
    let seed = 3;
    const u = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const norm = Float64Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 0 : 1 + u()));
    const trials = norm.filter((w) => w > 0).length;
    const rows = [
      Float64Array.from({ length: n }, () => 1e6 * u() - 3e5),
      Float64Array.from({ length: n }, () => (u() < 0.3 ? 0 : 1)), // two values
      new Float64Array(n).fill(2.5), // no spread
      Float64Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 1e9 : u())), // extreme only where out of the fit
      Float64Array.from({ length: n }, () => -u()),
    ];
    for (const k of [1, 3, 5]) {
      const got = spreads(rows.slice(0, k), norm, trials);
      rows.slice(0, k).forEach((v, f) => expect(got[f], `feature ${f + 1} of ${k}`).toEqual(alone(v, norm, trials)));
    }
    expect(spreads([rows[0]], new Float64Array(n), 0)[0]).toEqual(alone(rows[0], new Float64Array(n), 0));
  });
});

describe('warmMoments', () => {
  it('running the generated loop ahead on dummy trials leaves the sums of a later call as they were', () => {
    const n = 257;
    const features = Array.from({ length: 5 }, (_, f) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * (f + 1))));
    const norm = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 2));
    const Y = Float64Array.from({ length: n }, (_, i) => Math.cos(i)), Yu = Float64Array.from(Y, (y) => 2 * y);
    const mean = Float64Array.of(0.1, 0, 0, 0.2, 0.3), inv = Float64Array.of(1.5, 0, 0, 2, 0.5);
    const names = ['1', 'x1', 'x4', 'x5', 'x1*x1', 'x1*x4', 'x1*x5', 'x4*x4', 'x4*x5', 'x5*x5'];
    const basis = Int32Array.from(names, termOf), p = names.length;
    const solve = () => {
      const G = new Float64Array(p * p), b = new Float64Array(p), bu = new Float64Array(p);
      const { yy, yuyu } = momentEquations({ features, norm, mean, inv, basis }, Y, Yu, G, b, bu);
      return { G, b, bu, yy, yuyu };
    };
    const before = solve();
    warmMoments(inv, true);
    warmMoments(inv, true); // once is enough: the second does nothing
    expect(solve()).toEqual(before);
  });
});
