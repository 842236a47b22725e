/** HTML building blocks of the report: escaping, tables whose cells carry their raw numbers, and chart figures. */

/**
 * Text safe inside HTML elements and attribute values.
 *
 * @param s any text
 * @returns the text with &, <, >, " and ' escaped
 * @example esc('a < b') // 'a &lt; b'
 */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A table cell: text, or text with the raw number (and where it came from) kept in data- attributes for tests and scripts. */
export type Cell = string | { text: string; value?: number; column?: string; field?: string };

/**
 * A plain HTML table (copies into a spreadsheet as rows and columns).
 *
 * @param header column titles
 * @param rows the cells, first column as row headers
 * @param attrs extra attributes of the <table>, e.g. `class="headline"`
 * @returns the table's HTML
 * @example table(['policy', 'P95'], [['own', { text: '$1.2M', value: 1.2e6 }]])
 */
export function table(header: string[], rows: Cell[][], attrs = ''): string {
  const cell = (c: Cell, k: number) => {
    const tag = k === 0 ? 'th' : 'td';
    if (typeof c === 'string') return `<${tag}>${esc(c)}</${tag}>`;
    const data = [
      c.value !== undefined && `data-value="${Number.isFinite(c.value) ? c.value : 'NaN'}"`,
      c.column && `data-column="${esc(c.column)}"`,
      c.field && `data-field="${esc(c.field)}"`,
    ].filter(Boolean).join(' ');
    return `<${tag} ${data}>${esc(c.text)}</${tag}>`;
  };
  return `<table ${attrs}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * A chart's figure: the caption in one plain sentence, the place the page's
 * script draws chart `id` into, and the table of the numbers it shows.
 *
 * @param id the chart's key in the page data
 * @param caption one plain-language line
 * @param tableHtml the numbers, from table()
 * @returns the figure's HTML
 * @example figure('exceedance-portfolio', 'How likely each loss is to be exceeded.', table(…))
 */
export function figure(id: string, caption: string, tableHtml: string): string {
  return `<figure class="chart" id="${esc(id)}"><figcaption>${esc(caption)}</figcaption><div class="plot" data-chart="${esc(id)}"></div>`
    + `<details><summary>Numbers</summary>${tableHtml}</details></figure>`;
}

/**
 * A section of the page.
 *
 * @param id its anchor
 * @param title its heading
 * @param body its HTML
 * @returns the section's HTML
 * @example section('drivers', 'What drives the losses', figure(…))
 */
export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${body}</section>`;
}

/**
 * A figure that shows one of several charts of the same kind, chosen in a
 * <select> (a tornado per policy); every chart's table is in the page, the
 * chosen one shown.
 *
 * @param caption one plain-language line
 * @param options per choice its label, chart id and table
 * @returns the figure's HTML
 * @example switchFigure('What drives h100', [{ label: 'own', id: 'tornado-h100-own', tableHtml: table(…) }])
 */
export function switchFigure(caption: string, options: { label: string; id: string; tableHtml: string }[]): string {
  const select = options.length > 1
    ? `<label>policy <select data-switch>${options.map((o) => `<option value="${esc(o.id)}">${esc(o.label)}</option>`).join('')}</select></label>`
    : '';
  const tables = options.map((o, k) => `<div data-table-for="${esc(o.id)}"${k ? ' hidden' : ''}>${o.tableHtml}</div>`).join('');
  return `<figure class="chart" id="${esc(options[0].id)}"><figcaption>${esc(caption)}</figcaption>${select}<div class="plot" data-chart="${esc(options[0].id)}"></div>`
    + `<details><summary>Numbers</summary>${tables}</details></figure>`;
}
