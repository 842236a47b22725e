import { money } from '../output/report.ts';
import { percent } from './figures.ts';
import type { CheckReport } from './check.ts';
import type { Check } from './types.ts';

const LABEL: Record<Check['id'], string> = {
  'purchase-npv': 'purchase NPV',
  'sell-now': 'sell now',
  'price-decline': 'price decline',
  'day-one-gap': 'day-one gap',
  'lifetime-revenue': 'lifetime revenue',
};

const signed = (x: number) => (x > 0 ? `+${percent(x)}` : percent(x));

/** The figures of one check in a phrase, or why it does not apply. */
function said(c: Check): string {
  if (c.notApplicable !== null) return `not applicable: ${c.notApplicable}`;
  const f = c.figures as Record<string, number>; // an applicable check's figures are finite numbers
  const x = (r: number) => `${r.toFixed(1)}×`;
  switch (c.id) {
    case 'purchase-npv':
      return `mean NPV at purchase ${signed(f.meanNpvHeld)} of the price, operated and sold (with exit under foresight ${signed(f.meanNpvWithExit)})`;
    case 'sell-now':
      return `selling at t = 0 beats holding in ${(100 * f.shareSellNow).toFixed(1)}% of trials; median M[0]/V[0] ${f.medianMarketOverRecoverable.toFixed(2)}`;
    case 'price-decline':
      return `rent falls ${percent(f.p10)} / ${percent(f.p50)} / ${percent(f.p90)} over 24 months (P10 / P50 / P90)`;
    case 'day-one-gap':
      return `carried ${money(f.medianCarrying)} at t = 0 vs recoverable ${money(f.medianRecoverable)} (P50); gap ${money(f.medianGap)}, above in ${percent(f.shareCarriedAbove)} of trials`;
    case 'lifetime-revenue':
      return `lifetime revenue ${x(f.meanRatio)} its cost on average (P10 ${x(f.p10)}, P50 ${x(f.p50)}, P90 ${x(f.p90)})`;
  }
}

/**
 * The coherence report as the terminal shows it: per asset one line per check
 * (ok, WARN or n/a, its figures or why it does not apply, the rule), the warnings last.
 *
 * @param r from checkScenario
 * @returns the report's lines
 * @example console.log(formatCheck(checkScenario(s, 'default.yaml', '1')))
 */
export function formatCheck(r: CheckReport): string {
  const lines = [`Checking ${r.scenario} · ${r.trials.toLocaleString('en-US')} trials from stream "${r.seed}:check" · pathwise (the foresight bound)`];
  const checks = Object.values(r.assets).flatMap((a) => a.checks);
  const label = (c: Check) => (c.policy ? `  @${c.policy}` : LABEL[c.id]);
  const w = Math.max(...checks.map((c) => label(c).length));
  for (const [name, a] of Object.entries(r.assets)) {
    lines.push('', `${name} (${a.kind})`);
    for (const c of a.checks) lines.push(`  ${c.warning ? 'WARN' : c.notApplicable !== null ? 'n/a ' : 'ok  '}  ${label(c).padEnd(w)}  ${said(c)}${c.policy ? '' : `  [${c.threshold}]`}`);
  }
  lines.push('');
  if (r.warnings.length === 0) lines.push('No warnings: none of the checks above found inputs that contradict each other, the books or the figures they test against (they look for losses the inputs would overstate or hide, not for every implausible level).');
  else lines.push(`${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}:`, ...r.warnings.map((w) => `  - ${w}`));
  lines.push('What each check compares and the inputs that move it: sim check --json, or README "Checking a scenario".');
  return lines.join('\n');
}
