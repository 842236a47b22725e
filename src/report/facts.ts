import type { Chart, Section } from './charts.ts';
import { esc, figure, section, table } from './html.ts';
import { STANDARD_NAMES } from '../scenario/types.ts';
import type { RunFiles } from './run-files.ts';

/** A list of warnings, or nothing. */
const warningList = (title: string, items: string[] | undefined) => (items?.length ? `<h3>${esc(title)}</h3><ul class="warnings">${items.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '');

/**
 * What the run was: seed, version and source, command, scenario, valuation, sampler and
 * timings; its warnings and `sim check`'s (manifest `check.warnings`), and
 * for a `--precision` run how the CIs narrowed as trials were added.
 *
 * @param f the run's files
 * @returns the section, with the convergence chart when there is one
 * @example factsSection(await readRunFiles(dir)).html
 */
export function factsSection(f: RunFiles): Section {
  const m = f.manifest;
  const charts: Record<string, Chart> = {};
  const facts: [string, string][] = [
    ['command', ['sim', ...m.command.slice(1)].join(' ')],
    ['scenario file', m.scenario_file],
    ['--set', (m.overrides ?? []).join(', ') || 'none'],
    ['seed', m.seed],
    ['trials', m.trials.toLocaleString('en-US')],
    ['chunk size', String(m.chunk_size ?? '')],
    ['sampler', m.sampler ?? ''],
    ['valuation', m.valuation?.valuation ?? f.scenario.valuation],
    ['standard', STANDARD_NAMES[f.scenario.standard]],
    ['engine version', m.version],
    ['engine source', m.source ?? ''],
    ['created', m.created_at ?? ''],
    ['run id', m.run_id ?? ''],
    ['node, platform', `${m.node ?? ''} ${m.platform ?? ''}`],
    ...Object.entries(m.timings).map(([k, v]): [string, string] => [`time: ${k}`, `${v.toFixed(2)} s`]),
    ['caveat', m.caveat ?? ''],
  ];
  let body = table(['', ''], facts, 'class="facts"') + warningList('Run warnings', m.warnings) + warningList('sim check warnings', m.check?.warnings);
  const cv = m.convergence;
  if (cv?.trace?.length) {
    charts.convergence = {
      kind: 'lines', x: { label: 'trials', format: 'number' }, y: { label: 'relative 95 % CI half-width', format: 'percent' },
      series: [{ name: 'P95', points: cv.trace.map((r) => [r.trials, r.p95]) }, { name: 'mean', points: cv.trace.map((r) => [r.trials, r.mean]) }, { name: 'target', points: cv.trace.map((r) => [r.trials, cv.target]) }],
    };
    body += figure('convergence', `--precision: how the 95 % CIs of the portfolio write-down's P95 and mean narrowed as trials were added (${cv.stopped === 'converged' ? 'target reached' : 'stopped at --max-trials'}).`,
      table(['trials', 'P95 ±', 'mean ±'], cv.trace.map((r) => [r.trials.toLocaleString('en-US'), `${(100 * r.p95).toFixed(2)}%`, `${(100 * r.mean).toFixed(2)}%`])));
  }
  return { html: section('facts', 'What this run was', body), charts };
}
