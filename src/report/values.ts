import { money, trialsText } from '../output/report.ts';
import type { BandsChart, Chart, LinesChart, Section } from './charts.ts';
import { holdingShare } from './curves.ts';
import { groupBy } from './group-by.ts';
import { figure, section, table } from './html.ts';
import type { RunFiles } from './run-files.ts';

/** What C, V and M of paths.arrow stand for, as the chart's legend says it. */
const QUANTITY_NAMES: Record<string, string> = { C: 'carrying amount', V: 'recoverable amount', M: 'market value' };
/** Months between rows of the tables under the fan charts. */
const TABLE_STEP = 12;

/**
 * Carrying vs recoverable amount vs market value month by month (median and
 * P5–P95 from paths.arrow), per asset and for the portfolio, and the share of
 * trials still holding each asset: after a sale the amounts are 0 because the
 * asset is gone, not because it is worthless.
 *
 * @param f the run's files
 * @returns the section and its charts; empty when the run has no paths.arrow
 * @example valuesSection(await readRunFiles(dir)).charts['values-portfolio']
 */
export function valuesSection(f: RunFiles): Section {
  if (!f.paths) return { html: '', charts: {} };
  const charts: Record<string, Chart> = {};
  const figures: string[] = [];
  const K = f.manifest.path_sample ?? f.summary.trials;
  const bySeries = groupBy(f.paths, (r) => r.series);
  for (const [series, rows] of bySeries) {
    const id = `values-${series}`;
    const chart: BandsChart = {
      kind: 'bands', x: { label: 'month', format: 'month' }, y: { label: 'USD', format: 'money' },
      series: Object.entries(QUANTITY_NAMES).map(([q, name]) => ({ name, points: rows.filter((r) => r.quantity === q).map((r): [number, number, number, number] => [r.t, r.p5, r.p50, r.p95]) })),
    };
    charts[id] = chart;
    const months = rows.filter((r) => r.quantity === 'C' && r.t % TABLE_STEP === 0).map((r) => r.t);
    const at = (q: string, t: number) => rows.find((r) => r.quantity === q && r.t === t)!;
    const tableRows = months.map((t) => [`month ${t}`, ...Object.keys(QUANTITY_NAMES).flatMap((q) => [money(at(q, t).p50), `${money(at(q, t).p5)} – ${money(at(q, t).p95)}`])]);
    figures.push(figure(id, `${series}: the book's carrying amount against what the asset is worth to its holder (recoverable) and on the market, median and P5–P95 over ${trialsText(K)}; a write-down happens where recoverable falls below carrying.`,
      table(['', ...Object.values(QUANTITY_NAMES).flatMap((n) => [`${n} P50`, `${n} P5 – P95`])], tableRows)));
  }
  const holding = holdingChart(f);
  if (holding) {
    charts.holding = holding.chart;
    figures.push(figure('holding', 'Share of trials still holding each asset: a sold asset shows 0 in the chart above because it is gone, not because it is worthless.', holding.table));
  }
  return { html: section('values', 'Book against value over time', figures.join('')), charts };
}

/** Share of trials holding each asset at each month, from its exit_month column. */
function holdingChart(f: RunFiles): { chart: LinesChart; table: string } | null {
  const H = f.scenario.horizonMonths;
  const series = f.scenario.assets.flatMap((a) => {
    const e = f.trials?.columns.get(`${a.name}.exit_month`);
    return e ? [{ name: a.name, points: holdingShare(e, H).map((s, t): [number, number] => [t, s]) }] : [];
  });
  if (series.length === 0) return null;
  const rows = series[0].points.filter(([t]) => t % TABLE_STEP === 0).map(([t]) => [`month ${t}`, ...series.map((s) => `${(100 * s.points[t][1]).toFixed(1)}%`)]);
  return {
    chart: { kind: 'lines', x: { label: 'month', format: 'month' }, y: { label: 'share still holding', format: 'percent' }, series },
    table: table(['', ...series.map((s) => s.name)], rows),
  };
}
