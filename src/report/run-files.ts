import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import type { Manifest } from '../run.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Summary } from '../stats/summarize.ts';
import type { SensitivityRow } from '../output/write-run.ts';
import { bookRows } from '../output/report.ts';
import { InputError } from '../errors.ts';
import { readTrialColumns, type TrialColumns } from './arrow-columns.ts';

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

/** Everything the report reads from a run directory, and nothing else. */
export interface RunFiles {
  dir: string;
  manifest: ManifestFile;
  summary: SummaryFile;
  scenario: Scenario;
  /** null when the run wrote no Arrow files (`--format parquet`) */
  sensitivity: SensitivityRow[] | null;
  paths: PathRow[] | null;
  /** the per-trial columns the charts need (as many as trials.arrow holds of them) */
  trials: TrialColumns | null;
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

/** A table's rows as plain objects, read a column at a time (row proxies cost ~10 s for the millions of sensitivity rows of a run of 500 assets). */
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

/**
 * Read a run directory's files: the JSON files, sensitivity and paths, and
 * the columns the charts need from the first REPORT_TRIALS trials.
 *
 * @param dir a run directory (or a run's temporary directory before it is committed)
 * @returns the files' contents
 * @throws InputError when the directory holds no run (no manifest.json, summary.json or scenario.json), or one of them is not JSON
 * @example const files = await readRunFiles('runs/20261201-062410-s1-f70f4733')
 */
export async function readRunFiles(dir: string): Promise<RunFiles> {
  const json = <T>(name: string): T => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new InputError(`${dir}: not a run directory (no ${name})`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (e) {
      throw new InputError(`${file}: not the JSON a run writes (${(e as Error).message}); was it edited or cut short?`);
    }
  };
  const manifest = json<ManifestFile>('manifest.json');
  const summary = json<SummaryFile>('summary.json');
  const scenario = json<Scenario>('scenario.json');
  const arrow = (name: string) => (existsSync(join(dir, name)) ? tableFromIPC(readFileSync(join(dir, name))) : null);
  const sens = arrow('sensitivity.arrow'), paths = arrow('paths.arrow');
  const inputs = manifest.draws?.inputs ?? Object.keys(summary.columns).filter((c) => summary.columns[c].role === 'input' && summary.columns[c].sd > 0);
  const trialsFile = join(dir, 'trials.arrow');
  return {
    dir, manifest, summary, scenario,
    sensitivity: sens && rowsOf<SensitivityRow>(sens),
    paths: paths && rowsOf<PathRow>(paths),
    trials: existsSync(trialsFile) ? await readTrialColumns(trialsFile, reportColumns(scenario, inputs), REPORT_TRIALS) : null,
  };
}
