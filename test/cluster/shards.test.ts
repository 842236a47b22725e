import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { pathIndex } from '../../src/kernel/simulate.ts';
import { buildPlan } from '../../src/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { PQ } from '../../src/schema.ts';
import { BIN } from '../cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-shards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `sim` as a scheduler starts it: its own process, with the environment the scheduler sets. */
function sim(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every value of every table of a run, per column, as bytes (null bitmaps included), and the JSON files but for the run's identity. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of ['trials', 'summary', 'sensitivity', 'paths']) {
    const table = tableFromIPC(readFileSync(join(dir, `${t}.arrow`)));
    for (const f of table.schema.fields) {
      const col = table.getChild(f.name)!;
      out[`${t}.${f.name}`] = JSON.stringify([...col].map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)));
    }
  }
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  delete summary.run_id;
  out['summary.json'] = JSON.stringify(summary);
  for (const f of ['scenario.json', 'valuation.json']) out[f] = existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : 'absent';
  return out;
}

/** A run split into shards by each scheduler's environment, merged, against the same run on one machine. */
const cases = [
  { name: 'Slurm array, 3 shards of 7 chunks, Latin hypercube', n: 3, env: (i: number) => ({ SLURM_ARRAY_TASK_ID: String(i + 1), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' }), shard: 'auto', run: ['critic', '--sampler', 'lhs', '--valuation', 'pathwise'] },
  { name: 'Kubernetes Indexed Job, 4 shards of 7 chunks, expected valuation', n: 4, env: (i: number) => ({ JOB_COMPLETION_INDEX: String(i), SIM_SHARD_COUNT: '4' }), shard: 'auto', run: ['default', '--calibration-trials', '2048'] },
  { name: 'AWS Batch array of 1', n: 1, env: (i: number) => ({ AWS_BATCH_JOB_ARRAY_INDEX: String(i) }), shard: 'auto/1', run: ['hyperscaler', '--valuation', 'pathwise'] },
];
const common = ['--trials', '10000', '--chunk-size', '1500', '--seed', '7', '--workers', '1', '--quiet'];

describe('sim run --shard and sim merge', () => {
  it.each(cases)('$name: merged equals one machine, column by column', async ({ name, n, env, shard, run }) => {
    const at = join(root, name.split(',')[0].replace(/\W+/g, '-'));
    const shards = Array.from({ length: n }, (_, i) => join(at, `shard-${i}`));
    const [single, ...ran] = await Promise.all([
      sim(['run', ...run, ...common, '--out', join(at, 'single')]),
      ...shards.map((out, i) => sim(['run', ...run, ...common, '--shard', shard, '--out', out], env(i))),
    ]);
    for (const r of [single, ...ran]) expect(r.status, r.stderr).toBe(0);
    // shards in any order
    const merged = await sim(['merge', ...[...shards].reverse(), '--out', join(at, 'merged'), '--quiet']);
    expect(merged.status, merged.stderr).toBe(0);
    const want = contents(join(at, 'single')), got = contents(join(at, 'merged'));
    expect(Object.keys(got)).toEqual(Object.keys(want));
    expect(Object.keys(want).filter((k) => got[k] !== want[k]), 'differing columns').toEqual([]);
    const manifest = JSON.parse(readFileSync(join(at, 'merged', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ shards: n, trials: 10_000, chunks: 7, seed: '7' });
    // and its warnings are the single run's (the expected case calibrates on 2,048 trials: a warning), which each shard printed too
    expect(manifest.warnings).toEqual(JSON.parse(readFileSync(join(at, 'single', 'manifest.json'), 'utf8')).warnings);
    for (const w of manifest.warnings) for (const r of ran) expect(r.stderr).toContain(`sim: warning: ${w}`);
    // the expected valuation's calibration depends on the seed alone: every shard wrote the same valuation.json
    if (run.includes('default')) for (const s of shards) expect(readFileSync(join(s, 'valuation.json'), 'utf8')).toBe(want['valuation.json']);
  }, 300_000);

  describe('refusals, each one line and exit 2', () => {
    const at = join(root, 'refusals');
    const shard = (i: number, n: number, ...extra: string[]) => sim(['run', 'critic', '--valuation', 'pathwise', '--trials', '3000', '--chunk-size', '1000', '--workers', '1', '--quiet', '--shard', `${i}/${n}`, '--out', join(at, `s${i}-${n}${extra.join('')}`), ...extra]);
    const ready = Promise.all([shard(0, 2), shard(1, 2), shard(1, 3), shard(0, 2, '--seed', '9')]);
    const refused = async (args: string[], message: RegExp) => {
      await ready;
      const r = await sim(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    };

    it('a missing or a duplicated shard', async () => {
      await refused(['merge', join(at, 's0-2')], /shard 1 of 2 missing/);
      await refused(['merge', join(at, 's0-2'), join(at, 's0-2'), join(at, 's1-2')], /shard 0 of 2 is given twice/);
      // an index outside the count (shard.json edited) is named as such, not as the shard it leaves missing
      cpSync(join(at, 's1-2'), join(at, 'index5'), { recursive: true });
      const m = JSON.parse(readFileSync(join(at, 'index5', 'shard.json'), 'utf8'));
      writeFileSync(join(at, 'index5', 'shard.json'), JSON.stringify({ ...m, index: 5 }));
      await refused(['merge', join(at, 's0-2'), join(at, 'index5')], /sim merge: .*index5: shard\.json gives index 5, outside 0 to 1 of its 2 shards: the shard directory is damaged \(run that shard again\)\n$/);
    });

    it('shards of another run: a different seed or shard count', async () => {
      await refused(['merge', join(at, 's0-2--seed9'), join(at, 's1-2')], /not a shard of the same run as .*: seed "1" vs "9"/);
      await refused(['merge', join(at, 's0-2'), join(at, 's1-3')], /shards 3 vs 2/);
    });

    it('a directory that is not a shard, a damaged one, another version or other code', async () => {
      await refused(['merge', root], /not a shard directory \(no shard\.json/);
      const copy = (from: string, to: string, edit: (key: Record<string, unknown>) => void) => {
        cpSync(join(at, from), join(at, to), { recursive: true });
        const m = JSON.parse(readFileSync(join(at, to, 'shard.json'), 'utf8'));
        edit(m.key);
        writeFileSync(join(at, to, 'shard.json'), JSON.stringify(m));
      };
      copy('s0-2', 'old0', (k) => (k.version = '0.0.1'));
      copy('s1-2', 'old1', (k) => (k.version = '0.0.1'));
      await refused(['merge', join(at, 'old0'), join(at, 'old1')], /written by sim 0\.0\.1, this is /);
      // the same version of other code: the source hash tells them apart, naming the shard and both hashes
      copy('s1-2', 'other1', (k) => (k.source = '0123456789abcdef'));
      await refused(['merge', join(at, 's0-2'), join(at, 'other1')], /other1: written by sim \S+ of source 0123456789abcdef, this is source [0-9a-f]{16} \(other code\); rerun the shards with this sim, into empty directories/);
      copy('s1-2', 'cut', () => undefined);
      truncateSync(join(at, 'cut', 'columns.f64'), 800);
      await refused(['merge', join(at, 's0-2'), join(at, 'cut')], /columns\.f64 holds 800 bytes, not the .* the shard is damaged/);
    });

    it('a shard without a file it writes: named before anything is merged', async () => {
      await ready;
      cpSync(join(at, 's1-2'), join(at, 'no-paths'), { recursive: true });
      rmSync(join(at, 'no-paths', 'paths.f64'));
      await refused(['merge', join(at, 's0-2'), join(at, 'no-paths'), '--out', join(at, 'no-paths-merged')], /no-paths: paths\.f64 is missing; the shard is damaged \(rerun it\)/);
      expect(existsSync(join(at, 'no-paths-merged'))).toBe(false);
    });

    /** A copy of shard 1 of 2 (chunks [1, 3) of 3, trials 1000 to 2999) with one file edited. */
    const edited = (to: string, file: string, edit: (bytes: Buffer) => Buffer | string) => {
      cpSync(join(at, 's1-2'), join(at, to), { recursive: true });
      writeFileSync(join(at, to, file), edit(readFileSync(join(at, to, file))));
      return ['merge', join(at, 's0-2'), join(at, to), '--out', join(at, `${to}-merged`)];
    };

    it('a shard edited by hand: its chunk range, a value in its columns, its scenario', async () => {
      await ready;
      const manifest = (edit: (m: Record<string, unknown>) => void) => (b: Buffer) => {
        const m = JSON.parse(b.toString());
        edit(m);
        return JSON.stringify(m);
      };
      // shards must hold the share their index implies: here trials 1000 to 1999 twice and 2000 to 2999 left at 0
      await refused(edited('range', 'shard.json', manifest((m) => Object.assign(m, { chunks: [0, 2], first: 0 }))), /range\/shard\.json: chunks \[0,2\], expected \[1,3\] \(what shard 1 of 2 runs\); the shard is damaged/);
      await refused(edited('first', 'shard.json', manifest((m) => (m.first = 500))), /first\/shard\.json: first 500, expected 1000 /);
      // a value no run writes: Infinity in an output, NaN in a sampled input (NaN in payback_month is a genuine "no value")
      const plan = buildPlan(resolveScenario(JSON.parse(readFileSync(join(at, 's1-2', 'scenario.json'), 'utf8')), 'scenario.json'));
      const poke = (column: number, value: number) => (b: Buffer) => (b.writeDoubleLE(value, (column * 2000 + 17) * 8), b);
      const output = plan.assets[0].books[0].out.writedown, input = plan.columns.findIndex((c) => c.role === 'input');
      await refused(edited('inf', 'columns.f64', poke(output, Infinity)), new RegExp(`inf/columns\\.f64: ${plan.columns[output].name.replace(/\W/g, '\\$&')} is Infinity in trial 1017, .*damaged`));
      await refused(edited('nan', 'columns.f64', poke(input, NaN)), new RegExp(`nan/columns\\.f64: ${plan.columns[input].name.replace(/\W/g, '\\$&')} is NaN in trial 1017, .*damaged`));
      const merged = await sim(edited('payback', 'columns.f64', poke(plan.assets[0].out.payback_month, NaN)));
      expect(merged.status, merged.stderr).toBe(0);
      // the scenario every shard's key names: an edit to any shard's copy, not only the first's
      await refused(edited('scenario', 'scenario.json', (b) => b.toString().replace(/"discountRate": [\d.]+/, '"discountRate": 0.5')), /scenario\/scenario\.json differs from .*s0-2\/scenario\.json/);
    });

    it('a shard edited by hand: a value in its paths that no run records', async () => {
      await ready;
      // shard 1's paths.f64 holds trials 1000 to 2999 of the 3000 recorded: each (asset, quantity, month) row 2000 wide, so its layout is pathIndex's with K = 2000
      const plan = buildPlan(resolveScenario(JSON.parse(readFileSync(join(at, 's1-2', 'scenario.json'), 'utf8')), 'scenario.json'));
      const cell = (q: number, t: number) => (pathIndex(2000, plan.H, 0, q, t) + 17) * 8;
      await refused(edited('inf-path', 'paths.f64', (b) => (b.writeDoubleLE(Infinity, cell(PQ.C, 6)), b)), /inf-path\/paths\.f64: h100's C \(carrying amount\) at month 6 is Infinity in trial 1017, where a run records a finite value at every month .*damaged/);
      // after the exit month recoverable_m{t} is a genuine NaN in the columns, but the paths record V as 0 there
      const columns = readFileSync(join(at, 's1-2', 'columns.f64'));
      const exit = columns.readDoubleLE((plan.assets[0].out.exit_month * 2000 + 17) * 8);
      expect(exit).toBeLessThan(plan.H);
      await refused(edited('nan-path', 'paths.f64', (b) => (b.writeDoubleLE(NaN, cell(PQ.V, exit + 1)), b)), new RegExp(`nan-path/paths\\.f64: h100's V \\(recoverable amount\\) at month ${exit + 1} is NaN in trial 1017, .*damaged`));
    });

    it('--shard with --precision, without --out, or out of range', async () => {
      await refused(['run', '--trials', '2000', '--precision', '0.1', '--shard', '0/2', '--out', join(at, 'p')], /--precision cannot be split into shards/);
      await refused(['run', '--trials', '2000', '--shard', '0/2'], /--shard needs --out/);
      await refused(['run', '--trials', '2000', '--shard', '2/2', '--out', join(at, 'q')], /index must be 0 to 1/);
      await refused(['run', '--trials', '2000', '--shard', 'auto', '--out', join(at, 'q')], /no shard index in the environment/);
    });

    it('rerunning a shard replaces it with the same bytes; another run\'s shard is not overwritten', async () => {
      await ready;
      const before = readFileSync(join(at, 's1-2', 'columns.f64'));
      const again = await shard(1, 2);
      expect(again.status, again.stderr).toBe(0);
      expect(readFileSync(join(at, 's1-2', 'columns.f64')).equals(before)).toBe(true);
      const other = await sim(['run', 'critic', '--valuation', 'pathwise', '--trials', '3000', '--chunk-size', '1000', '--seed', '2', '--quiet', '--shard', '1/2', '--out', join(at, 's1-2')]);
      expect(other.status).toBe(2);
      expect(other.stderr).toMatch(/not empty/);
    });
  });
});
