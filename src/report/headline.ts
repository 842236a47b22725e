import { bookRows, meanInterval, money, moneyInterval, probability, trialsText } from '../output/report.ts';
import type { Section } from './charts.ts';
import { section, table, type Cell } from './html.ts';
import type { RunFiles, SummaryEntry } from './run-files.ts';

/**
 * The terminal's write-down table with the 95 % CIs of the mean and of the
 * percentiles: one row per book (asset, asset under each policy, portfolio).
 * Each figure's cell carries its summary.json column and field.
 *
 * @param f the run's files
 * @returns the section (a table, no chart)
 * @example headlineSection(await readRunFiles(dir)).html
 */
export function headlineSection(f: RunFiles): Section {
  const rows = bookRows(f.scenario).map(({ prefix }): Cell[] => {
    const column = `${prefix}.writedown`;
    const w = f.summary.columns[column], first = f.summary.columns[`${prefix}.first_impairment_month`];
    const carried = f.summary.columns[`${prefix}.carrying_m0`]?.mean ?? NaN;
    const v = (field: keyof SummaryEntry & string, text = money(w[field] as number)): Cell => ({ text, value: w[field] as number, column, field });
    return [
      prefix.replace('@', ' @'),
      v('prob_positive', probability(w.prob_positive, w.count)),
      v('mean'), moneyInterval(...meanInterval(w.mean, w.mean_se)),
      carried > 0 ? `${((100 * w.mean) / carried).toFixed(1)}%` : '—',
      v('p50'), v('p95'), moneyInterval(w.p95_lo, w.p95_hi), v('p99'), moneyInterval(w.p99_lo, w.p99_hi), v('es95'),
      first && first.count ? `m${first.p50.toFixed(0)}` : '—',
    ];
  });
  const body = `<p class="caption">The write-down each book may have to take over ${f.scenario.horizonMonths} months, over ${trialsText(f.summary.trials)}; `
    + '"of C0" is the mean write-down as a share of the carrying amount today; the CIs say how precisely the trials pin each figure down.</p>'
    + table(['write-down', 'P(>0)', 'mean', 'mean 95 % CI', 'of C0', 'P50', 'P95', 'P95 95 % CI', 'P99', 'P99 95 % CI', 'ES95', 'first loss P50'], rows, 'class="headline"');
  return { html: section('headline', 'Write-down at a glance', body), charts: {} };
}
