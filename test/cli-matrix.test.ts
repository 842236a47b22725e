import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { hardware } from './helpers.ts';
import { BIN } from './cli-process.ts';

/**
 * Every run option, placed before and after the scenario, with and without
 * `run`: the manifest (and the files) must record the value given, wherever
 * it stood.
 */
const root = mkdtempSync(join(tmpdir(), 'sim-matrix-'));
const sim = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

// three inputs whose asked rank correlations cannot hold together, so --repair-correlations has work to do
const file = join(root, 'repair.yaml');
const gpu = (name: string) => hardware({ name, rentalPrice: { dist: 'uniform', min: 1, max: 2 }, resaleDecay: { dist: 'uniform', min: 0.1, max: 0.3 }, priceCompression: { dist: 'uniform', min: 0.1, max: 0.3 } });
writeFileSync(file, JSON.stringify({
  assets: [gpu('a')],
  correlations: [['a.rentalPrice', 'a.resaleDecay', 0.9], ['a.rentalPrice', 'a.priceCompression', 0.9], ['a.resaleDecay', 'a.priceCompression', -0.9]],
}));

/** Every option at a value other than its default (--debug only changes error output). */
const options = (out: string) => [
  ['--trials', '1024'], ['--seed', 's42'], ['--workers', '1'], ['--chunk-size', '256'], ['--out', out],
  ['--set', 'discountRate=0.07'], ['--sampler', 'sobol'], ['--repair-correlations'], ['--precision', '0.9'], ['--max-trials', '2048'],
  ['--path-sample', '50'], ['--columns', '*.writedown'], ['--store', 'spill'], ['--format', 'arrow,parquet'], ['--quiet'], ['--debug'],
];

const placements: Record<string, (o: string[][]) => string[]> = {
  'sim OPTIONS': (o) => o.flat(),
  'sim FILE OPTIONS': (o) => [file, ...o.flat()],
  'sim run FILE OPTIONS': (o) => ['run', file, ...o.flat()],
  'sim run OPTIONS FILE': (o) => ['run', ...o.flat(), file],
  'sim OPTIONS run FILE': (o) => [...o.flat(), 'run', file],
  'sim run HALF FILE HALF': (o) => ['run', ...o.slice(0, 8).flat(), file, ...o.slice(8).flat()],
  'sim HALF run HALF FILE': (o) => [...o.slice(0, 8).flat(), 'run', ...o.slice(8).flat(), file],
};

describe('every option means the same wherever it stands', () => {
  it.each(Object.keys(placements))('%s', (placement) => {
    const out = join(root, placement.replace(/\W+/g, '-'));
    const r = sim(placements[placement](options(out)));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(out); // --quiet
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ seed: 's42', workers: 1, chunk_size: 256, store: 'spill', path_sample: 50, columns: '*.writedown', overrides: ['discountRate=0.07'] });
    expect(m.trials).toBe(1024); // --precision 0.9 is met at the first step
    expect(m.convergence).toMatchObject({ target: 0.9, stopped: 'converged' });
    expect(m.sampler).toMatch(/^sobol/);
    expect(m.files).toContain('trials.parquet');
    expect(m.scenario_file).toEqual(placement === 'sim OPTIONS' ? expect.stringMatching(/scenarios\/default\.yaml$/) : file);
    if (placement !== 'sim OPTIONS') expect(m.correlation_repair.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8')).discountRate).toBe(0.07);
    const names = tableFromIPC(readFileSync(join(out, 'trials.arrow'))).schema.fields.map((f) => f.name);
    expect(names.slice(1).every((n) => n.endsWith('.writedown'))).toBe(true);
  }, 120_000);
});

describe('options are never taken silently', () => {
  it.each([
    [['--seed', '--quiet'], "--seed needs a value, but the next argument is the option '--quiet'"],
    [['run', file, '--out', '--trials', '5'], "--out needs a value, but the next argument is the option '--trials'"],
    [['--trials', '100', 'run', file, '--trials', '200'], '--trials given twice (100 and 200); give it once'],
    [['--set', 'h100.priceCompression.mode=1.5'], "assets[0].priceCompression.mode: a mode within [0.08, 0.25], got 1.5 (set by --set h100.priceCompression.mode=1.5)"],
    [['--set', 'h10.units=3'], "--set h10.units=3: 'h10' is neither a scenario key"],
    [['--set', 'h100.units.max=3'], "--set h100.units.max=3: assets[0].units is number 50000, which has no key 'max'"],
    [['--set', 'discountRate'], '--set discountRate: expected PATH=VALUE'],
    [['--set', 'discountRate=0.05', '--set', 'discountRate=0.2'], '--set discountRate=0.05 and --set discountRate=0.2 both set discountRate; give it once'],
    [['--set', 'h100.utilization[1].mode=0.7', 'run', '--set', 'h100.utilization.1.mode=0.6'], 'both set assets[0].utilization[1].mode; give it once'],
    [['--set', 'valuation=expected', '--valuation', 'pathwise'], '--valuation pathwise and --set valuation=expected both set valuation; give it once'],
    [['--calibration-trials', '4096', '--set', ' calibrationTrials =8192'], '--calibration-trials 4096 and --set  calibrationTrials =8192 both set calibrationTrials; give it once'],
    [['--set', 'valuation=expected', '--set', 'valuation=pathwise'], '--set valuation=expected and --set valuation=pathwise both set valuation (--valuation is --set valuation=…); give it once'],
    [['--set', 'h100.priceCompression.mode=0.2', '--set', 'h100.priceCompression={dist: uniform, min: 0.1, max: 0.3}'], '--set h100.priceCompression={dist: uniform, min: 0.1, max: 0.3} replaces assets[0].priceCompression, inside which --set h100.priceCompression.mode=0.2 set assets[0].priceCompression.mode'],
    [['--set', 'testMonths.1=24', '--set', 'testMonths=[0, 12]'], '--set testMonths=[0, 12] replaces testMonths, inside which --set testMonths.1=24 set testMonths[1]'],
  ])('%j exits 2 with one line', (args, message) => {
    const r = sim(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(root, 'runs'))).toBe(false);
  });

  it('--set reaches list items, distributions and new keys, and --set is repeatable', () => {
    const out = join(root, 'sets');
    const r = sim(['--trials', '64', '--quiet', '--out', out,
      '--set', 'h100.utilization[1].mode=0.7', '--set', 'b200.rentalPrice={dist: uniform, min: 2, max: 4}', '--set', 'policies.four-year={method: straight-line, usefulLifeMonths: 48}']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8'));
    expect(s.assets[0].utilization[1].mode).toBe(0.7);
    expect(s.assets[1].rentalPrice).toEqual({ dist: 'uniform', min: 2, max: 4 });
    expect(s.policies['four-year']).toEqual({ method: 'straight-line', usefulLifeMonths: 48, salvagePct: 0, prospective: false });
    const names = tableFromIPC(readFileSync(join(out, 'trials.arrow'))).schema.fields.map((f) => f.name);
    expect(names).toContain('h100@four-year.writedown');
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
