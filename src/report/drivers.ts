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
      const rows = widest(t.swing, byOutput.get(output) ?? [], TOP).map((i) => sensitivityRow(t, i));
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

/**
 * The `top` rows of the widest finite swings, widest first, ties in row
 * order: a stable sort's first `top`, without sorting thousands of inputs
 * for each of hundreds of books.
 *
 * @param swing every row's swing
 * @param rows the rows to choose from, in row order
 * @param top how many to keep
 * @returns the chosen rows
 * @example widest(Float64Array.of(1, -3, NaN, 3), [0, 1, 2, 3], 2) // [1, 3]
 */
export function widest(swing: Float64Array, rows: readonly number[], top: number): number[] {
  const best: number[] = [];
  for (const i of rows) {
    const w = Math.abs(swing[i]);
    if (!Number.isFinite(w) || (best.length === top && w <= Math.abs(swing[best[top - 1]]))) continue;
    // after every row at least as wide: ties keep row order
    let at = best.length;
    while (at > 0 && Math.abs(swing[best[at - 1]]) < w) at--;
    best.splice(at, 0, i);
    if (best.length > top) best.pop();
  }
  return best;
}
