import { Z95 } from '../math/normal.ts';
import type { RunOutcome, ValuationSummary } from '../run.ts';
import { STANDARD_NAMES, type Scenario } from '../scenario/types.ts';
import { fewestTrialsForP95 } from '../convergence.ts';
import { sensitivityRowsOf } from './sensitivity-table.ts';

/** Below this a probability shown to one decimal of a percent would read 0.0 % (and above 1 − it, 100.0 %). */
const ROUNDS_TO_ZERO = 0.0005;
/** Characters on each side of the tornado's axis; |ρ| = 1 fills one side. */
const BAR_HALF_WIDTH = 20;

/**
 * Money in a width an analyst can scan: $812K, $45.3M, $1.27B, $3.40T, and
 * beyond a thousand trillion (a negative discount rate over a long horizon)
 * $1.10e+103 rather than a run of digits or "$1.0976086092087963e+94B".
 *
 * @param x an amount in USD
 * @returns the amount with a K/M/B/T suffix or an exponent, or — when not finite
 * @example money(45_300_000) // '$45.3M'
 */
export function money(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x), sign = x <= -0.5 ? '-' : ''; // no "-$0" for a rounding residue
  if (a >= 1e15) return `${sign}$${a.toExponential(2)}`;
  if (a >= 1e12) return `${sign}$${(a / 1e12).toFixed(2)}T`;
  if (a >= 1e9) return `${sign}$${(a / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${sign}$${(a / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${sign}$${(a / 1e3).toFixed(0)}K`;
  return `${sign}$${a.toFixed(0)}`;
}

/**
 * The 95 % CI of a mean, mean ± Z95 · its standard error; NaN ends where the
 * standard error does not exist (one trial: null in summary.json, NaN in
 * memory), which a plain `mean ± Z95 · se` would turn into a CI of width 0.
 *
 * @param mean the mean
 * @param se its standard error, or null
 * @returns [lo, hi]
 * @example meanInterval(10, 1) // [8.04…, 11.95…]; meanInterval(10, null) // [NaN, NaN]
 */
export function meanInterval(mean: number, se: number | null): [number, number] {
  if (typeof se !== 'number' || !Number.isFinite(se)) return [NaN, NaN];
  return [mean - Z95 * se, mean + Z95 * se];
}

/**
 * An interval of money, "lo – hi", or — when an end does not exist.
 *
 * @param lo lower end
 * @param hi upper end
 * @returns the text
 * @example moneyInterval(1e6, 2e6) // '$1.0M – $2.0M'
 */
export function moneyInterval(lo: number | null, hi: number | null): string {
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) return '—';
  return `${money(lo)} – ${money(hi)}`;
}

/**
 * A probability out of `n` trials that never rounds to a false 0 % or 100 %:
 * 2 of 200,000 shows as "<0.1% (2)", 199,992 of 200,000 as ">99.9% (8 not)".
 *
 * @param x the probability
 * @param n the trials it was counted over
 * @returns the percentage to one decimal, with the count where it would round to 0 % or 100 %
 * @example probability(2 / 200000, 200000) // '<0.1% (2)'
 */
export function probability(x: number, n: number): string {
  if (!Number.isFinite(x)) return '—';
  const k = Math.round(x * n);
  if (k > 0 && x < ROUNDS_TO_ZERO) return `<0.1% (${k.toLocaleString('en-US')})`;
  if (k < n && x >= 1 - ROUNDS_TO_ZERO) return `>99.9% (${(n - k).toLocaleString('en-US')} not)`;
  return `${(100 * x).toFixed(1)}%`;
}

/**
 * The short risk table printed after a run: write-down per asset, policy and
 * portfolio, the tornado, correlations and precision.
 *
 * @param r the run's outcome
 * @returns the text, lines joined by newlines
 * @example console.log(riskTable(await run(options)))
 */
