import { money } from '../output/report.ts';
import type { Chart, Section } from './charts.ts';
import { section, switchFigure, table } from './html.ts';
import { seriesBooks } from './losses.ts';
import type { RunFiles } from './run-files.ts';
import { rowsByOutput, sensitivityRow } from '../output/sensitivity-table.ts';

/** A number to `d` decimals with `unit` after it; — for NaN (a null in the Arrow file). */
const fixed = (x: number, d: number, unit = '') => (Number.isFinite(x) ? `${x.toFixed(d)}${unit}` : '—');

/** Inputs a tornado shows: the widest swings. */
const TOP = 10;

/**
 * Tornado of the drivers in dollars, as @RISK draws it: per asset and for the
 * portfolio, under each policy, the mean write-down when each input sits in
 * its bottom decile and in its top decile (sensitivity.arrow), around the
 * mean, beside the input's rank correlation with the write-down.
 *
 * @param f the run's files
 * @returns the section and its charts; empty without sensitivity.arrow
 * @example driversSection(await readRunFiles(dir)).charts['tornado-portfolio-own']
 */
export function driversSection(f: RunFiles): Section {
  if (!f.sensitivity) return { html: '', charts: {} };
  const charts: Record<string, Chart> = {};
  // one pass: a run of many assets has outputs × inputs rows, and every book looks up its own
  const t = f.sensitivity, byOutput = rowsByOutput(t);
  const figures = seriesBooks(f).map(({ series, books }) => {
    const options = books.flatMap(({ policy, prefix }) => {
      const output = `${prefix}.writedown`;
      const rows = (byOutput.get(output) ?? []).filter((i) => Number.isFinite(t.swing[i]))
        .sort((a, b) => Math.abs(t.swing[b]) - Math.abs(t.swing[a])).slice(0, TOP).map((i) => sensitivityRow(t, i));
      if (rows.length === 0) return [];
      const id = `tornado-${series}-${policy}`;
      charts[id] = { kind: 'tornado', output, base: f.summary.columns[output].mean, rows: rows.map((r) => ({ input: r.input, low: r.mean_bottom_decile, high: r.mean_top_decile, rho: r.spearman })) };
      const tableHtml = table(['input', 'mean write-down, input in bottom decile', 'in top decile', 'swing (top − bottom)', 'Spearman ρ', 'share of the inputs\' Σρ²'],
        rows.map((r) => [r.input, money(r.mean_bottom_decile), money(r.mean_top_decile), money(r.swing), fixed(r.spearman, 3), fixed(100 * r.variance_share, 1, '%')]));
      return [{ label: policy, id, tableHtml }];
    });
    return options.length ? switchFigure(`${series}: how far the mean write-down moves when one input is at its low end (bottom 10 % of trials) or its high end (top 10 %); the line is the mean; right, each input's rank correlation with the write-down.`, options) : '';
  });
  return { html: section('drivers', 'What drives the write-down', figures.join('')), charts };
}
