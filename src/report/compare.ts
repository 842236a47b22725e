import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { meanInterval, money, moneyInterval, probability } from '../output/report.ts';
import { summarize } from '../stats/summarize.ts';
import { checkPageTarget, isRunDirectory, writeFileAtomic } from './build.ts';
import type { Chart, IntervalsChart, Section } from './charts.ts';
import { exceedance, histogram, sortedValues } from './curves.ts';
import { esc, figure, section, table, type Cell } from './html.ts';
import { reportPage } from './page.ts';
import { readRunFiles, type ManifestFile, type RunFiles } from './run-files.ts';

/** Bars of the paired-difference histograms. */
const DIFF_BINS = 40;

/**
 * Whether two runs drew the same numbers for the inputs they share: the same
 * sampler, seed, chunk size and trials (random and lhs key each input's stream
 * by its name; sobol by dimension, so it needs the same input list too).
 *
 * @param a the baseline's manifest
 * @param b another run's manifest
 * @returns null when they share draws, else why not
 * @example drawsDiffer(m1, m2) // 'seed 1 vs 2'
 */
export function drawsDiffer(a: ManifestFile, b: ManifestFile): string | null {
  const x = a.draws, y = b.draws;
  if (!x || !y) return 'a run predates per-input draws (no "draws" in manifest.json)';
  const keys = ['sampler', 'seed', 'chunk_size', 'trials'] as const;
  const k = keys.find((key) => x[key] !== y[key]);
  if (k) return `${k.replace('_', ' ')} ${x[k]} vs ${y[k]}`;
  if (x.sampler === 'sobol' && x.inputs.join() !== y.inputs.join()) return 'sobol draws by dimension, and the runs have different inputs';
  return null;
}

/** A run's label on the page: its directory's name. */
const label = (f: RunFiles) => basename(resolve(f.dir));

/**
 * Runs side by side: what each run was and whether it shares draws with the
 * first; headline write-downs; exceedance curves overlaid; and, for runs that
 * share draws with the first, paired per-trial differences with CIs.
 *
 * @param runs the runs' files, the baseline first
 * @returns the page and one line per run on whether its differences are paired
 * @example comparisonPage([await readRunFiles('runs/a'), await readRunFiles('runs/b')]).notes
 */
export function comparisonPage(runs: RunFiles[]): { html: string; notes: string[] } {
  const base = runs[0];
  const differ = runs.map((r) => (r === base ? null : drawsDiffer(base.manifest, r.manifest)));
  const notes = runs.slice(1).map((r, k) => (differ[k + 1] === null
    ? (r.trials && base.trials
        ? `${label(r)} shares draws with ${label(base)}: differences are paired trial by trial.`
        : `${label(r)} shares draws with ${label(base)}, but without both runs' trials.arrow only the distributions are compared, not trial by trial.`)
    : `${label(r)} does NOT share draws with ${label(base)} (${differ[k + 1]}): only the distributions are compared, not trial by trial.`))
    .concat(runs.flatMap((r) => r.leftOut.filter((l) => l.file === 'trials.arrow' && !r.trials)
      .map((l) => `${label(r)}: trials.arrow: ${l.why}; left out: its exceedance curves and trial-by-trial differences (means only).`)));
  const series = ['portfolio', ...base.scenario.assets.map((a) => a.name).filter((n) => runs.every((r) => r.summary.columns[`${n}.writedown`]))];
  const sections = [runsSection(runs, differ), headlineSection(runs, series), curvesSection(runs, series), pairedSection(runs, series, differ)];
  const intro = `<p class="note">${runs.length} runs; the first, ${esc(label(base))}, is the baseline.</p>${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}`;
  return { html: reportPage(`Write-down risk compared: ${runs.map(label).join(' · ')}`, intro, sections), notes };
}

