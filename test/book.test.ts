import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookSchedule, METHOD, unitsOfProductionBook } from '../src/kernel/book.ts';
import { createBookResult, impairment } from '../src/kernel/impairment.ts';

const schedule = (method: keyof typeof METHOD, K: number, salvage: number, L: number, factor: number, age0: number, n: number) => {
  const out = new Float64Array(n);
  bookSchedule(METHOD[method] as never, K, salvage, L, factor, age0, out);
  return Array.from(out);
};

describe('book schedules (hand-computed)', () => {
  it('straight-line', () => {
    expect(schedule('straight-line', 1200, 0, 12, 0, 0, 14)).toEqual([1200, 1100, 1000, 900, 800, 700, 600, 500, 400, 300, 200, 100, 0, 0]);
    expect(schedule('straight-line', 1200, 240, 12, 0, 10, 4)).toEqual([400, 320, 240, 240]);
  });
  it('straight-line before service (a model not yet released) carries full cost', () => {
    expect(schedule('straight-line', 100, 0, 10, 0, -2, 4)).toEqual([100, 100, 100, 90]);
  });
  it('sum-of-years-digits: month m takes (K − salvage)(L − m + 1)/(L(L + 1)/2)', () => {
    // K − salvage = 780, L = 12, digits 78: 120, 110, 100, …
    const b = schedule('sum-of-years-digits', 800, 20, 12, 0, 0, 14);
    [800, 680, 570, 470].forEach((v, t) => expect(b[t]).toBeCloseTo(v, 9));
    expect(b[12]).toBe(20);
    expect(b[13]).toBe(20);
  });
  it('declining-balance switches to straight-line and lands on salvage', () => {
    // φ = 2, L = 4: 500 (vs 225), 250 (vs 133.3), 125 (vs 75), then max(62.5, 25) floored at salvage 100
    expect(schedule('declining-balance', 1000, 100, 4, 2, 0, 6)).toEqual([1000, 500, 250, 125, 100, 100]);
    // a mild factor: the straight-line floor takes over. L = 4, φ = 1, salvage 0: 250 each month
    expect(schedule('declining-balance', 1000, 0, 4, 1, 0, 5)).toEqual([1000, 750, 500, 250, 0]);
  });
  it('macrs-5: 20, 32, 19.2, 11.52, 11.52, 5.76 % spread evenly over each year', () => {
    const b = schedule('macrs-5', 1000, 0, 72, 0, 0, 74);
    expect(b[6]).toBeCloseTo(900, 9);
    expect(b[12]).toBeCloseTo(800, 9);
    expect(b[18]).toBeCloseTo(640, 9);
    expect(b[24]).toBeCloseTo(480, 9);
    expect(b[66]).toBeCloseTo(28.8, 9);
    expect(b[72]).toBe(0);
    expect(b[73]).toBe(0);
  });
  it('units-of-production follows the hours worked', () => {
    // planned 0.5 × 730 × 10 months × 1 unit = 3650 h; 2 months of age at plan = 730 h; then 730 h a month
    const H = 5, n = new Float64Array(H + 1).fill(1), u = new Float64Array(H + 1).fill(1), out = new Float64Array(H + 1);
    unitsOfProductionBook(1000, 0, 10, 0.5, 1, 2, n, u, H, out);
    Array.from(out).forEach((v, t) => expect(v).toBeCloseTo([800, 600, 400, 200, 0, 0][t], 9));
  });
});

describe('book invariants', () => {
  const methods = ['straight-line', 'declining-balance', 'sum-of-years-digits', 'macrs-5'] as const;
  it('never falls below salvage, never rises, and reaches salvage by the end of life', () => {
    fc.assert(
      fc.property(fc.constantFrom(...methods), fc.double({ min: 1, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer({ min: 1, max: 120 }), fc.double({ min: 0.5, max: 4, noNaN: true }), fc.integer({ min: 0, max: 100 }), (m, K, sp, L, phi, age0) => {
          const salvage = m === 'macrs-5' ? 0 : K * sp;
          const life = m === 'macrs-5' ? 72 : L;
          const b = schedule(m, K, salvage, life, phi, age0, 150);
          for (let t = 0; t < b.length; t++) {
            expect(b[t]).toBeGreaterThanOrEqual(salvage - 1e-9 * K);
            if (t > 0) expect(b[t]).toBeLessThanOrEqual(b[t - 1] + 1e-9 * K);
            if (age0 + t >= life) expect(b[t]).toBe(salvage);
          }
        }),
      { numRuns: 300 },
    );
  });
});

describe('impairment with every unit in service', () => {
  // without a path, a book with f ≡ 1 skips the months between its events; recording the path runs every month: both must agree bit for bit
  it('gives the same losses, charges and failure loss whether or not its path is recorded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean(), fc.boolean(),
        (H, seed, usgaap, failures) => {
          let x = seed;
          const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
          const month = () => Math.floor(rand() * (H + 1));
          const B = Float64Array.from({ length: H + 1 }, (_, t) => 1 - (0.9 * t) / H);
          const f = Float64Array.from({ length: H + 1 }, (_, t) => (failures ? 0.99 ** t : 1));
          const [V, W, M, S] = [0, 1, 2, 3].map(() => Float64Array.from({ length: H + 1 }, () => rand() * 1.2e6));
          const tests = Int32Array.from(new Set(Array.from({ length: 4 }, month))).sort();
          const e = rand() < 0.5 ? H : month();
          const result = (path?: Float64Array) => {
            const res = createBookResult(tests.length, H);
            impairment(B, 1e6, 1e5, f, V, W, M, S, tests, e, H, usgaap, res, path);
            return res;
          };
          const skipped = result(), full = result(new Float64Array(H + 1));
          expect(skipped).toStrictEqual(full); // toStrictEqual tells −0 from +0 and compares NaN as NaN
        },
      ),
      { numRuns: 500 },
    );
  });
});
