import type { RunOutcome } from '../run.ts';
import { PATHWISE_CAVEAT } from '../run.ts';

/** Money in a width an analyst can scan: $812K, $45.3M, $1.27B. */
export function money(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x), sign = x < 0 ? '-' : '';
  if (a >= 1e9) return `${sign}$${(a / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${sign}$${(a / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${sign}$${(a / 1e3).toFixed(0)}K`;
  return `${sign}$${a.toFixed(0)}`;
}

/**
 * A probability out of `n` trials that never rounds to a false 0 % or 100 %:
 * 2 of 200,000 shows as "<0.1% (2)", 199,992 of 200,000 as ">99.9% (8 not)".
 *
 * @example probability(2 / 200000, 200000) // '<0.1% (2)'
 */
export function probability(x: number, n: number): string {
  if (!Number.isFinite(x)) return '—';
  const k = Math.round(x * n);
  if (k > 0 && x < 0.0005) return `<0.1% (${k.toLocaleString('en-US')})`;
  if (k < n && x >= 0.9995) return `>99.9% (${(n - k).toLocaleString('en-US')} not)`;
  return `${(100 * x).toFixed(1)}%`;
}

/** The short risk table printed after a run: write-down per asset, policy and portfolio. */
export function riskTable(r: RunOutcome): string {
  const { scenario, summaries, manifest } = r;
  const rows: string[][] = [['write-down', 'P(>0)', 'mean', 'P50', 'P95', 'P99', 'ES95', 'first loss P50']];
  const add = (label: string, prefix: string) => {
    const w = summaries.get(`${prefix}.writedown`);
    if (!w) return;
    const first = summaries.get(`${prefix}.first_impairment_month`);
    rows.push([label, probability(w.prob_positive, w.count), money(w.mean), money(w.p50), money(w.p95), money(w.p99), money(w.es95), first && first.count ? `m${first.p50.toFixed(0)}` : '—']);
  };
  const policies = Object.keys(scenario.policies);
  for (const a of scenario.assets) {
    add(a.name, a.name);
    if (a.kind === 'hardware') for (const p of policies) add(`  @${p}`, `${a.name}@${p}`);
  }
  add('portfolio', 'portfolio');
  for (const p of policies) add(`  @${p}`, `portfolio@${p}`);
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  const lines = rows.map((row) => row.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  lines.push('', ...tornado(r, 'portfolio.writedown', 8));
  if (manifest.correlation_repair.length) {
    lines.push('', 'Correlations repaired (--repair-correlations): asked → used');
    for (const c of manifest.correlation_repair) lines.push(`  ${c.a} ~ ${c.b}: ${c.asked.toFixed(3)} → ${c.repaired.toFixed(3)}`);
  }
  if (manifest.correlations.length) {
    lines.push('', 'Rank correlations (target → achieved)');
    for (const c of manifest.correlations) lines.push(`  ${c.a} ~ ${c.b}: ${c.target.toFixed(2)} → ${c.achieved.toFixed(3)}`);
  }
  const cv = manifest.convergence;
  if (cv) {
    const pc = (x: number) => `±${(100 * x).toFixed(2)}%`;
    lines.push('', `Precision: ${cv.stopped === 'converged' ? 'reached' : 'NOT reached (stopped at --max-trials)'} with ${manifest.trials.toLocaleString('en-US')} trials — P95 ${pc(cv.p95)}, mean ${pc(cv.mean)} (target ${pc(cv.target)}, 95 % CI)`);
  }
  const head = `Write-down risk over ${scenario.horizonMonths} months · ${manifest.trials.toLocaleString('en-US')} trials · seed ${manifest.seed} · ${scenario.standard.toUpperCase()} · ${manifest.timings.total.toFixed(1)} s`;
  return [head, '', ...lines, '', `Note: ${PATHWISE_CAVEAT}`].join('\n');
}

/** The inputs that drive an output most, as a text tornado of Spearman ρ. */
export function tornado(r: RunOutcome, output: string, top: number): string[] {
  const rows = r.sensitivity.filter((s) => s.output === output && Number.isFinite(s.spearman)).slice(0, top);
  if (rows.length === 0) return [];
  const w = Math.max(...rows.map((s) => s.input.length));
  const bar = (rho: number) => {
    const k = Math.round(Math.abs(rho) * 20);
    return rho < 0 ? `${' '.repeat(20 - k)}${'█'.repeat(k)}|${' '.repeat(20)}` : `${' '.repeat(20)}|${'█'.repeat(k)}${' '.repeat(20 - k)}`;
  };
  return [
    `What drives ${output} (Spearman ρ; share of explained variance)`,
    ...rows.map((s) => `${s.input.padEnd(w)}  ${bar(s.spearman)}  ${s.spearman >= 0 ? '+' : '−'}${Math.abs(s.spearman).toFixed(2)}  ${(100 * s.variance_share).toFixed(0).padStart(3)}%`),
  ];
}
