import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileError } from '../output/file-error.ts';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { JSON_FILES } from '../schema.ts';
import { SHARD_FILES } from '../shard/files.ts';
import { driversSection } from './drivers.ts';
import { factsSection } from './facts.ts';
import { headlineSection } from './headline.ts';
import { trialsText } from '../output/report.ts';
import { temporarySibling } from '../output/run-dir.ts';
import { esc } from './html.ts';
import { inputsSection } from './inputs.ts';
import { lossesSection } from './losses.ts';
import { isReportPage, PAGE_HEAD_BYTES, reportPage } from './page.ts';
import { policiesSection } from './policies.ts';
import { leftOutLine, readRunFiles, type RunFiles } from './run-files.ts';
import { valuesSection } from './values.ts';
import { STANDARD_NAMES } from '../scenario/types.ts';

/** The report's file name inside a run directory. */
export const REPORT_FILE = 'report.html';

/**
 * The report page of one run, from its files.
 *
 * @param f the run's files (readRunFiles)
 * @param between awaited after each section (a run lets Ctrl-C in there)
 * @returns the HTML page
 * @example const html = await runReport(await readRunFiles('runs/x'))
 */
export async function runReport(f: RunFiles, between?: () => Promise<void>): Promise<string> {
  const m = f.manifest;
  const title = `Write-down risk: ${basename(m.scenario_file)}${m.overrides?.length ? ` (${m.overrides.join(', ')})` : ''}`;
  const leftOut = f.leftOut.length ? `<p class="note">Left out of this page, for want of a file:</p><ul class="warnings">${f.leftOut.map((l) => `<li>${esc(leftOutLine(l))}</li>`).join('')}</ul>` : '';
  const intro = `<p class="note">${f.scenario.horizonMonths} months · ${trialsText(m.trials)} · seed ${esc(m.seed)} · ${STANDARD_NAMES[f.scenario.standard]} · ${esc(f.scenario.valuation)} valuation · sim ${esc(m.version)}${m.created_at ? ` · ${esc(m.created_at)}` : ''}</p>`
    + `<p class="note">${esc(m.caveat ?? '')}</p>${leftOut}`;
  const sections = [];
  // a turn after each section: for 500 assets the page takes ~1.5 s in all, the losses, drivers and inputs 0.2–0.4 s each
  for (const section of [headlineSection, lossesSection, valuesSection, driversSection, policiesSection, inputsSection, factsSection]) {
    sections.push(section(f));
    await between?.();
  }
  return reportPage(title, intro, sections);
}

/**
 * Write a file whole or not at all: to a temporary sibling, then renamed over the target.
 *
 * @param path the file to write
 * @param text its contents
 * @example writeFileAtomic('runs/x/report.html', html)
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = temporarySibling(path);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(path, e); // the file asked for, not its temporary sibling
  }
}

/**
 * Refuse, before any work, a page's destination that the page would destroy
 * or cannot be written to: only nothing, an empty file or a page sim wrote
 * (a report or a comparison, which the new page replaces) may be there, in a
 * directory that exists.
 *
 * @param path the page's file
 * @param given how the command line named it, for the message (`--out x.html`)
 * @throws InputError (exit 2) naming `given` and why
 * @example checkPageTarget('runs/x/trials.arrow', '--out runs/x/trials.arrow') // throws: not overwritten
 */
export function checkPageTarget(path: string, given: string): void {
  checkPageFile(path, given);
  // the page goes to a hidden sibling, then is renamed: try that sibling now, so a directory the page cannot be written into is refused before any work
  const probe = temporarySibling(path);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (e) {
    throw new InputError(`${given}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  rmSync(probe, { force: true });
}

/** What is at the page's path, if anything, may be replaced by it (checkPageTarget). */
function checkPageFile(path: string, given: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new InputError(`${given}: cannot write there (${code ?? (e as Error).message})`);
    const parent = dirname(path);
    if (!existsSync(parent)) throw new InputError(`${given}: the directory ${parent} does not exist`);
    if (!statSync(parent).isDirectory()) throw new InputError(`${given}: ${parent} is not a directory`);
    return;
  }
  if (st.isDirectory()) throw new InputError(`${given}: a directory is there, not a file the page can replace`);
  if (!st.isFile()) throw new InputError(`${given}: not a regular file; give the file name of the page to write`);
  if (st.size === 0) return;
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(PAGE_HEAD_BYTES);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!isReportPage(head.toString('utf8'))) throw new InputError(`${given}: not overwritten: it is not a page sim wrote (it does not begin like report.html); move it away first`);
}

/**
 * Whether a directory is a run's or a shard's, whose files are all the run wrote.
 *
 * @param dir a directory
 * @returns true when it holds a run's JSON files or a shard's key
 */
export function isRunDirectory(dir: string): boolean {
  return JSON_FILES.every((f) => existsSync(join(dir, f))) || existsSync(join(dir, SHARD_FILES.key));
}

/**
 * (Re)build `report.html` of a run directory from the run's files alone.
 *
 * @param dir the run directory
 * @param between awaited between the files read and before the page is built (a run lets Ctrl-C in there)
 * @returns the report's path, and one line per part of the page left out for want of a file
 * @throws InputError when `dir` holds no run or a damaged one, or its report.html is not a page sim wrote (checkPageTarget)
 * @example await writeRunReport('runs/20261201-062410-s1-f70f4733')
 */
export async function writeRunReport(dir: string, between?: () => Promise<void>): Promise<{ path: string; leftOut: string[] }> {
  // before the page's own checks, which would name report.html inside a file
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`${dir}: not a run directory (a file)`);
  const path = join(dir, REPORT_FILE);
  checkPageTarget(path, path);
  const files = await readRunFiles(dir, between);
  await between?.();
  writeFileAtomic(path, await runReport(files, between));
  return { path, leftOut: files.leftOut.map(leftOutLine) };
}
