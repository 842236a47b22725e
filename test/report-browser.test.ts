// The report in a real browser: Debian's Chromium (apt-get install -y chromium;
// .ci/run installs it) driven by playwright-core. The pages load from file://
// with no console error and no request other than file://, every chart draws
// marks, and the headline table shows summary.json's numbers.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { writeComparison } from '../src/report/compare.ts';
import { money, probability } from '../src/output/report.ts';

const CHROMIUM = '/usr/bin/chromium';
/** The acceptance run: the default scenario at its default 100,000 trials. */
const TRIALS = 100_000;
/** The compared pair: smaller, the same seed, chunk size and trials, so they share draws. */
const PAIR_TRIALS = 8192;
/** The page budget for a default run. */
const MAX_BYTES = 3 * 1024 * 1024;
/** Plot's mark groups that hold data marks (axes and grids are other groups). */
const MARKS = ['line', 'area', 'rect', 'bar', 'dot'].map((m) => `g[aria-label="${m}"] :is(path, rect, circle)`).join(', ');

const root = mkdtempSync(join(tmpdir(), 'sim-report-browser-'));
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 60_000);
/** The run directories (a 100,000-trial trials.arrow is 500 MB): removed at the end whatever happens. */
const RUNS = { default: join(root, 'default'), base: join(root, 'base'), dearer: join(root, 'dearer') };
/** A task that failed, or a suite whose own hooks did (a beforeAll's failure skips its tests, and no afterEach sees it). */
const failedIn = (t: { result?: { state?: string }; tasks?: unknown[] }): boolean => t.result?.state === 'fail' || (t.tasks ?? []).some((c) => failedIn(c as typeof t));
/** The pages and screenshots stay for a look when anything failed, or when SIM_KEEP_PAGES is set; otherwise nothing is left behind. */
afterAll(async ({}, suite) => {
  try {
    await browser?.close();
  } finally {
    for (const d of Object.values(RUNS)) rmSync(d, { recursive: true, force: true });
    if (failedIn(suite) || process.env.SIM_KEEP_PAGES) console.log(`report pages and screenshots in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
});

/** Open a page from file:// with every non-file request refused and recorded, and console errors recorded. */
async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [], requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** Chart ids whose element holds no drawn data mark. */
const chartsWithoutMarks = (page: Page) => page.$$eval('[data-chart]', (els, marks) => els.filter((e) => !e.querySelector(marks)).map((e) => (e as HTMLElement).dataset.chart), MARKS);

describe('report.html of a default run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = (await run({ scenarioFile: DEFAULT_SCENARIO, trials: TRIALS, out: RUNS.default })).dir;
  }, 600_000);

  it('is one file under 3 MB that loads from file:// with no console error and no network request', async () => {
    const file = join(dir, 'report.html');
    expect(statSync(file).size).toBeLessThan(MAX_BYTES);
    const { page, errors, requests } = await open(file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.$$eval('[data-chart]', (e) => e.length)).toBeGreaterThan(40);
    expect(await chartsWithoutMarks(page)).toEqual([]);
    await page.screenshot({ path: join(root, 'report.png'), fullPage: true });
    writeFileSync(join(root, 'report.html'), readFileSync(file));
    await page.close();
  }, 120_000);

  it('shows the numbers of summary.json in the headline table', async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const { page } = await open(join(dir, 'report.html'));
    const cells = await page.$$eval('table.headline td[data-column]', (tds) => tds.map((td) => ({ column: td.getAttribute('data-column'), field: td.getAttribute('data-field'), value: td.getAttribute('data-value'), text: td.textContent })));
    expect(cells.length).toBeGreaterThan(100);
    for (const c of cells) {
      const s = summary.columns[c.column!];
      const want = s[c.field!];
      expect(Number(c.value), `${c.column} ${c.field}`).toBe(want);
      expect(c.text, `${c.column} ${c.field}`).toBe(c.field === 'prob_positive' ? probability(want, s.count) : money(want));
    }
    await page.close();
  }, 120_000);

  it('redraws a tornado for another policy without error', async () => {
    const { page, errors } = await open(join(dir, 'report.html'));
    const select = page.locator('select[data-switch]').first();
    const options = await select.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    await select.selectOption(options.at(-1)!);
    expect(await page.locator(`[data-chart="${options.at(-1)}"]`).count()).toBe(1);
    expect(await chartsWithoutMarks(page)).toEqual([]);
    expect(await page.locator(`[data-table-for="${options.at(-1)}"]`).getAttribute('hidden')).toBeNull();
    expect(await page.locator(`[data-table-for="${options[0]}"]`).getAttribute('hidden')).not.toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('sim compare of two scenario variants', () => {
  it('pairs them trial by trial and renders offline', async () => {
    const pair = { scenarioFile: DEFAULT_SCENARIO, trials: PAIR_TRIALS, seed: '5' };
    const a = await run({ ...pair, out: RUNS.base, report: false });
    const b = await run({ ...pair, out: RUNS.dearer, overrides: ['h100.rentalPrice.mode=2.6'], report: false });
    const file = join(root, 'compare.html');
    const { notes } = await writeComparison([a.dir, b.dir], file);
    expect(notes).toEqual(['dearer shares draws with base: differences are paired trial by trial.']);
    expect(statSync(file).size).toBeLessThan(MAX_BYTES);
    const { page, errors, requests } = await open(file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await chartsWithoutMarks(page)).toEqual([]);
    const cells = await page.$$eval('table.headline td[data-column]', (tds) => tds.map((td) => (td as HTMLElement).dataset));
    const summaries = [a, b].map((r) => JSON.parse(readFileSync(join(r.dir, 'summary.json'), 'utf8')));
    // rows go series by series, run by run: cell k of a series belongs to run k
    const perRow = 4;
    cells.forEach((c, k) => expect(Number(c.value), `${c.column} ${c.field}`).toBe(summaries[Math.floor(k / perRow) % 2].columns[c.column!][c.field!]));
    expect(await page.locator('#differences td', { hasText: 'paired' }).count()).toBeGreaterThan(0);
    // h100's rental price is the only input that changed: every other input column is the same, trial by trial
    expect(b.summaries.get('b200.rentalPrice')).toEqual(a.summaries.get('b200.rentalPrice'));
    expect(b.summaries.get('h100.rentalPrice')!.mean).toBeGreaterThan(a.summaries.get('h100.rentalPrice')!.mean);
    await page.screenshot({ path: join(root, 'compare.png'), fullPage: true });
    await page.close();
  }, 600_000);
});
