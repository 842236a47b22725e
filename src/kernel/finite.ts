import type { Plan } from '../plan.ts';

/**
 * Which trial values may be missing (NaN) by design, per column (MODEL.md
 * "Outputs per trial and asset"): `first_impairment_month` and
 * `payback_month` when the event never happens, `npv` for an asset not
 * acquired now, `recoverable_m{t}` after the exit month. Anything else
 * that is not finite means an input pushed the arithmetic past what a double
 * holds, and the run must fail rather than summarise it.
 */
export interface MissingRules {
  /** per column: NEVER, ALWAYS, or the column of the exit month after which NaN is allowed */
  rule: Int32Array;
  /** per column with an exit rule: the month t of recoverable_m{t} */
  month: Int32Array;
}

/** No value may be missing. */
const NEVER = -2;
/** NaN is a legitimate "no value". */
const ALWAYS = -1;

/**
 * Rules under which no value of any column may be missing: where the kernel
 * writes a number every time, as the monthly path quantities (C, V and M are
 * 0 after the exit month, never NaN).
 *
 * @param columns how many columns
 * @returns NEVER for each
 * @example firstNonFinite(requiredRules(1), row, row.length) // the first value of row that is not finite
 */
export function requiredRules(columns: number): MissingRules {
  return { rule: new Int32Array(columns).fill(NEVER), month: new Int32Array(columns) };
}

/**
 * The missing-value rule of every column of a plan.
 *
 * @param plan the run's plan
 * @returns one rule per column
 * @example missingRules(plan).rule[plan.assets[0].out.payback_month] // -1 (NaN allowed)
 */
export function missingRules(plan: Plan): MissingRules {
  const { rule, month } = requiredRules(plan.columns.length);
  for (const a of plan.assets) {
    for (const b of a.books) rule[b.out.first_impairment_month] = ALWAYS;
    rule[a.out.payback_month] = ALWAYS;
    if (!a.acquiredNow) rule[a.out.npv] = ALWAYS;
    a.out.recoverable_m.forEach((j, r) => {
      rule[j] = a.out.exit_month;
      month[j] = plan.valuedMonths[r];
    });
  }
  return { rule, month };
}

/**
 * The first value of a chunk that is not finite where a value is required.
 *
 * @param rules from missingRules
 * @param buf the chunk buffer: column j at buf[j·count, (j+1)·count)
 * @param count trials in the chunk
 * @returns the column and the trial within the chunk, or null when every value is as expected
 * @example firstNonFinite(missingRules(plan), buf, 4096) // null, or { column: 812, trial: 17 }
 */
export function firstNonFinite(rules: MissingRules, buf: Float64Array, count: number): { column: number; trial: number; value: number } | null {
  const { rule, month } = rules;
  for (let j = 0; j < rule.length; j++) {
    const base = j * count;
    for (let i = 0; i < count; i++) {
      const v = buf[base + i];
      if (v - v === 0) continue; // finite (Infinity − Infinity and NaN − NaN are NaN)
      const r = rule[j];
      const allowed = Number.isNaN(v) && (r === ALWAYS || (r >= 0 && buf[r * count + i] < month[j]));
      if (!allowed) return { column: j, trial: i, value: v };
    }
  }
  return null;
}
