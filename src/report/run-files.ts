import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader, type Schema, type Table, tableFromIPC, type Utf8, type Vector } from 'apache-arrow';
import type { Manifest } from '../run.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Summary } from '../stats/summarize.ts';
import type { SensitivityRow, SensitivityTable } from '../output/sensitivity-table.ts';
import { bookRows } from '../output/report.ts';
import { InputError } from '../errors.ts';
import { arrowFileProblem, joined, readTrialColumns, utf8Values, type TrialColumns, type Utf8Names } from './arrow-columns.ts';

/** Trials the report reads from trials.arrow at most (a default run's all): curves and histograms need no more, and the report's cost stays bounded for any run size. */
export const REPORT_TRIALS = 100_000;

/** A summary.json entry: a column's summary with its role and unit. */
export type SummaryEntry = Summary & { role: string; unit: string };

/** summary.json as the report reads it. */
export interface SummaryFile {
  trials: number;
  columns: Record<string, SummaryEntry>;
  policy_differences: Record<string, SummaryEntry>;
}

/** manifest.json, with what newer or parallel versions add (sim check's warnings; cited figures), all optional. */
export type ManifestFile = Partial<Manifest> & Pick<Manifest, 'seed' | 'trials' | 'version' | 'timings' | 'command' | 'scenario_file'> & {
  check?: { warnings?: string[] };
  citations?: Record<string, string>;
};

/** One row of paths.arrow. */
export interface PathRow { t: number; series: string; quantity: string; p5: number; p25: number; p50: number; p75: number; p95: number; mean: number }

/** Part of a page left out because the run directory has no file for it (`--format parquet`) or no column (`--columns`). */
export interface LeftOut {
  file: 'trials.arrow' | 'sensitivity.arrow' | 'paths.arrow';
  /** why the file or its columns are not there */
  why: string;
  /** what the report leaves out */
  what: string;
}

/**
 * What is left out and why, in one line (the page and stderr say it).
 *
 * @param l from RunFiles.leftOut
 * @returns the line
 * @example leftOutLine({ file: 'paths.arrow', why: 'it is not in the run directory', what: 'the bands' }) // 'paths.arrow: it is not in the run directory; left out: the bands'
 */
export const leftOutLine = (l: LeftOut) => `${l.file}: ${l.why}; left out: ${l.what}`;

/** Everything the report reads from a run directory, and nothing else. */
export interface RunFiles {
  dir: string;
  manifest: ManifestFile;
  summary: SummaryFile;
  scenario: Scenario;
  /** null when the run wrote no Arrow files (`--format parquet`) */
  sensitivity: SensitivityTable | null;
  paths: PathRow[] | null;
  /** the per-trial columns the charts need (as many as trials.arrow holds of them) */
  trials: TrialColumns | null;
  /** what the page cannot show from these files: said on the page and on stderr */
  leftOut: LeftOut[];
}

/** What the report draws from each Arrow table of a run, for the line saying it is left out. */
const FEEDS: Record<LeftOut['file'], string> = {
  'trials.arrow': 'the exceedance curves, histograms, first impairment and exit months, the share of trials holding each asset and the input sketches',
  'sensitivity.arrow': 'the tornadoes of "What drives the write-down"',
  'paths.arrow': 'the monthly bands of "Book against value over time"',
};
/** The columns the report reads from sensitivity.arrow and paths.arrow: a file without one is not the table sim writes. */
const SENSITIVITY_COLUMNS = ['output', 'input', 'spearman', 'variance_share', 'mean_bottom_decile', 'mean_top_decile', 'swing'] satisfies (keyof SensitivityRow)[];
const PATH_COLUMNS = ['t', 'series', 'quantity', 'p5', 'p25', 'p50', 'p75', 'p95', 'mean'] satisfies (keyof PathRow)[];
/** What a run's Arrow file is expected to be, as the refusal of a damaged one says it. */
const ARROW_FILE = 'an Arrow IPC file as sim writes it';
/** Columns of trials.arrow named in the line saying the others are left out. */
const NAMED_COLUMNS = 3;

/**
 * A run's file that is not what the run wrote, in one line: the file, what
 * was expected and what is wrong (the reader's message, first line only).
 *
 * @param file the file
 * @param expected what it should be
 * @param e why it is not: what a reader threw
 * @returns the error to throw (exit 2: the input is bad)
 * @example notAsWritten('runs/x/paths.arrow', 'an Arrow IPC file as sim writes it', new Error('it has no column t'))
 */
function notAsWritten(file: string, expected: string, e: unknown): InputError {
  const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new InputError(`${file}: not ${expected} (${why}); was it edited or cut short?`);
}

/**
 * The per-trial columns the report draws: every book's write-down, each own
 * book's first impairment month, each asset's exit month and every uncertain input.
 *
 * @param scenario the run's scenario
 * @param inputs the uncertain inputs' column names
 * @returns the column names
 * @example reportColumns(scenario, ['h100.rentalPrice']).includes('portfolio.writedown') // true
 */