export function riskTable(r: RunOutcome): string {
  const { scenario, summaries, manifest } = r;
  const books = bookRows(scenario);
  const writedowns = books.map(({ label, prefix }) => {
    const w = summaries.get(`${prefix}.writedown`)!;
    const first = summaries.get(`${prefix}.first_impairment_month`);
    const carried = summaries.get(`${prefix}.carrying_m0`)!.mean;
    return [label, probability(w.prob_positive, w.count), money(w.mean), carried > 0 ? `${((100 * w.mean) / carried).toFixed(1)}%` : '—', money(w.p50), money(w.p95), money(w.p99), money(w.es95), first && first.count ? `m${first.p50.toFixed(0)}` : '—'];
  });
  const lines = table(['write-down', 'P(>0)', 'mean', 'of C0', 'P50', 'P95', 'P99', 'ES95', 'first loss P50'], writedowns);
  const years = Math.ceil(scenario.horizonMonths / 12);
  const charges = books.map(({ label, prefix }) => [label, ...['charge_m0', ...Array.from({ length: years }, (_, k) => `charge_y${k + 1}`)].map((c) => {
    const s = summaries.get(`${prefix}.${c}`)!;
    return `${money(s.p50)} / ${money(s.p95)}`;
  })]);
  lines.push('', '"of C0": the mean write-down as a share of the mean carrying amount at t = 0 (carrying_m0).');
  lines.push(...dayOneLines(r));
  lines.push('', 'P&L charge by year, P50 / P95: depreciation, failed units, write-downs and the result of a sale (m0: the loss on day one)');
  lines.push(...table(['charge', 'm0', ...Array.from({ length: years }, (_, k) => `year ${k + 1}`)], charges));
  lines.push('', ...tornado(r, 'portfolio.writedown', 8));
  if (manifest.correlation_repair.length) {
    lines.push('', 'Correlations repaired (--repair-correlations): asked → used');
    for (const c of manifest.correlation_repair) lines.push(`  ${c.a} ~ ${c.b}: ${c.asked.toFixed(3)} → ${c.repaired.toFixed(3)}`);
  }
  if (manifest.correlations.length) {
    lines.push('', 'Rank correlations (target → achieved)');
    // none over a single trial, or where an input takes one value in every trial (uniform with min = max): a dash and why, never NaN
    const none = manifest.trials < 2 ? '— (one trial has no rank correlation)' : '— (an input that takes one value has no rank correlation)';
    for (const c of manifest.correlations) lines.push(`  ${c.a} ~ ${c.b}: ${c.target.toFixed(2)} → ${Number.isFinite(c.achieved) ? c.achieved.toFixed(3) : none}`);
  }
  const cv = manifest.convergence;
  if (cv) {
    const pc = (x: number) => `±${(100 * x).toFixed(2)}%`;
    // both within the target yet not reached: the P95's interval did not yet lie inside the sample
    const few = cv.p95 <= cv.target && cv.mean <= cv.target ? `, below the ${fewestTrialsForP95()} trials whose P95 interval lies inside the sample` : '';
    lines.push('', `Precision: ${cv.stopped === 'converged' ? 'reached' : `NOT reached (stopped at --max-trials${few})`} with ${trialsText(manifest.trials)} — P95 ${pc(cv.p95)}, mean ${pc(cv.mean)} (target ${pc(cv.target)}, 95 % CI)`);
  }
  const head = `Write-down risk over ${scenario.horizonMonths} months · ${trialsText(manifest.trials)} · seed ${manifest.seed} · ${STANDARD_NAMES[scenario.standard]} · ${scenario.valuation} valuation · ${manifest.timings.total.toFixed(1)} s`;
  lines.push('', ...valuationLines(manifest.valuation));
  return [head, '', ...lines, '', `Note: ${manifest.caveat}`].join('\n');
}

/**
 * Under the table, one line per asset whose own book loses at the first test
 * in most trials: that loss is a gap between books and value that exists
 * today, and the line says how much of the mean write-down it is. When the first test is later than m0, the
 * write-down up to it also holds losses on sales before it, and the
 * recoverable amount there exists only for the trials still holding the
 * asset: the line says "by" that month, that sales count (when a trial sold
 * before it) and over which trials the recoverable amount is read.
 *
 * @param r the run's outcome
 * @returns the lines, none when no asset loses at its first test in most trials
 * @example dayOneLines(outcome) // ['', 'h100: carried at $817.0M at m0, recoverable $731.0M at m0 (P50) — a gap on day one; …', …]
 */
export function dayOneLines(r: RunOutcome): string[] {
  const t = r.scenario.testMonths[0];
  if (t === undefined) return [];
  const lines = r.scenario.assets.flatMap((a) => {
    const loss = r.summaries.get(`${a.name}.writedown_m${t}`)!;
    if (!(loss.p50 > 0)) return [];
    const carried = r.summaries.get(`${a.name}.carrying_m0`)!.p50, value = r.summaries.get(`${a.name}.recoverable_m${t}`)!;
    const lost = `${probability(loss.prob_positive, loss.count)} of trials`, median = `${money(loss.p50)} at the median`;
    const later = laterShare(loss.mean, r.summaries.get(`${a.name}.writedown`)!.mean, t);
    if (t === 0) return [`${a.name}: carried at ${money(carried)} at m0, recoverable ${money(value.p50)} at m0 (P50) — a gap on day one; ${lost} lose at m0, ${median}${later}`];
    const trials = value.count + value.nan_count;
    const held = value.count ? `recoverable ${money(value.p50)} at m${t} (P50 of the ${probability(value.count / trials, trials)} of trials still holding it)` : `every trial sold it before m${t}`;
    const sales = r.summaries.get(`${a.name}.exit_month`)!.min < t ? ', sales before it included' : '';
    return [`${a.name}: carried at ${money(carried)} at m0; ${lost} have lost by the first test (m${t})${sales}, ${median}${later}; ${held}`];
  });
  return lines.length ? ['', ...lines, `Why: \`sim check\` compares the scenario's inputs with each other and with the books (README "Checking a scenario").`] : [];
}

