import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../bin/sim.mjs', import.meta.url).pathname;
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
    expect(readdirSync(join(root, 'runs', runs[0])).sort()).toEqual(['manifest.json', 'paths.arrow', 'scenario.json', 'sensitivity.arrow', 'summary.arrow', 'summary.json', 'trials.arrow']);
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
  ])('rejects %j with exit code 2', (args, message) => {
    const r = sim(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
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
  it('writes only the selected per-trial columns, keeping every summary', async () => {
    const { tableFromIPC } = await import('apache-arrow');
    const { readFileSync } = await import('node:fs');
    const out = join(root, 'cols');
    const r = sim('--trials', '300', '--workers', '1', '--quiet', '--columns', 'portfolio.writedown*,h100.rentalPrice', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const names = tableFromIPC(readFileSync(join(out, 'trials.arrow'))).schema.fields.map((f) => f.name);
    expect(names).toEqual(['trial', 'h100.rentalPrice', 'portfolio.writedown', ...[0, 12, 24, 36, 48, 60].map((t) => `portfolio.writedown_m${t}`)]);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).columns['b200.npv']).toBeDefined();
  });
  it('refuses a pattern that matches nothing, with a suggestion', () => {
    const r = sim('--trials', '10', '--columns', 'portfolio.writedwon');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("did you mean 'portfolio.writedown'?");
  });
});
