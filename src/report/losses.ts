import { money, probability, trialsText } from '../output/report.ts';
import type { BandsChart, BarsChart, Chart, LinesChart, Section } from './charts.ts';
import { exceedance, histogram, sortedValues } from './curves.ts';
import { esc, figure, section, table, type Cell } from './html.ts';
import type { RunFiles } from './run-files.ts';

/** Exceedance probabilities the curve tables list. */
const TABLE_LEVELS = [0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001];
/** Months per bar of the first-impairment histogram. */
const MONTHS_PER_BIN = 3;

/**
 * The series a run reports on: each asset, then the portfolio, with their
 * books (own policy first, then each named policy that applies to it).
 *
 * @param f the run's files
 * @returns per series its books' policy names and column prefixes
 * @example seriesBooks(files).at(-1) // { series: 'portfolio', books: [{ policy: 'own', prefix: 'portfolio' }, …] }
 */
export function seriesBooks(f: RunFiles): { series: string; books: { policy: string; prefix: string }[] }[] {
  const policies = Object.keys(f.scenario.policies);
  const withPolicies = (name: string) => [{ policy: 'own', prefix: name }, ...policies.map((p) => ({ policy: p, prefix: `${name}@${p}` }))];
  return [
    ...f.scenario.assets.map((a) => ({ series: a.name, books: a.kind === 'hardware' ? withPolicies(a.name) : [{ policy: 'own', prefix: a.name }] })),
    { series: 'portfolio', books: withPolicies('portfolio') },
  ];
}

/**
 * Where losses reach and when they land: an exceedance curve per asset and
 * for the portfolio (one line per policy, P95 and ES95 marked), cumulative
 * write-down by test month per policy, and the first impairment month.
 *
 * @param f the run's files
 * @returns the section and its charts
 * @example lossesSection(await readRunFiles(dir)).charts['exceedance-portfolio']
 */
export function lossesSection(f: RunFiles): Section {
  const charts: Record<string, Chart> = {};
  const figures: string[] = [];
  const n = f.trials?.n ?? 0;
  for (const { series, books } of seriesBooks(f)) {
    const id = `exceedance-${series}`;
    const sort = sortedOnce();
    const curves = books.map((b) => ({ ...b, sorted: f.trials?.columns.get(`${b.prefix}.writedown`) })).filter((b) => b.sorted).map((b) => ({ ...b, sorted: sort(b.sorted!) }));
    if (curves.length === 0) continue;
    if (curves.every((c) => !(c.sorted[c.sorted.length - 1] > 0))) {
      figures.push(`<p class="note">${esc(series)}: no write-down in ${n === 1 ? 'the one trial' : `any of the ${trialsText(n)}`}, under any policy.</p>`);
      continue;
    }
    const chart: LinesChart = {
      kind: 'lines', x: { label: 'write-down x', format: 'money' }, y: { label: 'P(write-down > x)', format: 'percent' },
      series: curves.map((c) => ({ name: c.policy, points: exceedance(c.sorted) })),
      marks: books.flatMap((b) => {
        const s = f.summary.columns[`${b.prefix}.writedown`];
        return [{ series: b.policy, x: s.p95, y: 0.05, label: 'P95' }, { series: b.policy, x: s.es95, y: shareAbove(curves.find((c) => c.policy === b.policy)?.sorted, s.es95), label: 'ES95' }];
      }),
    };
    charts[id] = chart;
    const rows: Cell[][] = [
      ['P(> 0)', ...books.map((b) => { const s = f.summary.columns[`${b.prefix}.writedown`]; return probability(s.prob_positive, s.count); })],
      ...TABLE_LEVELS.map((p) => [`exceeded with ${(100 * p).toFixed(1)} %`, ...curves.map((c) => money(quantile(c.sorted, 1 - p)))]),
      ['ES95 (mean of the worst 5 %)', ...books.map((b) => money(f.summary.columns[`${b.prefix}.writedown`].es95))],
    ];
    figures.push(figure(id, `${series}: the chance that the write-down exceeds each amount, one line per depreciation policy; dots mark P95 (exceeded 1 time in 20) and ES95 (the average of the worst 5 %). Curves from ${trialsText(n)}.`,
      table(['', ...books.map((b) => b.policy)], rows)));
  }

  const byMonth = cumulativeByTestMonth(f);
  charts['writedown-by-month'] = byMonth.chart;
  figures.push(figure('writedown-by-month', 'Portfolio: write-down recognised so far at each test month — median line and P5–P95 band — per policy.', byMonth.table));

  const first = firstImpairment(f);
  if (first) {
    charts['first-impairment'] = first.chart;
    figures.push(figure('first-impairment', 'When each asset is first impaired (own policy): share of trials per quarter; trials never impaired have no bar.', first.table));
  }
  return { html: section('losses', 'How large and when', figures.join('')), charts };
}

