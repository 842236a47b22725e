import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Utf8, type Vector } from 'apache-arrow';
import { utf8Values } from '../src/report/arrow-columns.ts';
import { readSensitivity } from '../src/report/run-files.ts';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/plan.ts';
import { buildSensitivity, rowsByOutput, SENSITIVITY_SLICE_ROWS, sensitivityRow, sensitivityRowsOf, type SensitivityTable } from '../src/output/sensitivity-table.ts';
import { RunDir } from '../src/output/run-dir.ts';
import { writeSensitivity } from '../src/output/write-run.ts';
import type { InputEffects } from '../src/stats/ranks.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-sensitivity-table-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A plan with `outputs` key outputs and `inputs` uncertain inputs: all buildSensitivity reads of one. */
function planOf(outputs: number, inputs: number): Plan {
  const columns = [...Array.from({ length: inputs }, (_, j) => ({ name: `in${j}` })), ...Array.from({ length: outputs }, (_, k) => ({ name: `out${k}` }))];
  return { columns, sensitivity: { inputs: columns.slice(0, inputs).map((_, j) => j), outputs: columns.slice(inputs).map((_, k) => inputs + k) } } as unknown as Plan;
}

/** The first index where two columns differ (Object.is: NaN equals NaN, −0 not 0), −1 if none, −2 for another length: toEqual takes seconds over 655,360 values. */
function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Run the builder to its end, counting the turns it offers. */
function build(plan: Plan, effects: InputEffects[]): { table: SensitivityTable; turns: number } {
  const b = buildSensitivity(plan, effects);
  let turns = 0;
  for (let s = b.next(); ; s = b.next(), turns++) if (s.done) return { table: s.value, turns };
}

describe('buildSensitivity', () => {
  it('orders each output\'s inputs by falling ρ², ties in plan order; NaN ρ counts as none; no spread at all gives NaN shares', () => {
    const effects = [
      { rho: Float64Array.of(0.5, -0.5, NaN, 1), bottom: Float64Array.of(1, 2, 3, 4), top: Float64Array.of(2, 1, 3, 8) },
      { rho: Float64Array.of(NaN, NaN, NaN, NaN), bottom: new Float64Array(4), top: new Float64Array(4) },
    ] as InputEffects[];
    const { table, turns } = build(planOf(2, 4), effects);
    expect(turns).toBe(0);
    expect(sensitivityRowsOf(table, 'out0')).toEqual([
      { output: 'out0', input: 'in3', spearman: 1, variance_share: 1 / 1.5, mean_bottom_decile: 4, mean_top_decile: 8, swing: 4 },
      { output: 'out0', input: 'in0', spearman: 0.5, variance_share: 0.25 / 1.5, mean_bottom_decile: 1, mean_top_decile: 2, swing: 1 },
      { output: 'out0', input: 'in1', spearman: -0.5, variance_share: 0.25 / 1.5, mean_bottom_decile: 2, mean_top_decile: 1, swing: -1 },
      { output: 'out0', input: 'in2', spearman: NaN, variance_share: 0, mean_bottom_decile: 3, mean_top_decile: 3, swing: 0 },
    ]);
    expect(sensitivityRowsOf(table, 'out1').map((r) => [r.input, r.variance_share])).toEqual([['in0', NaN], ['in1', NaN], ['in2', NaN], ['in3', NaN]]);
    expect([...rowsByOutput(table)]).toEqual([['out0', [0, 1, 2, 3]], ['out1', [4, 5, 6, 7]]]);
    expect(sensitivityRow(table, 5).input).toBe('in1');
  });

  it('offers a turn after each SENSITIVITY_SLICE_ROWS rows or so, in whole outputs, and builds the same table', () => {
    const inputs = SENSITIVITY_SLICE_ROWS / 2;
    const effect = (k: number) => ({ rho: Float64Array.from({ length: inputs }, (_, j) => Math.sin(j + k)), bottom: new Float64Array(inputs), top: Float64Array.from({ length: inputs }, (_, j) => j) });
    const effects = [0, 1, 2, 3, 4].map(effect) as InputEffects[];
    const { table, turns } = build(planOf(5, inputs), effects);
    expect(turns).toBe(2); // after outputs 1 and 3
    expect(table.output.length).toBe(5 * inputs);
    const one = build(planOf(1, inputs), [effects[4]]).table;
    expect(Array.from(table.spearman.subarray(4 * inputs))).toEqual(Array.from(one.spearman));
  });
});

describe('writeSensitivity', () => {
  it('writes a table above SENSITIVITY_SLICE_ROWS in record batches, with a turn between them; a small one (or none) as one batch', async () => {
    const dir = RunDir.prepare(join(root, 'run'));
    const inputs = SENSITIVITY_SLICE_ROWS / 2;
    const effects = [0, 1, 2, 3, 4].map((k) => ({ rho: Float64Array.from({ length: inputs }, (_, j) => Math.cos(j * k)), bottom: new Float64Array(inputs), top: new Float64Array(inputs).fill(k) })) as InputEffects[];
    const { table } = build(planOf(5, inputs), effects);
    let turns = 0;
    await writeSensitivity(dir, table, {}, ['arrow'], async () => void turns++);
    const file = tableFromIPC(readFileSync(dir.file('sensitivity.arrow')));
    expect(file.batches.map((b) => b.numRows)).toEqual([SENSITIVITY_SLICE_ROWS, SENSITIVITY_SLICE_ROWS, inputs]);
    expect(turns).toBe(2);
    expect(firstDifference(file.getChild('output')!.toArray(), table.output)).toBe(-1);
    // the report's reader of text columns, each distinct value decoded once, across the batches
    expect(firstDifference(utf8Values(file.getChild('output') as Vector<Utf8>), table.output)).toBe(-1);
    expect(firstDifference(utf8Values(file.getChild('input') as Vector<Utf8>), table.input)).toBe(-1);
    expect(firstDifference(file.getChild('spearman')!.toArray(), table.spearman)).toBe(-1);
    // and the report's reader of the file: a batch at a time, with a turn after each, the same columns back
    let read = 0;
    const back = await readSensitivity(dir.file('sensitivity.arrow'), async () => void read++);
    expect(Object.keys(back)).toEqual(Object.keys(table));
    for (const c of Object.keys(table) as (keyof SensitivityTable)[]) expect(firstDifference(back[c], table[c]), c).toBe(-1);
    expect(read).toBe(3);
    for (const outputs of [1, 0]) {
      const small = build(planOf(outputs, 3), [effects[0]].slice(0, outputs).map(() => ({ rho: Float64Array.of(1, 0, -1), bottom: new Float64Array(3), top: new Float64Array(3) })) as InputEffects[]).table;
      await writeSensitivity(dir, small, {}, ['arrow'], async () => void turns++);
      expect(tableFromIPC(readFileSync(dir.file('sensitivity.arrow'))).batches.map((b) => b.numRows)).toEqual([3 * outputs]);
    }
    expect(turns).toBe(2);
    await dir.discard();
  });
});
