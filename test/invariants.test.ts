import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryScenario } from './arbitrary-scenario.ts';
import { simulateInline } from './helpers.ts';
import { recoverable } from '../src/kernel/recoverable.ts';

describe('recoverable amount', () => {
  it('V ≥ S and W ≥ S at every month, W ≥ V where cash flows are not negative (r ≥ 0), V = S at the exit month', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (cf, r) => {
        const H = cf.length - 1;
        const CF = Float64Array.from(cf);
        CF[0] = 0;
        const S = Float64Array.from(cf, (_, t) => 200 * Math.exp(-t / 5));
        const V = new Float64Array(H + 1), W = new Float64Array(H + 1);
        const e = recoverable(CF, S, Math.pow(1 + r, -1 / 12), H, true, V, W);
        for (let t = 0; t <= H; t++) {
          expect(V[t]).toBeGreaterThanOrEqual(S[t]);
          expect(W[t]).toBeGreaterThanOrEqual(S[t]);
        }
        expect(V[e]).toBe(S[e]);
        // W follows the same plan undiscounted: it cannot fall below V unless a later cash flow is negative
        const Vp = new Float64Array(H + 1), Wp = new Float64Array(H + 1), CFp = CF.map(Math.abs);
        recoverable(CFp, S, Math.pow(1 + r, -1 / 12), H, true, Vp, Wp);
        for (let t = 0; t <= H; t++) expect(Wp[t]).toBeGreaterThanOrEqual(Vp[t] - 1e-9 * Math.abs(Vp[t]));
        // without W (IFRS: nothing reads it) the same V and exit
        const Vn = new Float64Array(H + 1);
        expect(recoverable(CF, S, Math.pow(1 + r, -1 / 12), H, true, Vn, null)).toBe(e);
        expect(Vn).toEqual(V);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});

describe('per-trial outputs on random valid scenarios', () => {
  it('write-downs are ≥ 0, cumulative columns never fall, and a first month exists exactly when there is a loss', () => {
    fc.assert(
      fc.property(arbitraryScenario, fc.integer({ min: 0, max: 1e6 }), (raw, seed) => {
        const { scenario, plan, rows } = simulateInline(raw, 20, String(seed));
        const prefixes = new Set(plan.columns.filter((c) => c.name.endsWith('.writedown')).map((c) => c.name.slice(0, -'.writedown'.length)));
        for (const row of rows) {
          for (const p of prefixes) {
            const total = row[`${p}.writedown`];
            expect(total).toBeGreaterThanOrEqual(0);
            let prev = 0;
            for (const t of scenario.testMonths) {
              const cum = row[`${p}.writedown_m${t}`];
              expect(cum).toBeGreaterThanOrEqual(prev);
              expect(cum).toBeLessThanOrEqual(total * (1 + 1e-12) + 1e-9);
              prev = cum;
            }
            const first = row[`${p}.first_impairment_month`];
            if (!p.startsWith('portfolio')) expect(Number.isNaN(first)).toBe(total === 0);
          }
          for (const a of scenario.assets) {
            const e = row[`${a.name}.exit_month`];
            expect(Number.isInteger(e) && e >= 0 && e <= scenario.horizonMonths).toBe(true);
            expect(row[`${a.name}.recoverable_m0`]).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
