import { readFileSync } from 'node:fs';
import { ROOT } from '../root.ts';
import { pageJson, type Section } from './charts.ts';
import { esc } from './html.ts';

/**
 * The charting library, inlined so the page needs no network: Observable
 * Plot's UMD build and the d3 bundle it runs on, from node_modules.
 */
const LIBRARIES = ['node_modules/d3/dist/d3.min.js', 'node_modules/@observablehq/plot/dist/plot.umd.min.js'];
const CLIENT = 'src/report/client.js';

/** The library and page scripts, read once per process. */
let scripts: string[] | undefined;
function inlineScripts(): string[] {
  // `</script` inside a script would close the element; written `<\/script` it means the same to JavaScript
  scripts ??= [...LIBRARIES, CLIENT].map((p) => readFileSync(new URL(p, ROOT), 'utf8').replace(/<\/script/gi, '<\\/script'));
  return scripts;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:0 24px 48px;color:#1b1b1b}
header{border-bottom:1px solid #ddd;margin-bottom:8px}h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #eee}
nav a{margin-right:12px}figure{margin:16px 0 28px}figcaption,.caption{color:#333;margin:4px 0 8px}
table{display:block;overflow-x:auto;border-collapse:collapse;font-variant-numeric:tabular-nums;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
th:first-child,thead th{text-align:left}table.facts td{text-align:left;white-space:normal}figure.inputs td:last-child{text-align:left;white-space:normal}
details summary{cursor:pointer;color:#555}.pair{display:flex;gap:8px;align-items:flex-start}.spark{width:160px;height:36px}
.warnings li{color:#8a4b00}.note{color:#555}select{margin:0 0 6px 4px}
`;

/** How every page reportPage writes begins, up to its title. */
const PAGE_START = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\n<title>';
/** How the title of every page sim writes begins (a run's report, a comparison). */
const TITLE_START = 'Write-down risk';

/**
 * Whether a file's first bytes are those of a page sim wrote (a report or a
 * comparison, by this version or an earlier one): only such a page is
 * overwritten by the next one.
 *
 * @param head the file's first bytes (at least PAGE_HEAD_BYTES of them when it has as many)
 * @returns whether it begins as reportPage begins a page
 * @example isReportPage(readFileSync('runs/x/report.html', 'utf8')) // true
 */
export function isReportPage(head: string): boolean {
  return head.startsWith(PAGE_START + TITLE_START);
}
/** Bytes of a file isReportPage needs. */
export const PAGE_HEAD_BYTES = Buffer.byteLength(PAGE_START + TITLE_START);

/**
 * One self-contained HTML page: styles, the chart library, the data and the
 * script that draws it, all inline; nothing is fetched, so it opens from
 * file:// on a machine without a network.
 *
 * @param title the page's title and heading: begins with TITLE_START, which isReportPage looks for
 * @param intro a line of HTML under the heading
 * @param sections the page's sections, in order
 * @returns the page
 * @example reportPage('Write-down risk', '<p>…</p>', [headlineSection(files)])
 */
export function reportPage(title: string, intro: string, sections: Section[]): string {
  const charts = Object.assign({}, ...sections.map((s) => s.charts));
  const nav = sections.map((s) => /<section id="([^"]+)"><h2>([^<]*)<\/h2>/.exec(s.html)).filter((m) => m).map((m) => `<a href="#${m![1]}">${m![2]}</a>`).join('');
  const [d3, plot, client] = inlineScripts();
  if (!title.startsWith(TITLE_START)) throw new Error(`a page's title begins with '${TITLE_START}', got '${title}'`);
  return `${PAGE_START}${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(title)}</h1>${intro}<nav>${nav}</nav></header>
${sections.map((s) => s.html).join('\n')}
<script id="report-data" type="application/json">${pageJson({ charts })}</script>
<script>${d3}</script>
<script>${plot}</script>
<script>${client}</script>
</body></html>
`;
}
