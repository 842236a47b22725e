import type { Plan } from '../plan.ts';
import type { InputEffects } from '../stats/ranks.ts';

/** One row of sensitivity.arrow. */
export interface SensitivityRow {
  output: string;
  input: string;
  spearman: number;
  variance_share: number;
  /** mean of the output over the trials whose input sits in its bottom decile */
  mean_bottom_decile: number;
  /** … and in its top decile */
  mean_top_decile: number;
  /** mean_top_decile − mean_bottom_decile: the tornado bar, in the output's unit */
  swing: number;
}

/**
 * sensitivity.arrow as columns, a row per key output and uncertain input.
 * Columns, not row objects: a run of 500 cohorts has 3 million rows, and as
 * objects they took about 300 bytes of heap each and seconds of the main
 * thread, in which it could not see Ctrl-C.
 */
export interface SensitivityTable {
  output: string[];
  input: string[];
  spearman: Float64Array;
  variance_share: Float64Array;
  mean_bottom_decile: Float64Array;
  mean_top_decile: Float64Array;
  swing: Float64Array;
}

/** Rows built between two turns a caller may take (buildSensitivity): about a tenth of a second. */
export const SENSITIVITY_SLICE_ROWS = 2 ** 18;

/**
 * Spearman ρ of every uncertain input with each key output, ρ² normalised over
 * the inputs, and the output's mean in each input's bottom and top decile,
 * built a slice of outputs at a time so that a caller can let other work
 * through in between (a run does: Ctrl-C, among millions of rows).
 *
 * @param plan the run's plan (which outputs and inputs)
 * @param effects per sensitivity output, ρ and decile means of each sensitivity input
 * @yields after each SENSITIVITY_SLICE_ROWS rows or so (whole outputs)
 * @returns the table: the outputs in plan order, each one's inputs by falling variance share (ties in plan order)
 * @example const b = buildSensitivity(plan, rho); let s; while (!(s = b.next()).done) await turn(); s.value.input[0] // what moves the first output most
 */
export function* buildSensitivity(plan: Plan, effects: InputEffects[]): Generator<void, SensitivityTable> {
  const { outputs, inputs } = plan.sensitivity;
  const rows = outputs.length * inputs.length;
  const t: SensitivityTable = {
    output: new Array<string>(rows), input: new Array<string>(rows), spearman: new Float64Array(rows), variance_share: new Float64Array(rows),
    mean_bottom_decile: new Float64Array(rows), mean_top_decile: new Float64Array(rows), swing: new Float64Array(rows),
  };
  const share = new Float64Array(inputs.length), order = Array.from(inputs, (_, slot) => slot);
  let sinceTurn = 0;
  for (let k = 0; k < outputs.length; k++) {
    const { rho, bottom, top } = effects[k];
    let total = 0;
    for (const r of rho) total += Number.isNaN(r) ? 0 : r * r;
    for (let slot = 0; slot < inputs.length; slot++) share[slot] = total > 0 ? (rho[slot] ** 2 || 0) / total : NaN;
    // a stable sort from plan order each time: ties keep plan order
    for (let slot = 0; slot < inputs.length; slot++) order[slot] = slot;
    order.sort((a, b) => (share[b] || 0) - (share[a] || 0));
    const name = plan.columns[outputs[k]].name;
    for (let r = 0, i = k * inputs.length; r < inputs.length; r++, i++) {
      const slot = order[r];
      t.output[i] = name;
      t.input[i] = plan.columns[inputs[slot]].name;
      t.spearman[i] = rho[slot];
      t.variance_share[i] = share[slot];
      t.mean_bottom_decile[i] = bottom[slot];
      t.mean_top_decile[i] = top[slot];
      t.swing[i] = top[slot] - bottom[slot];
    }
    sinceTurn += inputs.length;
    if (sinceTurn >= SENSITIVITY_SLICE_ROWS) {
      sinceTurn = 0;
      yield;
    }
  }
  return t;
}

/**
 * The rows of each output, by index, in table order: one pass, for a reader
 * that looks up many outputs.
 *
 * @param t the table
 * @returns row indices by output name
 * @example rowsByOutput(t).get('portfolio.writedown') // [0, 1, …, 42]
 */
export function rowsByOutput(t: SensitivityTable): Map<string, number[]> {
  const by = new Map<string, number[]>();
  t.output.forEach((name, i) => {
    const rows = by.get(name);
    if (rows) rows.push(i);
    else by.set(name, [i]);
  });
  return by;
}

/**
 * One row of the table as an object.
 *
 * @param t the table
 * @param i the row
 * @returns its fields
 * @example sensitivityRow(t, 0).input // 'h100.rentalPrice'
 */
export function sensitivityRow(t: SensitivityTable, i: number): SensitivityRow {
  return {
    output: t.output[i], input: t.input[i], spearman: t.spearman[i], variance_share: t.variance_share[i],
    mean_bottom_decile: t.mean_bottom_decile[i], mean_top_decile: t.mean_top_decile[i], swing: t.swing[i],
  };
}

/**
 * The rows of one output, in table order.
 *
 * @param t the table
 * @param output an output column's name
 * @returns its rows, none when it is not in the table
 * @example sensitivityRowsOf(t, 'portfolio.writedown')[0].input // the input that moves it most
 */
export function sensitivityRowsOf(t: SensitivityTable, output: string): SensitivityRow[] {
  const rows: SensitivityRow[] = [];
  t.output.forEach((name, i) => {
    if (name === output) rows.push(sensitivityRow(t, i));
  });
  return rows;
}