export function reportColumns(scenario: Scenario, inputs: string[]): string[] {
  return [
    ...bookRows(scenario).map((b) => `${b.prefix}.writedown`),
    ...scenario.assets.flatMap((a) => [`${a.name}.first_impairment_month`, `${a.name}.exit_month`]),
    ...inputs,
  ];
}

/** A table's rows as plain objects, read a column at a time (row proxies cost seconds for a table of millions of rows). */
function rowsOf<T>(table: Table): T[] {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n)!.toArray() as ArrayLike<unknown>);
  const rows = new Array<T>(table.numRows);
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = {};
    for (let j = 0; j < names.length; j++) row[names[j]] = columns[j][i];
    rows[i] = row as T;
  }
  return rows;
}

/** What the report reads of each JSON file, by key: a file without it is not the one a run writes. */
type Shape = Record<string, (v: unknown) => boolean>;
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const MANIFEST_KEYS: Shape = {
  version: (v) => typeof v === 'string', seed: (v) => typeof v === 'string', trials: (v) => typeof v === 'number',
  scenario_file: (v) => typeof v === 'string', command: Array.isArray, timings: isObject,
};
const SUMMARY_KEYS: Shape = { trials: (v) => typeof v === 'number', columns: isObject };
const SCENARIO_KEYS: Shape = { assets: Array.isArray };

/** `value` if it is an object with each key of `shape` as a run writes it; else refused, naming the file and the key. */
function shaped<T>(value: T, file: string, shape: Shape): T {
  if (!isObject(value)) throw notAsWritten(file, 'the JSON a run writes', new Error(`an object at the top level, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`));
  const bad = Object.keys(shape).find((k) => !shape[k]((value as Record<string, unknown>)[k]));
  if (bad !== undefined) throw notAsWritten(file, 'the JSON a run writes', new Error(`'${bad}' is missing or of the wrong type`));
  return value;
}

/** Each table names the run that wrote it: a file copied in from another run is damage too. */
function sameRun(wrote: string | undefined, runId: string | undefined): void {
  if (wrote !== undefined && runId !== undefined && wrote !== runId) throw new Error(`run ${wrote} wrote it, not this directory's run ${runId}`);
}

/** Refuse a table another run wrote, or one without a column the report reads. */
function admit(schema: Schema, columns: readonly string[], runId: string | undefined): void {
  sameRun(schema.metadata.get('run_id'), runId);
  const lacking = columns.find((c) => !schema.fields.some((f) => f.name === c));
  if (lacking !== undefined) throw new Error(`it has no column '${lacking}'`);
}

/**
 * sensitivity.arrow's columns as the run held them (its rows as objects took
 * ~300 bytes of heap each: 3 million for 500 assets), read and decoded a
 * record batch at a time with `between` after each: the file of 500 assets
 * (260 MB) read and decoded at once held the thread, and Ctrl-C, for 3.3–3.7 s.
 *
 * @param file a sensitivity.arrow
 * @param between awaited after each record batch
 * @param runId the run the file must come from (its metadata's run_id), when known
 * @returns the table, NaN where the file holds null
 * @throws when another run wrote the file, it lacks a column of SENSITIVITY_COLUMNS, or it is not an Arrow file
 * @example const table = await readSensitivity('runs/x/sensitivity.arrow');
 */
export async function readSensitivity(file: string, between?: () => Promise<void>, runId?: string): Promise<SensitivityTable> {
  const handle = await open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(handle).then((r) => r.open());
    admit(reader.schema, SENSITIVITY_COLUMNS, runId);
    const output: string[] = [], input: string[] = [];
    const seen = { output: new Map(), input: new Map() } satisfies Record<string, Utf8Names>;
    const numbers = { spearman: [] as Float64Array[], variance_share: [] as Float64Array[], mean_bottom_decile: [] as Float64Array[], mean_top_decile: [] as Float64Array[], swing: [] as Float64Array[] };
    for await (const batch of reader) {
      // appended batch by batch: an array of 3 million names joined at the end took 1.9 s in one go
      utf8Values(batch.getChild('output') as Vector<Utf8>, output, seen.output);
      utf8Values(batch.getChild('input') as Vector<Utf8>, input, seen.input);
      // a null (NaN as written) keeps the value under it, as the run held it
      for (const c of Object.keys(numbers) as (keyof typeof numbers)[]) numbers[c].push(batch.getChild(c)!.toArray() as Float64Array);
      await between?.();
    }
    return {
      output, input, spearman: joined(numbers.spearman), variance_share: joined(numbers.variance_share),
      mean_bottom_decile: joined(numbers.mean_bottom_decile), mean_top_decile: joined(numbers.mean_top_decile), swing: joined(numbers.swing),
    };
  } finally {
    await handle.close();
  }
}