/** What each run was, and whether it shares draws with the baseline. */
function runsSection(runs: RunFiles[], differ: (string | null)[]): Section {
  const rows = runs.map((r, k) => {
    const m = r.manifest;
    return [label(r), basename(m.scenario_file), (m.overrides ?? []).join(', ') || '—', m.seed, m.draws?.sampler ?? m.sampler ?? '', m.trials.toLocaleString('en-US'), String(m.chunk_size ?? ''), r.scenario.valuation,
      k === 0 ? 'baseline' : differ[k] === null ? 'yes' : `no: ${differ[k]}`];
  });
  return { html: section('runs', 'The runs', table(['run', 'scenario', '--set', 'seed', 'sampler', 'trials', 'chunk size', 'valuation', 'shares draws with the baseline'], rows, 'class="runs"')), charts: {} };
}

/** Mean, P95 and ES95 of each series' write-down (own policy), run by run. */
function headlineSection(runs: RunFiles[], series: string[]): Section {
  const rows = series.flatMap((s) => runs.map((r): Cell[] => {
    const column = `${s}.writedown`, w = r.summary.columns[column];
    const v = (field: 'mean' | 'p95' | 'es95' | 'prob_positive', text = money(w[field])): Cell => ({ text, value: w[field], column, field });
    return [`${s} · ${label(r)}`, v('prob_positive', probability(w.prob_positive, w.count)), v('mean'), moneyInterval(...meanInterval(w.mean, w.mean_se)), v('p95'), moneyInterval(w.p95_lo, w.p95_hi), v('es95')];
  }));
  const chart: IntervalsChart = {
    kind: 'intervals', x: { label: 'P95 of the write-down, with its 95 % CI', format: 'money' },
    rows: series.flatMap((s) => runs.map((r) => {
      const w = r.summary.columns[`${s}.writedown`];
      return { label: `${s} · ${label(r)}`, series: label(r), mid: w.p95, lo: w.p95_lo, hi: w.p95_hi };
    })),
  };
  const html = figure('compare-p95', 'The write-down exceeded 1 time in 20 (P95), run by run, for the portfolio and each asset under its own policy.',
    table(['write-down', 'P(>0)', 'mean', 'mean 95 % CI', 'P95', 'P95 95 % CI', 'ES95'], rows, 'class="headline"'));
  return { html: section('headline', 'Write-down side by side', html), charts: { 'compare-p95': chart } };
}

/** Exceedance curves of each series, one line per run. */
function curvesSection(runs: RunFiles[], series: string[]): Section {
  const charts: Record<string, Chart> = {};
  const figures = series.map((s) => {
    const id = `compare-exceedance-${s}`;
    const curves = runs.flatMap((r) => {
      const x = r.trials?.columns.get(`${s}.writedown`);
      return x ? [{ run: label(r), sorted: sortedValues(x), w: r.summary.columns[`${s}.writedown`] }] : [];
    });
    if (curves.length === 0) return '';
    if (curves.every((c) => !(c.sorted[c.sorted.length - 1] > 0))) return `<p class="note">${esc(s)}: no write-down in any trial of any run.</p>`;
    charts[id] = {
      kind: 'lines', x: { label: 'write-down x', format: 'money' }, y: { label: 'P(write-down > x)', format: 'percent' },
      series: curves.map((c) => ({ name: c.run, points: exceedance(c.sorted) })),
      marks: curves.map((c) => ({ series: c.run, x: c.w.p95, y: 0.05, label: 'P95' })),
    };
    return figure(id, `${s}: the chance that the write-down exceeds each amount, one line per run.`,
      table(['run', 'P(>0)', 'P50', 'P95', 'P99', 'ES95'], curves.map((c) => [c.run, probability(c.w.prob_positive, c.w.count), money(c.w.p50), money(c.w.p95), money(c.w.p99), money(c.w.es95)])));
  });
  return { html: section('curves', 'Exceedance curves', figures.join('')), charts };
}

