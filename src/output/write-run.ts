import { writeFileSync } from 'node:fs';
import { fileError } from './file-error.ts';
import { parquetWriteFile } from 'hyparquet-writer';
import type { BasicType } from 'hyparquet-writer';
import type { Column, Plan } from '../plan.ts';
import { PATH_QUANTITIES, type TABLES } from '../schema.ts';
import type { Chunk } from '../sampling/chunk-plan.ts';
import type { Summary } from '../stats/summarize.ts';
import { SUMMARY_FIELDS } from '../stats/summarize.ts';
import { BANDS } from '../stats/path-bands.ts';
import { ArrowFileSink, makeBatch, makeSchema, type FieldSpec } from './arrow.ts';
import type { RunDir } from './run-dir.ts';
import { SENSITIVITY_SLICE_ROWS, type SensitivityTable } from './sensitivity-table.ts';
import { TRIAL_COLUMN } from './select-columns.ts';
import type { ColumnStore } from '../column-store.ts';

/** A `--format` a run can write its tables in. */
export type Format = 'arrow' | 'parquet';
/** One of the tables every run writes (schema.ts TABLES). */
type Table = (typeof TABLES)[number];
type Data = Float64Array | Int32Array | string[];

/** The Parquet type of each FieldSpec type. */
const PARQUET_TYPES: Record<FieldSpec['type'], BasicType> = { float64: 'DOUBLE', int32: 'INT32', utf8: 'STRING' };

/**
 * Write one table as `<name>.arrow` (one record batch, or batches of
 * `batchRows` rows with `between` awaited after each) and, when asked,
 * `<name>.parquet` (DuckDB reads Parquet natively). Field units go into Arrow
 * field metadata and into a `units` JSON entry of the Parquet key-value
 * metadata.
 *
 * @param dir the run directory
 * @param name the table, which names its files
 * @param fields the columns, in order
 * @param data one array per field, all of one length
 * @param metadata table-level key-value metadata
 * @param formats the formats to write
 * @param o for a table of millions of rows: `batchRows` per record batch, and `between` the batches (a run lets Ctrl-C in there)
 * @returns when the files are written
 * @example await writeTable(dir, 'sensitivity', fields, data, metadata, ['arrow'])
 */
export async function writeTable(
  dir: RunDir, name: Table, fields: FieldSpec[], data: Data[], metadata: Record<string, string>, formats: Format[],
  o: { batchRows?: number; between?: () => Promise<void> } = {},
): Promise<void> {
  if (formats.includes('arrow')) {
    const schema = makeSchema(fields, metadata);
    const sink = new ArrowFileSink(dir.file(`${name}.arrow`));
    const rows = data[0]?.length ?? 0, step = Math.max(1, o.batchRows ?? rows);
    // a batch even of no rows: the file then carries the schema as one batch, as a small table always did
    let start = 0;
    do {
      const end = Math.min(rows, start + step);
      await sink.write(makeBatch(schema, start === 0 && end === rows ? data : data.map((c) => c.slice(start, end)), end - start));
      start = end;
      if (start < rows) await o.between?.();
    } while (start < rows);
    await sink.close();
  }
  if (formats.includes('parquet')) {
    const units = Object.fromEntries(fields.filter((f) => f.metadata?.unit).map((f) => [f.name, f.metadata!.unit]));
    const filename = dir.file(`${name}.parquet`);
    try {
      parquetWriteFile({
        filename,
        columnData: fields.map((f, j) => ({ name: f.name, data: nanAsNull(data[j]) as never, type: PARQUET_TYPES[f.type], nullable: f.type !== 'int32' })),
        kvMetadata: Object.entries({ ...metadata, units: JSON.stringify(units) }).map(([key, value]) => ({ key, value })),
      });
    } catch (e) {
      throw fileError(filename, e);
    }
  }
}

/**
 * hyparquet-writer takes a null as a `null` entry, which a Float64Array cannot
 * hold, and reads a column only through `length` and `slice(start, end)`, once
 * per row group. So a column with NaN is handed over as a view that builds
 * each row group's Array of numbers and nulls when asked, keeping a million-row
 * column from turning into one boxed Array; a column without NaN goes as it is.
 */
function nanAsNull(c: Data): Data | { length: number; slice(start: number, end: number): (number | null)[] } {
  if (!(c instanceof Float64Array) || !c.includes(NaN)) return c;
  return {
    length: c.length,
    slice(start: number, end: number) {
      const out = new Array<number | null>(end - start);
      for (let i = start; i < end; i++) out[i - start] = Number.isNaN(c[i]) ? null : c[i];
      return out;
    },
  };
}

