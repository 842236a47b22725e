// The report page's script: draws each chart named by a [data-chart] element
// from the page data with Observable Plot (global Plot, on the global d3).
// Plain browser JavaScript, inlined into the page as it is.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const money = (x) => {
    const a = Math.abs(x), s = x < 0 ? '-' : '';
    if (a >= 1e15) return `${s}$${a.toExponential(2)}`; // as money() in src/output/report.ts
    if (a >= 1e12) return `${s}$${(a / 1e12).toFixed(2)}T`;
    if (a >= 1e9) return `${s}$${(a / 1e9).toFixed(2)}B`;
    if (a >= 1e6) return `${s}$${(a / 1e6).toFixed(1)}M`;
    if (a >= 1e3) return `${s}$${(a / 1e3).toFixed(0)}K`;
    return `${s}$${a.toFixed(0)}`;
  };
  const FORMATS = { money, percent: (x) => `${+(100 * x).toPrecision(3)}%`, month: (x) => `m${x}`, number: (x) => x.toLocaleString('en-US') };
  const axis = (a) => ({ label: a.label, tickFormat: FORMATS[a.format], grid: true });
  const width = (el) => Math.max(320, Math.min(960, el.clientWidth || 720));
  // room for tick labels such as "$140.0M"
  const marginLeft = (a) => (a.format === 'money' ? 72 : 56);

  const draw = {
    lines(c, el) {
      const rows = c.series.flatMap((s) => s.points.map(([x, y]) => ({ series: s.name, x, y })));
      const marks = (c.marks || []).filter((m) => Number.isFinite(m.x) && Number.isFinite(m.y));
      return Plot.plot({
        width: width(el), height: 320, marginLeft: marginLeft(c.y), x: axis(c.x), y: axis(c.y), color: { legend: c.series.length > 1 },
        marks: [
          Plot.line(rows, { x: 'x', y: 'y', stroke: 'series', tip: true }),
          Plot.dot(marks, { x: 'x', y: 'y', stroke: 'series', fill: 'white', symbol: (m) => (m.label === 'P95' ? 'circle' : 'diamond'), r: 4 }),
          Plot.text(marks.filter((m) => m.series === c.series[0].name), { x: 'x', y: 'y', text: 'label', dy: -10 }),
        ],
      });
    },
    bands(c, el) {
      const rows = c.series.flatMap((s) => s.points.map(([x, lo, mid, hi]) => ({ series: s.name, x, lo, mid, hi })));
      return Plot.plot({
        width: width(el), height: 320, marginLeft: marginLeft(c.y), x: axis(c.x), y: axis(c.y), color: { legend: true },
        marks: [
          Plot.areaY(rows, { x: 'x', y1: 'lo', y2: 'hi', fill: 'series', fillOpacity: 0.15 }),
          Plot.line(rows, { x: 'x', y: 'mid', stroke: 'series', tip: true }),
        ],
      });
    },
    bars(c, el) {
      const rows = c.series.flatMap((s) => s.bins.map(([x1, x2, y]) => ({ series: s.name, x1, x2, y })));
      return Plot.plot({
        width: width(el), height: 90 * c.series.length + 40, marginRight: 110, x: axis(c.x), y: { ...axis(c.y), grid: false, ticks: 2 }, fy: { label: null },
        marks: [Plot.rectY(rows, { x1: 'x1', x2: 'x2', y: 'y', fy: 'series', fill: 'steelblue', tip: true }), Plot.ruleY([0])],
      });
    },
    tornado(c, el) {
      const order = c.rows.map((r) => r.input);
      const color = { domain: ['input in its bottom decile', 'input in its top decile'], range: ['#4269d0', '#efb118'] };
      const ends = c.rows.flatMap((r) => [
        { input: r.input, end: color.domain[0], from: c.base, to: r.low },
        { input: r.input, end: color.domain[1], from: c.base, to: r.high },
      ]);
      const w = width(el), height = 28 * c.rows.length + 50;
      // one legend above both panels, so their rows line up
      const legend = Plot.legend({ color });
      const left = Plot.plot({
        width: Math.round(w * 0.65), height, marginLeft: 190,
        x: { label: `mean ${c.output}`, tickFormat: money, grid: true }, y: { domain: order, label: null }, color,
        marks: [Plot.barX(ends, { y: 'input', x1: 'from', x2: 'to', fill: 'end', tip: true }), Plot.ruleX([c.base], { stroke: 'black' })],
      });
      const right = Plot.plot({
        width: Math.round(w * 0.33), height, marginLeft: 10,
        x: { label: 'Spearman ρ', domain: [-1, 1], grid: true }, y: { domain: order, axis: null },
        marks: [Plot.barX(c.rows, { y: 'input', x: 'rho', fill: (r) => (r.rho < 0 ? '#b2182b' : '#2166ac'), tip: true }), Plot.ruleX([0])],
      });
      const pair = document.createElement('div');
      pair.className = 'pair';
      pair.append(left, right);
      const box = document.createElement('div');
      box.append(legend, pair);
      return box;
    },
    intervals(c, el) {
      return Plot.plot({
        width: width(el), height: 22 * c.rows.length + 60, marginLeft: 200, x: axis(c.x), y: { domain: c.rows.map((r) => r.label), label: null }, color: { legend: false },
        marks: [
          Plot.ruleY(c.rows, { y: 'label', x1: 'lo', x2: 'hi', stroke: 'series', strokeWidth: 2 }),
          Plot.dot(c.rows, { y: 'label', x: 'mid', fill: 'series', r: 4, tip: true }),
          Plot.ruleX([0]),
        ],
      });
    },
    density(c) {
      return Plot.plot({
        width: 160, height: 36, margin: 2, x: { axis: null }, y: { axis: null },
        marks: [Plot.rectY(c.bins.map(([x1, x2, y]) => ({ x1, x2, y })), { x1: 'x1', x2: 'x2', y: 'y', fill: 'steelblue' })],
      });
    },
  };

  const render = (el) => {
    const c = data.charts[el.dataset.chart];
    el.replaceChildren(draw[c.kind](c, el));
  };
  document.querySelectorAll('[data-chart]').forEach(render);
  document.querySelectorAll('select[data-switch]').forEach((sel) => sel.addEventListener('change', () => {
    const fig = sel.closest('figure');
    const plot = fig.querySelector('.plot');
    plot.dataset.chart = sel.value;
    render(plot);
    fig.querySelectorAll('[data-table-for]').forEach((t) => { t.hidden = t.dataset.tableFor !== sel.value; });
  }));
})();