/**
 * How much of the mean write-down the first test month holds, and that the rest comes later: a gap on day one need not be all of the risk.
 *
 * @example laterShare(80, 150, 0) // '; m0 holds 53% of the mean write-down, the rest comes later'
 */
function laterShare(byFirst: number, total: number, t: number): string {
  if (!(total > 0)) return '';
  const share = byFirst / total;
  return `; m${t} holds ${(100 * share).toFixed(0)}% of the mean write-down${share < 0.995 ? ', the rest comes later' : ''}`;
}

/** Two decimals, without a "-0.00" for a rounding residue. */
const fixed2 = (x: number) => (Math.abs(x) < 0.005 ? '0.00' : x.toFixed(2));

/** Which valuation ran; for the expected one, the fits' R² and what foresight would add to each asset's V[0]. */
function valuationLines(v: ValuationSummary): string[] {
  if (!v.assets) return [`Valuation: ${v.valuation} (each trial's holder knows that trial's future).`];
  const r2 = Object.values(v.assets);
  const lines = [
    `Valuation: expected — least-squares Monte Carlo on ${v.calibration_trials!.toLocaleString('en-US')} calibration trials; R² of the monthly fits ${fixed2(Math.min(...r2.map((a) => a.r2_min)))}–${fixed2(Math.max(...r2.map((a) => a.r2_max)))} (0 where nothing observable varies from trial to trial, 1 where the value itself does not).`,
    'Foresight premium: mean V[0] if each trial knew its future, minus mean V[0] from what is observable (calibration trials)',
  ];
  const w = Math.max(...Object.keys(v.assets).map((n) => n.length));
  for (const [name, a] of Object.entries(v.assets)) lines.push(`  ${name.padEnd(w)}  ${money(a.foresight_premium).padStart(8)}  (${money(a.pathwise_v0_mean)} vs ${money(a.expected_v0_mean)})`);
  return lines;
}

/**
 * Each book the tables show: every asset (hardware under each policy too), then the portfolio (own, then each policy).
 *
 * @param scenario the resolved scenario (scenario.json)
 * @returns per book its label (`  @policy` under its asset) and column prefix (`h100@five-year`)
 * @example bookRows(scenario)[0] // { label: 'h100', prefix: 'h100' }
 */
export function bookRows(scenario: Pick<Scenario, 'policies' | 'assets'>): { label: string; prefix: string }[] {
  const policies = Object.keys(scenario.policies);
  const rows: { label: string; prefix: string }[] = [];
  const withPolicies = (name: string, hardware: boolean) => {
    rows.push({ label: name, prefix: name });
    if (hardware) for (const p of policies) rows.push({ label: `  @${p}`, prefix: `${name}@${p}` });
  };
  for (const a of scenario.assets) withPolicies(a.name, a.kind === 'hardware');
  withPolicies('portfolio', true);
  return rows;
}

/** Columns padded to their widest cell (the first left-aligned, the rest right-aligned), with a rule under the header. */
function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, k) => Math.max(...all.map((row) => row[k].length)));
  const lines = all.map((row) => row.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return lines;
}

/**
 * The inputs that drive an output most, as a text tornado of Spearman ρ.
 *
 * @param r the run's outcome
 * @param output the output column, e.g. `portfolio.writedown`
 * @param top how many inputs to show at most
 * @returns the lines, none when no input has a finite ρ
 * @example tornado(outcome, 'portfolio.writedown', 8)
 */
export function tornado(r: RunOutcome, output: string, top: number): string[] {
  const all = sensitivityRowsOf(r.sensitivity, output);
  const rows = all.filter((s) => Number.isFinite(s.spearman)).slice(0, top);
  if (rows.length === 0) {
    // say why there is nothing to rank rather than leave the section out (and a second blank line where it was)
    const why = all.length === 0 ? 'no input is uncertain' : r.manifest.trials < 2 ? 'one trial ranks nothing' : `${output} is the same in every trial`;
    return [`What drives ${output}: nothing to rank (${why})`];
  }
  const w = Math.max(...rows.map((s) => s.input.length));
  const bar = (rho: number) => {
    const k = Math.round(Math.abs(rho) * BAR_HALF_WIDTH);
    const full = ' '.repeat(BAR_HALF_WIDTH), bar = '█'.repeat(k), rest = ' '.repeat(BAR_HALF_WIDTH - k);
    return rho < 0 ? `${rest}${bar}|${full}` : `${full}|${bar}${rest}`;
  };
  return [
    `What drives ${output} (Spearman ρ; share of the inputs' Σρ²)`,
    ...rows.map((s) => `${s.input.padEnd(w)}  ${bar(s.spearman)}  ${s.spearman >= 0 ? '+' : '−'}${Math.abs(s.spearman).toFixed(2)}  ${(100 * s.variance_share).toFixed(0).padStart(3)}%`),
  ];
}

/**
 * A count of trials in words.
 *
 * @example trialsText(1) // '1 trial'; trialsText(100000) // '100,000 trials'
 */
export function trialsText(n: number): string {
  return `${n.toLocaleString('en-US')} trial${n === 1 ? '' : 's'}`;
}