/** The trials table's fields: `trial`, then the selected plan columns with their unit and role. */
function trialFields(plan: Plan, selected: number[]): FieldSpec[] {
  return [
    { name: TRIAL_COLUMN, type: 'int32', metadata: { unit: 'index', role: 'index' } },
    ...selected.map((j) => ({ name: plan.columns[j].name, type: 'float64' as const, metadata: { unit: plan.columns[j].unit, role: plan.columns[j].role } })),
  ];
}

/** Streams trials.arrow while the chunks are still being simulated: see trialsWriter. */
export interface TrialsWriter {
  /** the chunk's trials are in the store: write every batch now complete, in trial order */
  chunkDone(chunk: Chunk): void;
  /** once every chunk is done: resolves when the file is complete, rejects with the first write error */
  done(): Promise<void>;
}

/**
 * trials.arrow, written batch by batch (trialBatches) as soon as every chunk
 * of a batch is in the store, whatever order the chunks finish in: a run
 * writes its trials while the workers simulate, so the disk works while the
 * cores do, instead of after them. One record batch per batch, read from the
 * store, so memory stays bounded.
 *
 * @param dir the run directory
 * @param plan the run's plan (column names, units, roles)
 * @param store the per-trial columns
 * @param selected plan column indices to write (`--columns`)
 * @param chunks the run's chunks, in trial order
 * @param metadata table-level metadata
 * @param signal the run's: once aborted, nothing more is written and the file is closed
 * @param onError sees the first write error at once (to stop the run), before done() rejects with it
 * @returns the writer
 * @example const w = trialsWriter(dir, plan, store, selected, chunks, metadata, signal, cancel); chunks.forEach(w.chunkDone); await w.done();
 */
export function trialsWriter(dir: RunDir, plan: Plan, store: ColumnStore, selected: number[], chunks: Chunk[], metadata: Record<string, string>, signal: AbortSignal, onError: (e: unknown) => void): TrialsWriter {
  const schema = makeSchema(trialFields(plan, selected), metadata);
  const sink = new ArrowFileSink(dir.file('trials.arrow'));
  const batches = trialBatches(chunks, selected.length);
  // chunks still missing from each batch, and the batch of each chunk (chunks are contiguous and in order)
  // by chunk index (the run's chunks, numbered from 0), in typed arrays: a Map of a million one-trial chunks took 0.4 s to fill
  const missing = new Int32Array(batches.length);
  const batchOf = new Int32Array(chunks.length);
  let b = 0;
  for (let k = 0; k < chunks.length; k++) {
    if (chunks[k].start >= batches[b].start + batches[b].count) b++;
    batchOf[k] = b;
    missing[b]++;
  }
  let next = 0;
  let failure: { error: unknown } | undefined;
  let closed = false;
  // batches are written one after another; a failure (a full disk, a cancelled run) stops the rest and closes the file
  let chain: Promise<void> = Promise.resolve();
  const fail = (error: unknown) => {
    if (failure || closed) return;
    failure = { error };
    onError(error);
    sink.close().catch(() => {});
  };
  const write = ({ start, count }: { start: number; count: number }) => {
    if (failure) return;
    signal.throwIfAborted();
    const trial = Int32Array.from({ length: count }, (_, i) => start + i);
    return sink.write(makeBatch(schema, [trial, ...selected.map((j) => store.read(j, start, count))], count));
  };
  signal.addEventListener('abort', () => (chain = chain.then(() => fail(signal.reason))), { once: true });
  return {
    chunkDone(chunk) {
      missing[batchOf[chunk.index]]--;
      for (; next < batches.length && missing[next] === 0; next++) {
        const batch = batches[next];
        chain = chain.then(() => write(batch)).catch(fail);
      }
    },
    async done() {
      await chain;
      if (failure) throw failure.error;
      if (next < batches.length) throw new Error(`trials.arrow: ${batches.length - next} batches still wait for their chunks`);
      closed = true;
      await sink.close();
    },
  };
}

/**
 * trials: `trial`, then the selected plan columns. Arrow: streamed by
 * `streamed` (a run) or, when there is none (a merge, or a run whose length
 * --precision chose), written here from the finished store by the same
 * writer. Parquet is written whole, from every selected column at once.
 *
 * @param dir the run directory
 * @param plan the run's plan (column names, units, roles)
 * @param store the per-trial columns
 * @param selected plan column indices to write (`--columns`)
 * @param chunks the run's chunks, in trial order
 * @param n trials
 * @param metadata table-level metadata
 * @param formats the formats to write
 * @param signal the run's (see trialsWriter)
 * @param streamed the writer that streamed trials.arrow during the run, if one did
 * @returns when trials.<format> are written
 */
