import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileError } from '../output/file-error.ts';
import { basename, dirname, join } from 'node:path';
import { driversSection } from './drivers.ts';
import { factsSection } from './facts.ts';
import { headlineSection } from './headline.ts';
import { esc } from './html.ts';
import { inputsSection } from './inputs.ts';
import { lossesSection } from './losses.ts';
import { reportPage } from './page.ts';
import { policiesSection } from './policies.ts';
import { readRunFiles, type RunFiles } from './run-files.ts';
import { valuesSection } from './values.ts';

/** The report's file name inside a run directory. */
export const REPORT_FILE = 'report.html';

/**
 * The report page of one run, from its files.
 *
 * @param f the run's files (readRunFiles)
 * @returns the HTML page
 * @example const html = runReport(await readRunFiles('runs/x'))
 */
export function runReport(f: RunFiles): string {
  const m = f.manifest;
  const title = `Write-down risk: ${basename(m.scenario_file)}${m.overrides?.length ? ` (${m.overrides.join(', ')})` : ''}`;
  const intro = `<p class="note">${f.scenario.horizonMonths} months · ${m.trials.toLocaleString('en-US')} trials · seed ${esc(m.seed)} · ${f.scenario.standard.toUpperCase()} · ${esc(f.scenario.valuation)} valuation · sim ${esc(m.version)}${m.created_at ? ` · ${esc(m.created_at)}` : ''}</p>`
    + `<p class="note">${esc(m.caveat ?? '')}</p>`;
  return reportPage(title, intro, [headlineSection(f), lossesSection(f), valuesSection(f), driversSection(f), policiesSection(f), inputsSection(f), factsSection(f)]);
}

/**
 * Write a file whole or not at all: to a temporary sibling, then renamed over the target.
 *
 * @param path the file to write
 * @param text its contents
 * @example writeFileAtomic('runs/x/report.html', html)
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(path, e); // the file asked for, not its temporary sibling
  }
}

/**
 * (Re)build `report.html` of a run directory from the run's files alone.
 *
 * @param dir the run directory
 * @returns the report's path
 * @throws InputError when `dir` holds no run
 * @example await writeRunReport('runs/20261201-062410-s1-f70f4733')
 */
export async function writeRunReport(dir: string): Promise<string> {
  const path = join(dir, REPORT_FILE);
  writeFileAtomic(path, runReport(await readRunFiles(dir)));
  return path;
}
