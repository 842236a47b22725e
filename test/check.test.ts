import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario, type CheckReport } from '../src/check/check.ts';
import { formatCheck } from '../src/check/format.ts';
import { percent } from '../src/check/figures.ts';
import { dayOneLines } from '../src/output/report.ts';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import { PRESETS, presetFile } from '../src/scenario/presets.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import type { CheckId } from '../src/check/types.ts';
import { EARNING, RESALE } from '../src/check/hardware.ts';
import { hardware, model } from './helpers.ts';
import { BIN } from './cli-process.ts';

const PREVIOUS_DEFAULT = fileURLToPath(new URL('./fixtures/golden/default-2026-11.yaml', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sim-check-'));
const sim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Check a scenario of fixed inputs: every trial is the same, so 64 trials are plenty. */
const check = (raw: Record<string, unknown>) => checkScenario(resolveScenario({ horizonMonths: 24, testMonths: [0, 12], ...raw }, 'test.yaml'), 'test.yaml', '1', 64);
const find = (r: CheckReport, asset: string, id: CheckId, policy = '') => r.assets[asset].checks.find((c) => c.id === id && (c.policy ?? '') === policy)!;
const d = (r: number) => Math.pow(1 + r, -1 / 12);

describe('sim check: each check against a hand-built scenario that trips it and one that does not', () => {
  it('(a) purchase NPV: the trial run back to age 0, operated for the horizon and sold, equals the hand sum; warns below −10 % and above +100 %', () => {
    // age 12, trend −20 %/yr: the price at purchase was rentalPrice / 0.8; no power, opex or failures; resale decays to nothing
    const npv = (rent: number) => {
      let pv = 0;
      for (let t = 1; t <= 24; t++) pv += Math.pow(d(0.1), t) * 730 * (rent / 0.8) * Math.pow(0.8, t / 12);
      return (pv - 1000) / 1000;
    };
    for (const [rent, warns] of [[0.01, /no buyer would have paid it/], [0.08, null], [1, /no seller would have sold at that price/]] as const) {
      const c = find(check({ assets: [hardware({ ageMonths: 12, rentalPrice: rent, priceCompression: 0.2, resaleDecay: 50 })] }), 'gpu', 'purchase-npv');
      expect(c.figures.meanNpvHeld).toBeCloseTo(npv(rent), 12); // S[24] = 1000·e^(−100): nothing
      if (warns) expect(c.warning).toMatch(warns);
      else expect(c.warning).toBeNull();
    }
    expect(npv(0.01)).toBeLessThan(-0.1);
    expect(npv(0.08)).toBeGreaterThan(-0.1);
    expect(npv(0.08)).toBeLessThan(1);
    expect(npv(1)).toBeGreaterThan(1);
  });

  it('(b) sell now: a unit that earns nothing but resells at cost is sold at t = 0 in every trial', () => {
    const sold = find(check({ assets: [hardware({ rentalPrice: 0, resaleFloor: 1 })] }), 'gpu', 'sell-now');
    expect(sold.figures).toMatchObject({ shareSellNow: 1, medianMarketOverRecoverable: 1 });
    expect(sold.warning).toMatch(/selling today beats holding in 100% of trials/);
    const kept = find(check({ assets: [hardware({ rentalPrice: 10, resaleFloor: 0.5 })] }), 'gpu', 'sell-now');
    expect(kept.figures.shareSellNow).toBe(0);
    expect(kept.warning).toBeNull();
  });

  it('(c) price decline: trend and generation steps over 24 months, against F7\'s 30–70 %', () => {
    const trendOnly = find(check({ assets: [hardware({ priceCompression: 0.3 })] }), 'gpu', 'price-decline');
    expect(trendOnly.figures.p50).toBeCloseTo(1 - 0.7 * 0.7, 14);
    expect(trendOnly.warning).toBeNull();
    // the next generation ships at age 12 and halves the rent (the one after it at 112): 1 − 0.49 · 0.5
    const both = find(check({ assets: [hardware({ priceCompression: 0.3, firstSupersededAge: 12, cadenceMonths: 100, generationShock: 0.5 })] }), 'gpu', 'price-decline');
    expect(both.figures).toMatchObject({ p10: 1 - 0.49 * 0.5, p90: 1 - 0.49 * 0.5 });
    expect(both.warning).toMatch(/fall 76%–76% in two years.*counted twice/);
    expect(find(check({ assets: [hardware({ priceCompression: 0.1 })] }), 'gpu', 'price-decline').warning).toMatch(/F7 says 30%–70%: slower than the figures show/);
  });

  it('(d) day-one gap: warns for the asset\'s own policy only, above 25 % of its carrying amount', () => {
    // three years into a six-year straight line: carried at 500; nothing to earn, resale decayed to nothing: V[0] = 0
    const policies = { short: { method: 'straight-line', usefulLifeMonths: 36 }, long: { method: 'straight-line', usefulLifeMonths: 120 } };
    const idle = check({ policies, assets: [hardware({ ageMonths: 36, rentalPrice: 0, resaleDecay: 50 })] });
    const gap = find(idle, 'gpu', 'day-one-gap').figures;
    expect(gap).toMatchObject({ medianCarrying: 500, shareCarriedAbove: 1 });
    expect(gap.medianRecoverable).toBeLessThan(1e-60);
    expect(gap.medianGap).toBeCloseTo(500, 12);
    expect(find(idle, 'gpu', 'day-one-gap').warning).toMatch(/carried 100% above its recoverable amount/);
    expect(find(idle, 'gpu', 'day-one-gap', 'long').figures.medianGap).toBeCloseTo(700, 12);
    expect(find(idle, 'gpu', 'day-one-gap', 'long').warning).toBeNull(); // a what-if policy's gap is its answer
    expect(find(idle, 'gpu', 'day-one-gap', 'short').figures.medianCarrying).toBe(0);
    const earning = check({ policies, assets: [hardware({ ageMonths: 36, rentalPrice: 1, resaleDecay: 50 })] });
    expect(find(earning, 'gpu', 'day-one-gap').figures.medianRecoverable).toBeGreaterThan(500);
    expect(find(earning, 'gpu', 'day-one-gap').warning).toBeNull();
  });

  it('lifetime revenue of a model: Σ R over its life over its cost, 1.5×–3× (F21); a variant only from below', () => {
    // 20 months at 3, 12 or 60 a month on a cost of 120: 0.5×, 2×, 10×
    const ratio = (peak: number, extra: Record<string, unknown>[] = []) => check({ assets: [model({ peakMonthlyRevenue: peak }), ...extra] });
    expect(find(ratio(3), 'llm', 'lifetime-revenue').figures.meanRatio).toBeCloseTo(0.5, 14);
    expect(find(ratio(3), 'llm', 'lifetime-revenue').warning).toMatch(/0\.5× its training cost/);
    expect(find(ratio(12), 'llm', 'lifetime-revenue').warning).toBeNull();
    expect(find(ratio(60), 'llm', 'lifetime-revenue').warning).toMatch(/10\.0×/);
    // a variant dies with its parent (month 20): 10 months from release at month 10
    const child = (peak: number) => find(ratio(12, [model({ name: 'mini', parent: 'llm', trainingCost: 10, releaseMonth: 10, peakMonthlyRevenue: peak })]), 'mini', 'lifetime-revenue');
    expect(child(10).figures.meanRatio).toBeCloseTo(10, 14);
    expect(child(10).warning).toBeNull();
    expect(child(1).warning).toMatch(/1\.0× its training cost/);
  });
});

describe('a ratio with nothing to divide by: the check says why it does not apply, never NaN or Infinity', () => {
  /** No NaN or Infinity in the text or the JSON; every figure a finite number, or, in a check that does not apply, every figure null and no warning. */
  const sane = (r: CheckReport) => {
    expect(formatCheck(r)).not.toMatch(/NaN|Infinity/);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    for (const c of Object.values((JSON.parse(JSON.stringify(r)) as CheckReport).assets).flatMap((a) => a.checks)) {
      const figures = Object.values(c.figures);
      if (c.notApplicable === null) for (const v of figures) expect(Number.isFinite(v), `${c.asset} ${c.id}`).toBe(true);
      else {
        expect(figures.every((v) => v === null), `${c.asset} ${c.id}`).toBe(true);
        expect(c.warning).toBeNull();
      }
    }
    return r;
  };
  /** The checks that do not apply, as `asset id`. */
  const skipped = (r: CheckReport) => Object.values(r.assets).flatMap((a) => a.checks).filter((c) => c.notApplicable !== null).map((c) => `${c.asset} ${c.id}`);

  it('a model without a training cost (trainingCost: 0): its lifetime revenue is a multiple of nothing', () => {
    for (const peak of [3, 0]) {
      const r = sane(check({ assets: [model({ trainingCost: 0, peakMonthlyRevenue: peak }), model({ name: 'mini', parent: 'llm', trainingCost: 0, peakMonthlyRevenue: peak })] }));
      expect(skipped(r)).toEqual(['llm lifetime-revenue', 'mini lifetime-revenue']);
      expect(find(r, 'llm', 'lifetime-revenue').notApplicable).toMatch(/no training cost/);
      expect(r.warnings).toEqual([]);
      expect(formatCheck(r)).toMatch(/n\/a {3}lifetime revenue {2}not applicable: no training cost/);
    }
    // a cost and no revenue is a ratio of 0, and a warning
    const idle = sane(check({ assets: [model({ peakMonthlyRevenue: 0 })] }));
    expect(skipped(idle)).toEqual([]);
    expect(find(idle, 'llm', 'lifetime-revenue').warning).toMatch(/0\.0× its training cost/);
  });

  it('a cohort with nothing to recover at t = 0 (every unit failed; or no rent and a sale that nets nothing): selling cannot beat holding', () => {
    for (const over of [{ ageMonths: 12, failureRate: 1, rentalPrice: 1 }, { rentalPrice: 0, disposalCost: 1 }]) {
      const r = sane(check({ assets: [hardware(over)] }));
      expect(skipped(r), JSON.stringify(over)).toEqual(['gpu sell-now']);
      expect(find(r, 'gpu', 'sell-now').notApplicable).toMatch(/nothing to recover at t = 0/);
      expect(r.warnings.join('\n')).not.toMatch(/selling today/);
    }
    // bought today, every unit fails within the year: the check of its price still applies, and warns
    const failing = sane(check({ assets: [hardware({ failureRate: 1, rentalPrice: 1 })] }));
    expect(skipped(failing)).toEqual([]);
    expect(find(failing, 'gpu', 'purchase-npv').figures.meanNpvHeld).toBe(-1);
  });

  it('a rent that a 100 % trend or generation step since purchase leaves no way back to: no NPV at purchase', () => {
    for (const over of [{ priceCompression: 1 }, { generationShock: 1, firstSupersededAge: 6 }]) {
      const r = sane(check({ assets: [hardware({ ageMonths: 12, rentalPrice: 1, ...over })] }));
      expect(skipped(r), JSON.stringify(over)).toEqual(['gpu purchase-npv']);
      expect(find(r, 'gpu', 'purchase-npv').notApplicable).toMatch(/rent at purchase/);
      expect(find(r, 'gpu', 'price-decline').warning).toMatch(/fall 100%–100%/);
    }
    // bought today, nothing to run back: it applies
    expect(skipped(sane(check({ assets: [hardware({ rentalPrice: 1, priceCompression: 1 })] })))).toEqual([]);
  });
});

describe('the built-in scenarios', () => {
  it('the default as it was (2026-11) is flagged: (a) b200, (b) both cohorts, (c) both cohorts, the frontier model\'s revenue', () => {
    const r = checkScenario(loadScenario(PREVIOUS_DEFAULT), 'previous', '1');
    const warned = (asset: string) => r.assets[asset].checks.filter((c) => c.warning).map((c) => c.id);
    expect(warned('b200')).toEqual(['purchase-npv', 'sell-now', 'price-decline']);
    expect(warned('h100')).toEqual(['sell-now', 'price-decline']);
    expect(warned('frontier')).toEqual(['lifetime-revenue']);
    expect(r.warnings).toHaveLength(6);
  });

  it.each(PRESETS)('%s passes its own check with no warning', (name) => {
    const r = checkScenario(loadScenario(presetFile(name)), name, '1');
    expect(r.warnings).toEqual([]);
    expect(Object.keys(r.assets)).toEqual(['h100', 'b200', 'frontier', 'frontier-post', 'frontier-mini']);
  });

  it('every number in a preset cites a figure or says "assumption"', () => {
    for (const name of PRESETS) {
      const lines = readFileSync(presetFile(name), 'utf8').split('\n');
      const uncited = lines.filter((l) => /:\s*(\{dist|-?\d)/.test(l.replace(/^\s*- /, '  x: ')) && !/F\d+|assumption|as h100|MODEL\.md/.test(l));
      expect(uncited, name).toEqual([]);
    }
  });

  it('default, 20,000 trials, both valuations: no cohort is sold at t = 0 in 5 % of trials', async () => {
    for (const valuation of ['pathwise', 'expected']) {
      const r = await run({ scenarioFile: DEFAULT_SCENARIO, overrides: [`valuation=${valuation}`], trials: 20_000, columns: '*.exit_month', out: join(root, valuation) });
      const t = tableFromIPC(readFileSync(join(r.dir, 'trials.arrow')));
      for (const cohort of ['h100', 'b200']) {
        const exit = t.getChild(`${cohort}.exit_month`)!.toArray() as Float64Array;
        expect(exit.filter((e) => e === 0).length / exit.length, `${cohort} ${valuation}`).toBeLessThan(0.05);
      }
      expect(r.manifest.check).toEqual({ stream: '1:check', trials: 8192, warnings: [] });
    }
  });
});

describe('sim check, sim scenarios and presets on the command line', () => {
  it('sim check prints each check and exits 0, with or without warnings', () => {
    const ok = sim('check', 'critic');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Checking critic \(.*scenarios\/critic\.yaml\)/);
    expect(ok.stdout).toContain('No warnings');
    const flagged = sim('check', PREVIOUS_DEFAULT);
    expect(flagged.status, flagged.stderr).toBe(0);
    expect(flagged.stdout).toMatch(/6 warnings:/);
    expect(flagged.stdout).toMatch(/WARN {2}sell now/);
  });

  it('sim check --json: every check with its figures, warnings per asset and for the scenario', () => {
    const r = sim('check', '--json', '--set', 'b200.rentalPrice.max=1', '--set', 'b200.rentalPrice.mode=0.5', '--set', 'b200.rentalPrice.min=0.2', 'hyperscaler');
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.assets.b200.warnings.some((w) => w.includes('selling today beats holding'))).toBe(true);
    expect(report.warnings).toEqual(Object.values(report.assets).flatMap((a) => a.warnings));
    for (const c of Object.values(report.assets).flatMap((a) => a.checks)) {
      expect(c.compares.length).toBeGreaterThan(10);
      expect(c.threshold.length).toBeGreaterThan(3);
      expect(c.movedBy.length).toBeGreaterThan(0);
      for (const v of Object.values(c.figures)) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it("README's \"moved by\" column lists exactly each check's movedBy", () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const names = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    // the sentence that defines each group: its name, then (after `are`) the list
    const group = (which: string) => names(new RegExp(`[Tt]he ${which} inputs (?:are )?(\\x60[^;.]+)`).exec(readme)?.[1] ?? '');
    const earning = group('earning'), resale = group('resale');
    expect(earning).toEqual(EARNING);
    expect(resale).toEqual(RESALE);
    const rows = [...readme.matchAll(/^\| (purchase NPV|sell now|price decline|day-one gap|lifetime revenue) \|.*\| ([^|]+) \|$/gm)];
    expect(rows.map((m) => m[1])).toEqual(['purchase NPV', 'sell now', 'price decline', 'day-one gap', 'lifetime revenue']);
    const report = checkScenario(loadScenario(DEFAULT_SCENARIO), 'default', '1', 64);
    const checks = Object.values(report.assets).flatMap((a) => a.checks);
    for (const [, name, cell] of rows) {
      const listed = [...(/earning/.test(cell) ? earning : []), ...(/resale/.test(cell) ? resale : []), ...names(cell)];
      const id = name.replace(/ /g, '-').toLowerCase();
      const movedBy = checks.find((c) => c.id === id)!.movedBy;
      expect(new Set(listed), name).toEqual(new Set(movedBy));
    }
  });

  it('an invalid file is exit 2 with one line; an unknown name is a missing file', () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, 'horizonMonths: -1\n');
    const r = sim('check', bad);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sim('check', 'optimist').stderr).toMatch(/optimist: \(top level\): a readable scenario file/);
  });

  it('sim scenarios lists every preset with what it assumes', () => {
    const r = sim('scenarios');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual([...PRESETS]);
    expect(r.stdout).toMatch(/^critic\s+the critics' reading/m);
  });

  it('sim run critic runs the preset; a run of a flagged scenario prints its warnings once and records them', () => {
    const critic = sim('run', 'critic', '--trials', '300', '--quiet', '--out', join(root, 'critic'));
    expect(critic.status, critic.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(root, 'critic', 'manifest.json'), 'utf8'));
    expect(manifest.scenario_file).toBe(presetFile('critic'));
    expect(manifest.check.warnings).toEqual([]);
    const flagged = sim(PREVIOUS_DEFAULT, '--trials', '300', '--out', join(root, 'flagged'));
    expect(flagged.status, flagged.stderr).toBe(0);
    const lines = flagged.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('sim: check: '))).toHaveLength(7); // six warnings and where to read more
    expect(JSON.parse(readFileSync(join(root, 'flagged', 'manifest.json'), 'utf8')).check.warnings).toHaveLength(6);
  });

  it("a run's check hint is a command that shows the same warnings: its what-ifs and seed included, quoted for the shell", () => {
    const set = "b200.rentalPrice={dist: uniform, min: 2, max: 4}";
    const comment = "discountRate=0.08 # the lender's rate"; // a YAML comment: a quote inside a quoted word
    const r = sim('--trials', '300', '--seed=-s7', '--set', set, '--set', comment, '--out', join(root, 'hinted'));
    expect(r.status, r.stderr).toBe(0);
    const hint = /^sim: check: details with `(sim check .*)`$/m.exec(r.stderr)?.[1];
    const path = /^[\w@%+=:,./-]+$/.test(DEFAULT_SCENARIO) ? DEFAULT_SCENARIO : `'${DEFAULT_SCENARIO}'`; // a checkout under a path with a space
    expect(hint).toBe(`sim check ${path} --set '${set}' --set 'discountRate=0.08 # the lender'\\''s rate' --seed=-s7`);
    // the shell reads it back into the same words, and the check then warns as the run did
    const shell = spawnSync('sh', ['-c', hint!.replace(/^sim /, `"${process.execPath}" "${BIN}" `)], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    expect(shell.status, shell.stderr).toBe(0);
    const warned = r.stderr.split('\n').filter((l) => l.startsWith('sim: check: ') && !l.includes('details with')).map((l) => l.slice('sim: check: '.length));
    expect(warned.length).toBeGreaterThan(0);
    for (const w of warned) expect(shell.stdout).toContain(w);
  });

  it('the terminal explains a loss at the first test as a day-one gap', () => {
    const r = sim('--trials', '2000', '--out', join(root, 'default'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^b200: carried at \$[\d.]+[MB] at m0, recoverable \$[\d.]+[MB] at m0 \(P50\) — a gap on day one; [\d.]+% of trials lose at m0, \$[\d.]+[MB] at the median; m0 holds \d+% of the mean write-down, the rest comes later$/m);
    expect(r.stdout).toContain('Why: `sim check`');
  });

  it('with a first test after m0, the line counts losses by that test, sales before it included, and the recoverable amount over the trials still holding', async () => {
    // nothing earned, a resale worth the cost: every trial sells at t = 0 and loses its disposal cost, long before the test at m12
    const file = join(root, 'first-test-m12.json');
    writeFileSync(file, JSON.stringify({ horizonMonths: 36, testMonths: [12], valuation: 'pathwise', assets: [hardware({ units: 10, disposalCost: 0.1, resaleFloor: 1 })] }));
    const r = await run({ scenarioFile: file, trials: 50, workers: 1, out: join(root, 'first-test-m12'), report: false });
    expect(r.summaries.get('gpu.exit_month')!.max).toBe(0);
    // it said "recoverable — at m12 (P50) — a loss at the first test; 100.0% of trials lose at m12": no trial held it at m12, and every loss was at m0
    expect(dayOneLines(r)[1]).toBe('gpu: carried at $10K at m0; 100.0% of trials have lost by the first test (m12), sales before it included, $1K at the median; m12 holds 100% of the mean write-down; every trial sold it before m12');
  });
});

describe('percentages in sim check', () => {
  it('stay short however large (a discount rate of −0.99 over 600 months gave a mean NPV of −1.805477615840068e+98%)', () => {
    expect(percent(0.456)).toBe('46%');
    expect(percent(-0.1)).toBe('−10%');
    expect(percent(9999.99)).toBe('999999%');
    expect(percent(-1.805477615840068e96)).toBe('−1.81e+98%');
    expect(percent(NaN)).toBe('—');
  });
});