export async function writeTrials(dir: RunDir, plan: Plan, store: ColumnStore, selected: number[], chunks: Chunk[], n: number, metadata: Record<string, string>, formats: Format[], signal: AbortSignal, streamed?: TrialsWriter): Promise<void> {
  if (formats.includes('arrow')) {
    let writer = streamed;
    if (!writer) {
      writer = trialsWriter(dir, plan, store, selected, chunks, metadata, signal, () => {});
      chunks.forEach(writer.chunkDone);
    }
    await writer.done();
  }
  if (formats.includes('parquet')) {
    const trial = Int32Array.from({ length: n }, (_, i) => i);
    await writeTable(dir, 'trials', trialFields(plan, selected), [trial, ...selected.map((j) => store.read(j, 0, n))], metadata, ['parquet']);
  }
}

/** Bytes of column data a record batch of the trials file gathers before it is written. */
const BATCH_BYTES = 64 * 2 ** 20;

/**
 * Record batches of the trials file: runs of whole chunks holding up to
 * BATCH_BYTES of the written columns (at least one chunk each). Fewer, larger
 * batches mean fewer, larger writes (one per column per batch), which the
 * page cache takes faster, while a spilled store still reads a bounded amount at a time.
 *
 * @param chunks the run's chunks, in trial order (read once: chunksOf will do)
 * @param columns columns written
 * @returns the batches' first trial and row count
 * @example trialBatches([{ index: 0, start: 0, count: 4096 }, { index: 1, start: 4096, count: 4096 }], 600) // [{ start: 0, count: 8192 }]
 */
export function trialBatches(chunks: Iterable<Chunk>, columns: number): { start: number; count: number }[] {
  const rows = Math.floor(BATCH_BYTES / (Float64Array.BYTES_PER_ELEMENT * Math.max(1, columns)));
  const out: { start: number; count: number }[] = [];
  for (const { start, count } of chunks) {
    const last = out[out.length - 1];
    if (last && last.start + last.count === start && last.count + count <= rows) last.count += count;
    else out.push({ start, count });
  }
  return out;
}

const isCount = (f: string) => f === 'count' || f === 'nan_count';

/** The summary table's field for one summary statistic: counts as int32, the rest float64 in the column's unit. */
function summaryField(f: string): FieldSpec {
  if (f === 'nan_count') return { name: f, type: 'int32', metadata: { unit: 'count', description: 'trials with no value (null in the trials file)' } };
  if (isCount(f)) return { name: f, type: 'int32', metadata: { unit: 'count' } };
  return { name: f, type: 'float64', metadata: { unit: f === 'prob_positive' ? 'fraction' : 'as column' } };
}

/**
 * summary (one row per column, then one per paired policy comparison) as Arrow/Parquet and JSON (NaN as null).
 *
 * @param dir the run directory
 * @param plan the run's plan
 * @param summaries one per plan column, then one per comparison
 * @param metadata table-level metadata
 * @param formats the formats to write
 * @returns when summary.<format> and summary.json are written
 */
export async function writeSummaries(dir: RunDir, plan: Plan, summaries: Summary[], metadata: Record<string, string>, formats: Format[], valuation: unknown): Promise<void> {
  const rows: Column[] = [...plan.columns, ...plan.comparisons.map((c) => ({ name: c.name, unit: 'USD', role: 'loss' as const }))];
  const fields: FieldSpec[] = [
    { name: 'column', type: 'utf8' },
    { name: 'role', type: 'utf8' },
    { name: 'unit', type: 'utf8' },
    ...SUMMARY_FIELDS.map(summaryField),
  ];
  const meta = {
    ...metadata,
    percentile_method: 'linear interpolation between order statistics (numpy default, R type 7)',
    ci: 'distribution-free 95% CI of each percentile from order statistics; mean_se = sd / sqrt(count)',
    comparisons: 'rows <x>@<policy>.writedown_vs_own summarise, trial by trial, <x>@<policy>.writedown − <x>.writedown',
  };
  const data: Data[] = [rows.map((c) => c.name), rows.map((c) => c.role), rows.map((c) => c.unit), ...SUMMARY_FIELDS.map((f) => {
    const get = (s: Summary) => s[f as keyof Summary];
    return isCount(f) ? Int32Array.from(summaries, get) : Float64Array.from(summaries, get);
  })];
  await writeTable(dir, 'summary', fields, data, meta, formats);
  const entry = (j: number) => ({ role: rows[j].role, unit: rows[j].unit, ...summaries[j] });
  writeJson(dir.file('summary.json'), {
    ...meta,
    // Arrow metadata holds strings only; JSON numbers are numbers (the seed stays a string: it is a key such as "golden")
    trials: Number(metadata.trials),
    chunk_size: Number(metadata.chunk_size),
    valuation,
    columns: Object.fromEntries(plan.columns.map((c, j) => [c.name, entry(j)])),
    policy_differences: Object.fromEntries(plan.comparisons.map((c, k) => [c.name, entry(plan.columns.length + k)])),
  });
}

