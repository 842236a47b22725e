import { meanInterval, money, moneyInterval, probability } from '../output/report.ts';
import type { Chart, IntervalsChart, Section } from './charts.ts';
import { histogram } from './curves.ts';
import { figure, section, table } from './html.ts';
import { seriesBooks } from './losses.ts';
import type { RunFiles } from './run-files.ts';

/**
 * How the depreciation policies compare on the same trials: paired
 * differences in write-down with their CIs, the yearly P&L charge, the
 * day-one gap between book and market, and when the holder sells.
 *
 * @param f the run's files
 * @returns the section and its charts
 * @example policiesSection(await readRunFiles(dir)).charts['policy-differences']
 */
export function policiesSection(f: RunFiles): Section {
  const charts: Record<string, Chart> = {};
  const figures: string[] = [];
  const col = f.summary.columns;
  const portfolio = seriesBooks(f).find((s) => s.series === 'portfolio')!.books;

  const diffs = Object.entries(f.summary.policy_differences);
  if (diffs.length) {
    const rows = diffs.map(([name, s]) => {
      const [series, policy] = name.replace(/\.writedown_vs_own$/, '').split('@');
      return { series, policy, s };
    });
    charts['policy-differences'] = {
      kind: 'intervals', x: { label: 'write-down under the policy − under the own policy (mean, 95 % CI)', format: 'money' },
      rows: rows.map(({ series, policy, s }) => { const [lo, hi] = meanInterval(s.mean, s.mean_se); return { label: `${series} @${policy}`, series, mid: s.mean, lo, hi }; }),
    };
    figures.push(figure('policy-differences', 'How much more (right) or less (left) each policy writes down than the book\'s own policy, trial by trial on the same draws: mean difference with its 95 % CI.',
      table(['book', 'policy', 'mean difference', '95 % CI', 'P5', 'P95', 'P(more)'], rows.map(({ series, policy, s }) => [series, policy, money(s.mean), moneyInterval(...meanInterval(s.mean, s.mean_se)), money(s.p5), money(s.p95), probability(s.prob_positive, s.count)]))));
  }

  const years = Math.ceil(f.scenario.horizonMonths / 12);
  const charge: IntervalsChart = { kind: 'intervals', x: { label: 'portfolio P&L charge in the year (P50, P5–P95)', format: 'money' }, rows: [] };
  const chargeRows = Array.from({ length: years }, (_, k) => [`year ${k + 1}`, ...portfolio.map((b) => {
    const s = col[`${b.prefix}.charge_y${k + 1}`];
    charge.rows.push({ label: `year ${k + 1} · ${b.policy}`, series: b.policy, mid: s.p50, lo: s.p5, hi: s.p95 });
    return `${money(s.p50)} (${money(s.p5)} – ${money(s.p95)})`;
  })]);
  charts['charges'] = charge;
  figures.push(figure('charges', 'The portfolio\'s yearly P&L charge (depreciation, failures, write-downs, result of sales) under each policy: median and P5–P95.',
    table(['P50 (P5 – P95)', ...portfolio.map((b) => b.policy)], chargeRows)));

  if (col['portfolio.gap_m0']) {
    const rows = portfolio.map((b) => ({ b, gap: col[`${b.prefix}.gap_m0`], carrying: col[`${b.prefix}.carrying_m0`] }));
    charts['day-one-gap'] = {
      kind: 'intervals', x: { label: 'book above market today (P50, P5–P95)', format: 'money' },
      rows: rows.map(({ b, gap }) => ({ label: b.policy, series: b.policy, mid: gap.p50, lo: gap.p5, hi: gap.p95 })),
    };
    figures.push(figure('day-one-gap', 'Today, how far each policy\'s book stands above what the portfolio would fetch on the market, against the carrying amount it starts from.',
      table(['policy', 'gap P50', 'gap P5 – P95', 'carrying amount at t = 0 (mean)', 'gap P50 of carrying'], rows.map(({ b, gap, carrying }) => [b.policy, money(gap.p50), `${money(gap.p5)} – ${money(gap.p95)}`, money(carrying.mean), carrying.mean > 0 ? `${((100 * gap.p50) / carrying.mean).toFixed(1)}%` : '—']))));
  }

  const exits = f.scenario.assets.flatMap((a) => {
    const e = f.trials?.columns.get(`${a.name}.exit_month`);
    return e ? [{ name: a.name, bins: histogram(e, f.scenario.horizonMonths + 1, [0, f.scenario.horizonMonths + 1]) }] : [];
  });
  if (exits.length) {
    charts['exit-months'] = { kind: 'bars', x: { label: 'exit month (sale, or the horizon when held)', format: 'month' }, y: { label: 'share of trials', format: 'percent' }, series: exits };
    const rows = exits.map((s) => [s.name, ...[12, 24, 36, 48, 60].map((m) => `${(100 * s.bins.filter((b) => b[0] < m).reduce((t, b) => t + b[2], 0)).toFixed(1)}%`), `${(100 * (s.bins.at(-1)?.[2] ?? 0)).toFixed(1)}%`]);
    figures.push(figure('exit-months', 'When the holder sells each asset (the same under every policy: the sale follows value, not the book); the last bar holds to the horizon.',
      table(['asset', 'sold before month 12', '24', '36', '48', '60', 'held to the horizon'], rows)));
  }
  return { html: section('policies', 'Policy against policy', figures.join('')), charts };
}