/**
 * Read a run directory's files: the JSON files, sensitivity and paths, and
 * the columns the charts need from the first REPORT_TRIALS trials.
 *
 * @param dir a run directory (or a run's temporary directory before it is committed)
 * @param between awaited after each Arrow file and each record batch of sensitivity.arrow is read (a run's own report lets Ctrl-C in there); what it throws is passed on
 * @returns the files' contents
 * @throws InputError when the directory holds no run (no manifest.json, summary.json or scenario.json), one of them is not JSON,
 *   an Arrow file is damaged, or one manifest.json lists is missing (a run's Arrow files it does not list are left out, in `leftOut`)
 * @example const files = await readRunFiles('runs/20261201-062410-s1-f70f4733')
 */
export async function readRunFiles(dir: string, between?: () => Promise<void>): Promise<RunFiles> {
  const json = <T>(name: string): T => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new InputError(`${dir}: not a run directory (no ${name})`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (e) {
      throw notAsWritten(file, 'the JSON a run writes', e);
    }
  };
  const manifest = shaped(json<ManifestFile>('manifest.json'), join(dir, 'manifest.json'), MANIFEST_KEYS);
  const summary = shaped(json<SummaryFile>('summary.json'), join(dir, 'summary.json'), SUMMARY_KEYS);
  const scenario = shaped(json<Scenario>('scenario.json'), join(dir, 'scenario.json'), SCENARIO_KEYS);
  const listed = Array.isArray(manifest.files) ? manifest.files : null;
  // every file the manifest lists is there, and a listed Arrow file is whole, whether or not the report reads it (the page itself is what sim report writes)
  for (const name of (listed ?? []).filter((f) => f !== 'report.html')) {
    const file = join(dir, String(name));
    if (!existsSync(file)) throw new InputError(`${file}: missing, though manifest.json lists it among the run's files: the run directory is damaged (restore the file, or run again)`);
    const problem = String(name).endsWith('.arrow') ? arrowFileProblem(file) : null;
    if (problem) throw notAsWritten(file, ARROW_FILE, new Error(problem));
  }
  // what `between` throws (a stop) is passed on as it is, not taken for damage to the file being read
  let stopped = false;
  const turn = async () => {
    try {
      await between?.();
    } catch (e) {
      stopped = true;
      throw e;
    }
  };
  const leftOut: LeftOut[] = [];
  /** Read one of the run's Arrow files; null, with the line saying so, when the run wrote none (a listed one that is gone was refused above); refused when damaged. */
  const arrow = async <T>(name: LeftOut['file'], read: (file: string) => T | Promise<T>): Promise<T | null> => {
    const file = join(dir, name);
    if (!existsSync(file)) {
      const formats = listed && ['arrow', 'parquet'].filter((f) => listed.includes(`summary.${f}`));
      const why = formats ? `the run wrote none (--format ${formats.join(',')}), and the report reads only Arrow files` : 'it is not in the run directory';
      leftOut.push({ file: name, why, what: FEEDS[name] });
      return null;
    }
    try {
      const problem = arrowFileProblem(file);
      if (problem) throw new Error(problem);
      return await read(file);
    } catch (e) {
      if (stopped) throw e;
      throw notAsWritten(file, ARROW_FILE, e);
    }
  };
  const table = <T>(name: LeftOut['file'], columns: string[], convert: (t: Table) => T) => arrow(name, (file) => {
    const t = tableFromIPC(readFileSync(file));
    admit(t.schema, columns, manifest.run_id);
    return convert(t);
  });
  await turn();
  const sensitivity = await arrow('sensitivity.arrow', (file) => readSensitivity(file, turn, manifest.run_id));
  await turn();
  const paths = await table('paths.arrow', PATH_COLUMNS, (t) => rowsOf<PathRow>(t));
  await turn();
  const inputs = manifest.draws?.inputs ?? Object.keys(summary.columns).filter((c) => summary.columns[c].role === 'input' && summary.columns[c].sd > 0);
  const wanted = reportColumns(scenario, inputs);
  const trials = await arrow('trials.arrow', async (file) => {
    const t = await readTrialColumns(file, wanted, REPORT_TRIALS);
    sameRun(t.runId, manifest.run_id);
    if (t.total !== summary.trials) throw new Error(`it holds ${t.total.toLocaleString('en-US')} trials, summary.json ${Number(summary.trials).toLocaleString('en-US')}`);
    return t;
  });
  const absent = trials ? wanted.filter((c) => !trials.columns.has(c)) : [];
  if (absent.length) {
    const named = absent.slice(0, NAMED_COLUMNS).join(', ') + (absent.length > NAMED_COLUMNS ? ', …' : '');
    leftOut.push({ file: 'trials.arrow', why: `${absent.length} of the ${wanted.length} columns the charts draw are not in it (${named}; --columns ${manifest.columns ?? '?'})`, what: 'their charts' });
  }
  return { dir, manifest, summary, scenario, sensitivity, paths, trials, leftOut };
}
