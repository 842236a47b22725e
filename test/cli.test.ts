import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-cli-'));
const sim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('sim command line', () => {
  it('--help lists every option with its default', () => {
    const r = sim('--help');
    expect(r.status).toBe(0);
    for (const o of ['--trials', '--seed', '--workers', '--chunk-size', '--out', '--quiet']) expect(r.stdout).toContain(o);
    expect(r.stdout).toContain('(default: 100000)');
    expect(r.stdout).toContain('(default: "1")');
    expect(r.stdout).toContain('(default: 4096)');
    const sub = sim('run', '--help');
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('scenario file');
  });

  it('runs the default scenario into runs/ and prints the risk table', () => {
    const r = sim('--trials', '600', '--workers', '1', '--chunk-size', '300');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('portfolio');
    expect(r.stdout).toMatch(/Run written to runs\//);
    const runs = readdirSync(join(root, 'runs'));
    expect(runs).toHaveLength(1);
    expect(readdirSync(join(root, 'runs', runs[0])).sort()).toEqual(['manifest.json', 'paths.arrow', 'report.html', 'scenario.json', 'sensitivity.arrow', 'summary.arrow', 'summary.json', 'trials.arrow', 'valuation.json']);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
  });

  it('--quiet prints only the run directory', () => {
    const out = join(root, 'quiet');
    const r = sim('--trials', '100', '--workers', '1', '--quiet', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(out);
  });

  it.each([
    [['--trials', '0'], '--trials must be a whole number'],
    [['--trials', 'abc'], '--trials must be a whole number'],
    [['--workers', '0'], '--workers must be a whole number'],
    [['--chunk-size', '-5'], '--chunk-size'],
    [['--bogus'], "unknown option '--bogus'"],
    [['--store', 'nope'], 'Allowed choices are auto, memory, spill.'],
    [['run', 'a.yaml', 'b.yaml'], "too many arguments for 'run'"],
  ])('rejects %j with exit code 2, in one line like every other error', (args, message) => {
    const r = sim(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/^sim: .* \(run with --help for usage\)\n$/);
  });

  it('quotes at most 80 characters of a refused option value, as scenario errors do', () => {
    const r = sim('--seed', 'x'.repeat(5000));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`'${'x'.repeat(80)}…(5,000 characters)'`);
    expect(r.stderr.length).toBeLessThan(400);
  });

  it('quotes at most 80 characters of a --set, wherever its message repeats it (the key, the value, the --set itself)', () => {
    const x = 'x'.repeat(100_000);
    const sets = [[`h100.rentalPrice.mode=${x}`], [`h100.rentalPrice.mode=[${x}`], [`${x}=1`], [`h100.${x}=1`], [`h100.utilization.${x}=1`], [`h100.units.${x}=1`], [`discountRate=${'9'.repeat(100_000)}`],
      // two --sets, whose messages name the key path they share
      [`h100.${x}=1`, `h100.${x}=2`], [`h100.${x}.a=1`, `h100.${x}={a: 2}`], [`h100.${x}.5=1`], [`h100.${x}=1`, `h100.${x}.y=2`]];
    for (const set of sets) {
      const r = sim('--trials', '10', ...set.flatMap((s) => ['--set', s]));
      expect(r.status, set[0].slice(0, 30)).toBe(2);
      expect(r.stderr.length, set.map((s) => s.slice(0, 30)).join(' ')).toBeLessThan(1000);
    }
    const both = sim('--valuation', 'pathwise', '--set', `valuation=${x}`);
    expect(both.stderr).toMatch(/^sim: --valuation pathwise and --set valuation=x{70}…\(100,010 characters\) both set valuation; give it once/);
  });

  it('an option the run has no use for, or that another overrules, is a warning on stderr and in the manifest', () => {
    const cases: [string[], string][] = [
      [['--trials', '64', '--max-trials', '100'], '--max-trials 100 has no effect without --precision; ran the 64 --trials asked for'],
      [['--trials', '64', '--valuation', 'pathwise', '--calibration-trials', '100'], 'calibrationTrials=100 has no effect under the pathwise valuation, which fits no regressions'],
      [['--trials', '64', '--set', 'valuation=pathwise', '--set', 'calibrationTrials=4096'], 'calibrationTrials=4096 has no effect under the pathwise valuation, which fits no regressions'],
      // the store, the memory and disk checks are sized by the 128 trials it runs: 50 million trials' columns would be refused for disk
      [['--trials', '50000000', '--max-trials', '128', '--chunk-size', '64', '--precision', '0.5', '--valuation', 'pathwise'], '--trials 50,000,000 is above --max-trials 128: the run starts at --max-trials and adds none'],
    ];
    for (const [k, [args, warning]] of cases.entries()) {
      const out = join(root, `idle-${k}`);
      const r = sim(...args, '--out', out, '--no-report', '--quiet');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`sim: warning: ${warning}`);
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).warnings).toContain(warning);
    }
    const plain = join(root, 'idle-none');
    expect(sim('--trials', '64', '--valuation', 'pathwise', '--out', plain, '--no-report', '--quiet').stderr).toBe('');
  });

  it('refuses a non-empty --out and an --out that is a file, leaving both alone', () => {
    const full = join(root, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'x');
    const r = sim('--trials', '10', '--out', full);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not empty');
    expect(readdirSync(full)).toEqual(['keep.txt']);
    const file = join(root, 'afile');
    writeFileSync(file, 'x');
    expect(sim('--trials', '10', '--out', file).status).toBe(2);
  });

  it('--sampler sobol over more uncertain inputs than it has direction numbers for fails with exit 2 before any run directory', () => {
    const u = (min: number, max: number) => ({ dist: 'uniform', min, max });
    const cohort = (i: number) => ({
      name: `gpu${i}`, kind: 'hardware', units: 10, unitCost: 30000, ageMonths: 12, powerKw: 1,
      policy: { method: 'straight-line', usefulLifeMonths: 72 },
      rentalPrice: u(1, 2), priceCompression: u(0.1, 0.3), firstSupersededAge: u(12, 24), cadenceMonths: u(12, 24), generationShock: u(0.1, 0.3),
      utilization: [u(0.5, 0.9)], resaleDecay: u(0.1, 0.3), resaleFloor: u(0.01, 0.05), resaleHaircut: u(0.05, 0.2), failureRate: u(0.05, 0.1),
      powerPrice: u(0.05, 0.1), pue: u(1.1, 1.3),
    });
    const file = join(root, 'wide.json');
    writeFileSync(file, JSON.stringify({ horizonMonths: 72, testMonths: [0, 12], assets: Array.from({ length: 90 }, (_, i) => cohort(i)) }));
    const out = join(root, 'wide-run');
    const r = sim('run', file, '--sampler', 'sobol', '--trials', '64', '--workers', '1', '--out', out);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe('sim: --sampler sobol draws at most 1,024 uncertain inputs (its Joe–Kuo direction numbers), but this scenario has 1,080; use --sampler random or lhs');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a bad scenario fails with exit 2, one line naming file and key path, and no run directory', () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, 'assets:\n  - name: a\n    kind: hardwre\n');
    const out = join(root, 'bad-run');
    const r = sim('run', bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`sim: ${bad}: assets[0].kind: one of hardware, model (did you mean 'hardware'?), got the string 'hardwre'`);
    expect(existsSync(out)).toBe(false);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--columns', () => {
  it('writes only the selected per-trial columns (trial always, named or not), keeping every summary', async () => {
    const { tableFromIPC } = await import('apache-arrow');
    const { readFileSync } = await import('node:fs');
    const out = join(root, 'cols');
    const r = sim('--trials', '300', '--workers', '1', '--quiet', '--columns', 'trial,portfolio.writedown*,h100.rentalPrice', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const names = tableFromIPC(readFileSync(join(out, 'trials.arrow'))).schema.fields.map((f) => f.name);
    expect(names).toEqual(['trial', 'h100.rentalPrice', 'portfolio.writedown', ...[0, 12, 24, 36, 48, 60].map((t) => `portfolio.writedown_m${t}`)]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).columns['b200.npv']).toBeDefined();
  });
  it('refuses a pattern that matches nothing, with a suggestion', () => {
    const r = sim('--trials', '10', '--columns', 'portfolio.writedwon');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("did you mean 'portfolio.writedown'?");
    const only = sim('--trials', '10', '--columns', 'trial');
    expect(only.status).toBe(2);
    expect(only.stderr).toBe("sim: --columns: expected at least one column besides 'trial', which is always written\n");
  });
});