/** Run k − baseline, trial by trial where the draws are shared; otherwise only the difference of means. */
function pairedSection(runs: RunFiles[], series: string[], differ: (string | null)[]): Section {
  const base = runs[0];
  const charts: Record<string, Chart> = {};
  const rows: Cell[][] = [];
  const intervals: IntervalsChart = { kind: 'intervals', x: { label: 'mean write-down, run − baseline, with its 95 % CI', format: 'money' }, rows: [] };
  const hist: { name: string; bins: [number, number, number][] }[] = [];
  runs.slice(1).forEach((r, k) => {
    const paired = differ[k + 1] === null;
    for (const s of series) {
      const a = base.trials?.columns.get(`${s}.writedown`), b = r.trials?.columns.get(`${s}.writedown`);
      const name = `${s} · ${label(r)} − ${label(base)}`;
      if (paired && a && b) {
        const n = Math.min(a.length, b.length), d = new Float64Array(n);
        for (let i = 0; i < n; i++) d[i] = b[i] - a[i];
        const sm = summarize(d, 'loss');
        const [lo, hi] = meanInterval(sm.mean, sm.mean_se);
        intervals.rows.push({ label: name, series: label(r), mid: sm.mean, lo, hi });
        rows.push([name, 'paired', money(sm.mean), moneyInterval(lo, hi), money(sm.p5), money(sm.p50), money(sm.p95), probability(sm.prob_positive, sm.count), n.toLocaleString('en-US')]);
        if (s === 'portfolio') hist.push({ name: label(r), bins: histogram(d, DIFF_BINS) });
      } else {
        const x = base.summary.columns[`${s}.writedown`], y = r.summary.columns[`${s}.writedown`];
        // no standard error for a run of one trial (null in summary.json): no interval, rather than one of width 0
        const se = x.mean_se === null || y.mean_se === null ? NaN : Math.hypot(x.mean_se, y.mean_se);
        const mean = y.mean - x.mean, [lo, hi] = meanInterval(mean, se);
        intervals.rows.push({ label: name, series: label(r), mid: mean, lo, hi });
        rows.push([name, paired ? 'not paired (no trials.arrow)' : 'not paired (draws differ)', money(mean), moneyInterval(lo, hi), '—', '—', '—', '—', '—']);
      }
    }
  });
  charts['compare-differences'] = intervals;
  let html = figure('compare-differences', 'How much more (right) or less (left) each run writes down than the baseline: mean difference with its 95 % CI — trial by trial where the runs share draws, which makes the CI much narrower.',
    table(['difference', 'how', 'mean', '95 % CI', 'P5', 'P50', 'P95', 'P(more)', 'trials'], rows));
  if (hist.length) {
    charts['compare-difference-histogram'] = { kind: 'bars', x: { label: 'portfolio write-down, run − baseline, same trial', format: 'money' }, y: { label: 'share of trials', format: 'percent' }, series: hist };
    html += figure('compare-difference-histogram', 'Portfolio: how the write-down of the same trial changes from the baseline to each run that shares its draws.',
      table(['run', 'from', 'to', 'share of trials'], hist.flatMap((h) => h.bins.filter((b) => b[2] > 0).map((b) => [h.name, money(b[0]), money(b[1]), `${(100 * b[2]).toFixed(2)}%`]))));
  }
  return { html: section('differences', 'Differences from the baseline', html), charts };
}

/**
 * Compare runs and write the page atomically.
 *
 * @param dirs run directories, the baseline first
 * @param out the page to write
 * @returns its path and the lines saying which runs are paired with the baseline
 * @throws InputError when a directory holds no run or a damaged one, or `out` is a directory, a file that is not a page sim wrote, or inside a run or shard directory
 * @example await writeComparison(['runs/a', 'runs/b'], 'compare.html')
 */
export async function writeComparison(dirs: string[], out: string): Promise<{ path: string; notes: string[] }> {
  const path = resolve(out);
  // a run directory holds what its run wrote and nothing else, its own report.html included
  if (isRunDirectory(dirname(path))) throw new InputError(`--out ${out}: inside the run directory ${dirname(path)}, which holds only what its run wrote; write the comparison outside it`);
  checkPageTarget(path, `--out ${out}`);
  const runs = [];
  for (const d of dirs) runs.push(await readRunFiles(d));
  const { html, notes } = comparisonPage(runs);
  writeFileAtomic(path, html);
  return { path, notes };
}