/**
 * sensitivity as Arrow/Parquet.
 *
 * @param dir the run directory
 * @param t from buildSensitivity
 * @param metadata table-level metadata
 * @param formats the formats to write
 * @param between awaited between record batches of SENSITIVITY_SLICE_ROWS rows (one batch when the table is no larger)
 * @returns when sensitivity.<format> are written
 */
export async function writeSensitivity(dir: RunDir, t: SensitivityTable, metadata: Record<string, string>, formats: Format[], between?: () => Promise<void>): Promise<void> {
  const asOutput = { unit: 'as output' };
  const fields: FieldSpec[] = [
    { name: 'output', type: 'utf8' },
    { name: 'input', type: 'utf8' },
    { name: 'spearman', type: 'float64', metadata: { unit: 'correlation' } },
    { name: 'variance_share', type: 'float64', metadata: { unit: 'fraction' } },
    { name: 'mean_bottom_decile', type: 'float64', metadata: asOutput },
    { name: 'mean_top_decile', type: 'float64', metadata: asOutput },
    { name: 'swing', type: 'float64', metadata: asOutput },
  ];
  const data: Data[] = [t.output, t.input, t.spearman, t.variance_share, t.mean_bottom_decile, t.mean_top_decile, t.swing];
  await writeTable(dir, 'sensitivity', fields, data, {
    ...metadata,
    method: 'Spearman rank correlation (average ranks for ties) of each uncertain input with the output; variance_share = rho^2 / sum of rho^2 over inputs; '
      + 'mean_bottom_decile / mean_top_decile = mean of the output over the trials whose input rank is <= floor(n/10) / > n - floor(n/10) (the tornado swing, in the output\'s unit); swing = top - bottom',
  }, formats, { batchRows: SENSITIVITY_SLICE_ROWS, between });
}

/**
 * paths: one row per series (asset or portfolio), quantity (PATH_QUANTITIES: C, V, M) and month, with percentile bands and the mean.
 *
 * @param dir the run directory
 * @param H horizon in months (rows for months 0 … H)
 * @param bands per series and quantity (an index into PATH_QUANTITIES), pathBands' output
 * @param K trials the bands were taken over
 * @param metadata table-level metadata
 * @param formats the formats to write
 * @returns when paths.<format> are written
 */
export async function writePaths(dir: RunDir, H: number, bands: { series: string; q: number; bands: Float64Array }[], K: number, metadata: Record<string, string>, formats: Format[]): Promise<void> {
  const months = H + 1;
  const rows = bands.length * months;
  const t = new Int32Array(rows), series: string[] = [], quantity: string[] = [];
  const cols = BANDS.map(() => new Float64Array(rows));
  bands.forEach((b, r) => {
    for (let m = 0; m <= H; m++) {
      const row = r * months + m;
      t[row] = m;
      series.push(b.series);
      quantity.push(PATH_QUANTITIES[b.q]);
      for (let k = 0; k < BANDS.length; k++) cols[k][row] = b.bands[k * months + m];
    }
  });
  const fields: FieldSpec[] = [
    { name: 't', type: 'int32', metadata: { unit: 'months' } },
    { name: 'series', type: 'utf8' },
    { name: 'quantity', type: 'utf8' },
    ...BANDS.map((b) => ({ name: b, type: 'float64' as const, metadata: { unit: 'USD' } })),
  ];
  await writeTable(dir, 'paths', fields, [t, series, quantity, ...cols], {
    ...metadata,
    path_sample: String(K),
    method: `over the first ${K} trials: C = carrying amount after any loss recognised at t (own policy; the sale at the exit month leaves min(C, S)), V = recoverable amount, M = market value; all 0 after the exit month (the asset is gone); portfolio = sum over assets per trial, then percentiles (linear interpolation) and mean per month`,
  }, formats);
}

/**
 * Pretty-printed JSON with a final newline; NaN and ±Infinity become null.
 *
 * @param path the file to write
 * @param value the value to serialise
 * @example writeJson(dir.file('manifest.json'), manifest)
 */
export function writeJson(path: string, value: unknown): void {
  try {
    writeFileSync(path, JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  } catch (e) {
    throw fileError(path, e);
  }
}
