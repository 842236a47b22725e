import { assetInputs } from '../scenario/resolve.ts';
import type { Chart, Section } from './charts.ts';
import { histogram } from './curves.ts';
import { esc, section } from './html.ts';
import type { RunFiles } from './run-files.ts';

/** Bars of an input's density sketch. */
const SKETCH_BINS = 24;

/** A distribution spec as one line: `pert(min 1.5, mode 2.2, max 3.5)`. */
function specText(spec: unknown): string {
  if (typeof spec === 'number') return String(spec);
  const { dist, ...params } = spec as Record<string, unknown>;
  return `${dist}(${Object.entries(params).map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join(', ')})`;
}

/** Three significant digits, enough to read an input's spread. */
const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toLocaleString('en-US') : '—');

/**
 * Every uncertain input: a density sketch of its draws, its distribution,
 * P5/P50/P95, and the figure it cites (the comment beside it in the scenario file).
 *
 * @param f the run's files
 * @returns the section and one density chart per input
 * @example inputsSection(await readRunFiles(dir)).charts['input-h100.rentalPrice']
 */
export function inputsSection(f: RunFiles): Section {
  const charts: Record<string, Chart> = {};
  const citations = f.manifest.citations ?? {};
  const rows = f.scenario.assets.flatMap((a) => assetInputs(a)).filter((i) => typeof i.spec !== 'number').map(({ name, spec }) => {
    const x = f.trials?.columns.get(name), s = f.summary.columns[name];
    const id = `input-${name}`;
    if (x) charts[id] = { kind: 'density', bins: histogram(x, SKETCH_BINS) };
    return `<tr><th>${esc(name)}</th><td>${x ? `<div class="plot spark" data-chart="${esc(id)}"></div>` : ''}</td><td>${esc(specText(spec))}</td>`
      + `<td>${num(s.p5)}</td><td>${num(s.p50)}</td><td>${num(s.p95)}</td><td>${esc(citations[name] ?? '')}</td></tr>`;
  });
  const body = '<figure class="chart inputs"><figcaption>Every uncertain input as drawn in this run: its shape, its distribution, its middle 90 %, and the figure the scenario file cites for it.</figcaption>'
    + '<table><thead><tr><th>input</th><th>draws</th><th>distribution</th><th>P5</th><th>P50</th><th>P95</th><th>source (scenario file comment)</th></tr></thead>'
    + `<tbody>${rows.join('')}</tbody></table></figure>`;
  return { html: section('inputs', 'The inputs', body), charts };
}
