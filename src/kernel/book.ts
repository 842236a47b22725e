/**
 * Book value schedules B(age) of MODEL.md "Book value". All methods but
 * units-of-production are deterministic, so they are tabulated once per plan
 * over the ages the horizon visits; units-of-production depends on each
 * trial's fleet and utilization and is filled per trial.
 */
export const METHOD = { 'straight-line': 0, 'declining-balance': 1, 'sum-of-years-digits': 2, 'units-of-production': 3, 'macrs-5': 4 } as const;
export type MethodCode = (typeof METHOD)[keyof typeof METHOD];

/** US tax MACRS 5-year class, half-year convention (F17). */
export const MACRS5 = [0.2, 0.32, 0.192, 0.1152, 0.1152, 0.0576] as const;

/**
 * Fill `out[t] = B(age0 + t)` for t = 0..out.length − 1. Ages below 0 (a model
 * not yet released) carry the full cost.
 *
 * @example bookSchedule(METHOD['straight-line'], 120, 0, 12, 2, 0, out) // out = [120, 110, 100, …]
 */
export function bookSchedule(method: MethodCode, K: number, salvage: number, L: number, factor: number, age0: number, out: Float64Array): void {
  const n = out.length;
  const dep = K - salvage;
  switch (method) {
    case METHOD['straight-line']:
      for (let t = 0; t < n; t++) {
        const age = age0 + t;
        out[t] = age <= 0 ? K : age >= L ? salvage : K - (dep * age) / L;
      }
      return;
    case METHOD['sum-of-years-digits']: {
      const digits = (L * (L + 1)) / 2;
      for (let t = 0; t < n; t++) {
        const A = Math.min(Math.max(age0 + t, 0), L);
        out[t] = A >= L ? salvage : K - (dep * (A * L - (A * (A - 1)) / 2)) / digits;
      }
      return;
    }
    case METHOD['declining-balance']: {
      let B = K;
      let age = 0;
      for (let t = 0; t < n; t++) {
        const target = age0 + t;
        for (; age < target && age < L; age++) {
          const d = Math.max((B * factor) / L, (B - salvage) / (L - age));
          B = Math.max(salvage, B - d);
        }
        out[t] = target <= 0 ? K : target >= L ? salvage : B;
      }
      return;
    }
    case METHOD['macrs-5']:
      for (let t = 0; t < n; t++) {
        const age = Math.max(age0 + t, 0);
        if (age >= 12 * MACRS5.length) {
          out[t] = 0;
          continue;
        }
        const year = Math.floor(age / 12);
        let taken = (MACRS5[year] * (age - 12 * year)) / 12;
        for (let y = 0; y < year; y++) taken += MACRS5[y];
        out[t] = K - K * taken;
      }
      return;
    default:
      throw new Error(`bookSchedule: method ${method} is not deterministic`);
  }
}

/**
 * Units-of-production book for one trial: depreciation follows the hours
 * the surviving fleet actually worked, against plan.
 * used(t) = units·730·pu·age0 + Σ_{τ=1..t} n[τ]·730·u[τ].
 */
export function unitsOfProductionBook(
  K: number, salvage: number, L: number, pu: number, units: number, age0: number,
  n: Float64Array, u: Float64Array, H: number, out: Float64Array,
): void {
  const planned = pu * 730 * L * units;
  let used = units * 730 * pu * age0;
  for (let t = 0; t <= H; t++) {
    if (t > 0) used += n[t] * 730 * u[t];
    out[t] = K - (K - salvage) * Math.min(1, used / planned);
  }
}
