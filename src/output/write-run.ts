import { writeFileSync } from 'node:fs';
import type { Plan } from '../plan.ts';
import type { Chunk } from '../sampling/chunk-plan.ts';
import type { Summary } from '../stats/summarize.ts';
import { SUMMARY_FIELDS } from '../stats/summarize.ts';
import { ArrowFileSink, makeBatch, makeSchema, type FieldSpec } from './arrow.ts';
import type { RunDir } from './run-dir.ts';

/** trials.arrow: `trial`, then every column of the plan; one record batch per chunk, streamed to disk. */
export async function writeTrials(dir: RunDir, plan: Plan, columns: Float64Array[], chunks: Chunk[], metadata: Record<string, string>): Promise<void> {
  const fields: FieldSpec[] = [
    { name: 'trial', type: 'int32', metadata: { unit: 'index', role: 'index' } },
    ...plan.columns.map((c) => ({ name: c.name, type: 'float64' as const, metadata: { unit: c.unit, role: c.role } })),
  ];
  const schema = makeSchema(fields, metadata);
  const sink = new ArrowFileSink(dir.file('trials.arrow'));
  for (const { start, count } of chunks) {
    const trial = new Int32Array(count);
    for (let i = 0; i < count; i++) trial[i] = start + i;
    await sink.write(makeBatch(schema, [trial, ...columns.map((c) => c.subarray(start, start + count))], count));
  }
  await sink.close();
}

/** summary.arrow (one row per column) and summary.json (keyed by column; NaN as null). */
export async function writeSummaries(dir: RunDir, plan: Plan, summaries: Summary[], metadata: Record<string, string>): Promise<void> {
  const schema = makeSchema(
    [
      { name: 'column', type: 'utf8' },
      { name: 'role', type: 'utf8' },
      { name: 'unit', type: 'utf8' },
      ...SUMMARY_FIELDS.map((f) => ({ name: f, type: 'float64' as const })),
    ],
    { ...metadata, percentile_method: 'linear interpolation between order statistics (numpy default, R type 7)', ci: 'distribution-free 95% CI from order statistics' },
  );
  const rows = summaries.length;
  const numeric = SUMMARY_FIELDS.map((f) => Float64Array.from(summaries, (s) => s[f as keyof Summary]));
  const sink = new ArrowFileSink(dir.file('summary.arrow'));
  await sink.write(makeBatch(schema, [plan.columns.map((c) => c.name), plan.columns.map((c) => c.role), plan.columns.map((c) => c.unit), ...numeric], rows));
  await sink.close();

  const columns = Object.fromEntries(plan.columns.map((c, j) => [c.name, { role: c.role, unit: c.unit, ...summaries[j] }]));
  writeJson(dir.file('summary.json'), { ...metadata, columns });
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
}