/**
 * Sorting each book's column is most of the report's time; a book's own
 * policy is often one of the named ones (h100's six years), so a column equal
 * to one sorted before reuses its sorted copy.
 */
function sortedOnce(): (x: Float64Array) => Float64Array {
  const done: { raw: Float64Array; sorted: Float64Array }[] = [];
  const equal = (a: Float64Array, b: Float64Array) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  return (x) => {
    const same = done.find((d) => equal(d.raw, x));
    if (same) return same.sorted;
    const sorted = sortedValues(x);
    done.push({ raw: x, sorted });
    return sorted;
  };
}

/** Percentile of sorted values, NaN when empty (linear interpolation, as the summaries). */
function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p, lo = Math.floor(h), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** P(X > x) over sorted values, where the ES95 mark sits on its curve. */
function shareAbove(sorted: Float64Array | undefined, x: number): number {
  if (!sorted || sorted.length === 0) return NaN;
  let k = 0;
  while (k < sorted.length && sorted[sorted.length - 1 - k] > x) k++;
  return k / sorted.length;
}

/** Cumulative portfolio write-down at each test month, per policy: P5, P50, P95 from summary.json. */
function cumulativeByTestMonth(f: RunFiles): { chart: BandsChart; table: string } {
  const books = seriesBooks(f).find((s) => s.series === 'portfolio')!.books;
  const months = f.scenario.testMonths;
  const series = books.map((b) => ({
    name: b.policy,
    points: months.map((t): [number, number, number, number] => {
      const s = f.summary.columns[`${b.prefix}.writedown_m${t}`];
      return [t, s.p5, s.p50, s.p95];
    }),
  }));
  const rows = months.map((t, k) => [`month ${t}`, ...series.map((s) => `${money(s.points[k][2])} (${money(s.points[k][1])} – ${money(s.points[k][3])})`)]);
  return {
    chart: { kind: 'bands', x: { label: 'test month', format: 'month' }, y: { label: 'cumulative write-down', format: 'money' }, series },
    table: table(['P50 (P5 – P95)', ...books.map((b) => b.policy)], rows),
  };
}

/** Histogram of each asset's first impairment month under its own policy, by quarter. */
function firstImpairment(f: RunFiles): { chart: BarsChart; table: string } | null {
  if (!f.trials) return null;
  const H = f.scenario.horizonMonths, bins = Math.ceil((H + 1) / MONTHS_PER_BIN);
  const series = f.scenario.assets.flatMap((a) => {
    const x = f.trials!.columns.get(`${a.name}.first_impairment_month`);
    return x ? [{ name: a.name, bins: histogram(x, bins, [0, bins * MONTHS_PER_BIN]) }] : [];
  });
  if (series.length === 0) return null;
  const never = series.map((s) => `${(100 * (1 - s.bins.reduce((t, b) => t + b[2], 0))).toFixed(1)}%`);
  const rows = [['never impaired', ...never], ...series[0].bins.map((b, k) => [`months ${b[0]}–${b[1] - 1}`, ...series.map((s) => `${(100 * s.bins[k][2]).toFixed(1)}%`)])];
  return {
    chart: { kind: 'bars', x: { label: 'first impairment month', format: 'month' }, y: { label: 'share of trials', format: 'percent' }, series },
    table: table(['', ...series.map((s) => s.name)], rows),
  };
}
