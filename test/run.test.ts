import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceHash } from '../src/source-hash.mjs';
import { sensitivityRowsOf } from '../src/output/sensitivity-table.ts';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { ScenarioError } from '../src/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-run-'));
const readTable = (dir: string, file = 'trials.arrow') => tableFromIPC(readFileSync(join(dir, file)));
const base = { scenarioFile: DEFAULT_SCENARIO, trials: 3000, seed: '7', chunkSize: 512 };

describe('a run of the default scenario', async () => {
  const one = await run({ ...base, workers: 1, out: join(root, 'w1') });
  const two = await run({ ...base, workers: 2, out: join(root, 'w2') });

  it('writes every file', () => {
    expect(readdirSync(one.dir).sort()).toEqual(['manifest.json', 'paths.arrow', 'report.html', 'scenario.json', 'sensitivity.arrow', 'summary.arrow', 'summary.json', 'trials.arrow', 'valuation.json']);
  });

  it('gives bit-identical trials with 1 and 2 workers', () => {
    const a = readTable(one.dir), b = readTable(two.dir);
    expect(a.numRows).toBe(3000);
    expect(b.schema.fields.map((f) => f.name)).toEqual(a.schema.fields.map((f) => f.name));
    for (const f of a.schema.fields) {
      const x = a.getChild(f.name)!.toArray(), y = b.getChild(f.name)!.toArray();
      expect(Buffer.from(y.buffer, y.byteOffset, y.byteLength).equals(Buffer.from(x.buffer, x.byteOffset, x.byteLength)), f.name).toBe(true);
    }
  });

  it('names every column as MODEL.md does, with trial first and inputs before outputs', () => {
    const names = readTable(one.dir).schema.fields.map((f) => f.name);
    expect(names[0]).toBe('trial');
    expect(names).toContain('h100.utilization.2');
    expect(names).toContain('frontier-post.lifespanMonths');
    for (const out of ['writedown', 'writedown_m0', 'writedown_m60', 'first_impairment_month', 'gap_m24', 'recoverable_m0', 'exit_month', 'npv', 'payback_month']) {
      expect(names).toContain(`b200.${out}`);
    }
    expect(names).toContain('h100@three-year.writedown_m12');
    expect(names).toContain('portfolio.writedown');
    expect(names).toContain('portfolio@five-year.gap_m36');
    expect(names.indexOf('frontier-mini.servingCostRatio')).toBeLessThan(names.indexOf('h100.writedown'));
  });

  it('records seed, sampler, chunk size, version and scenario hash in the schema and manifest', () => {
    const meta = readTable(one.dir).schema.metadata;
    for (const k of ['run_id', 'seed', 'sampler', 'chunk_size', 'engine_version', 'scenario_hash']) expect(meta.get(k), k).toBeTruthy();
    expect(meta.get('seed')).toBe('7');
    const m = JSON.parse(readFileSync(join(one.dir, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ seed: '7', trials: 3000, workers: 1, chunk_size: 512, chunks: 6, node: process.version });
    for (const k of ['sample', 'simulate', 'aggregate', 'write']) expect(m.timings[k]).toBeGreaterThanOrEqual(0);
  });

  it('records the hash of the sources that ran beside the version, in the manifest and in every table: the version alone does not change with the code', () => {
    const source = sourceHash(fileURLToPath(new URL('..', import.meta.url)));
    expect(source).toMatch(/^[0-9a-f]{16}$/);
    const m = JSON.parse(readFileSync(join(one.dir, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ version: expect.any(String), source });
    for (const t of ['trials', 'summary', 'sensitivity', 'paths']) {
      const meta = readTable(one.dir, `${t}.arrow`).schema.metadata;
      expect([meta.get('engine_version'), meta.get('engine_source')], t).toEqual([m.version, source]);
    }
    expect(JSON.parse(readFileSync(join(one.dir, 'summary.json'), 'utf8')).engine_source).toBe(source);
  });

  it('writes the resolved scenario with defaults filled in', () => {
    const s = JSON.parse(readFileSync(join(one.dir, 'scenario.json'), 'utf8'));
    expect(s.assets[0].idlePowerFraction).toBe(0.3);
    expect(s.assets[2].rampMonths).toBe(1);
    expect(s.assets[0].rentalPrice).toEqual({ dist: 'pert', min: 1.5, mode: 2.2, max: 3.2, lambda: 4 });
  });

  it('summarises every column, in JSON and Arrow, consistently with the trials', () => {
    const sj = JSON.parse(readFileSync(join(one.dir, 'summary.json'), 'utf8'));
    const st = readTable(one.dir, 'summary.arrow');
    const trials = readTable(one.dir);
    expect(st.numRows).toBe(trials.numCols - 1 + one.plan.comparisons.length);
    const w = Float64Array.from(trials.getChild('portfolio.writedown')!.toArray() as Float64Array).sort();
    const p95 = w[Math.floor(0.95 * 2999)] + (0.95 * 2999 - Math.floor(0.95 * 2999)) * (w[Math.floor(0.95 * 2999) + 1] - w[Math.floor(0.95 * 2999)]);
    expect(sj.columns['portfolio.writedown'].p95).toBeCloseTo(p95, 6);
    const row = st.getChild('column')!.toArray().indexOf('portfolio.writedown');
    expect(st.getChild('p95')!.get(row)).toBe(sj.columns['portfolio.writedown'].p95);
    for (const k of ['mean', 'sd', 'min', 'max', 'p1', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'prob_positive', 'es95']) {
      expect(sj.columns['h100.writedown'][k], k).toBeTypeOf('number');
    }
    expect(sj.columns['h100.exit_month'].es95).toBeNull(); // no shortfall for months
  });

  it('summarises paired policy differences trial by trial', () => {
    const sj = JSON.parse(readFileSync(join(one.dir, 'summary.json'), 'utf8'));
    const t = readTable(one.dir);
    const a = t.getChild('h100@five-year.writedown')!.toArray() as Float64Array, b = t.getChild('h100.writedown')!.toArray() as Float64Array;
    const d = sj.policy_differences['h100@five-year.writedown_vs_own'];
    expect(d.mean).toBeCloseTo(a.reduce((s, x, i) => s + x - b[i], 0) / a.length, 0);
    expect(d.count).toBe(3000);
    expect(d.p95_lo).toBeLessThanOrEqual(d.p95);
    expect(d.p95_hi).toBeGreaterThanOrEqual(d.p95);
    expect(sj.policy_differences['portfolio@three-year.writedown_vs_own'].max).toBeLessThanOrEqual(0); // a shorter life never adds write-down here
  });

  it('ranks inputs by their rank correlation with each key output', () => {
    const rows = sensitivityRowsOf(one.sensitivity, 'portfolio.writedown');
    expect(rows).toHaveLength(one.plan.sensitivity.inputs.length);
    expect(rows.reduce((s, r) => s + r.variance_share, 0)).toBeCloseTo(1, 12);
    expect(rows[0].variance_share).toBeGreaterThanOrEqual(rows[1].variance_share);
    expect(one.sensitivity.output.includes('frontier-mini.npv')).toBe(true); // released at 0: acquired now
    expect(one.sensitivity.output.includes('h100.npv')).toBe(false);
  });

  it('a spilled column store (one sparse file) gives the same files as the in-memory one', async () => {
    const spilled = await run({ ...base, workers: 2, out: join(root, 'spill'), store: 'spill' });
    expect(spilled.manifest.store).toBe('spill');
    expect(one.manifest.store).toBe('memory');
    expect(readdirSync(spilled.dir).sort()).toEqual(readdirSync(one.dir).sort()); // the spill files are gone
    const a = readTable(one.dir), b = readTable(spilled.dir);
    for (const f of a.schema.fields) expect(Array.from(b.getChild(f.name)!.toArray()), f.name).toEqual(Array.from(a.getChild(f.name)!.toArray()));
    const strip = (d: string) => { const j = JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')); delete j.run_id; return j; };
    expect(strip(spilled.dir)).toEqual(strip(one.dir));
    expect(spilled.sensitivity).toEqual(one.sensitivity);
    expect(spilled.manifest.correlations).toEqual(one.manifest.correlations);
  });

  it('a different seed gives different trials', async () => {
    const other = await run({ ...base, seed: '8', workers: 2, out: join(root, 'seed8') });
    const a = readTable(one.dir).getChild('portfolio.writedown')!.toArray();
    const b = readTable(other.dir).getChild('portfolio.writedown')!.toArray();
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

describe('refusals', () => {
  it('a bad scenario names the key path and leaves no run directory', async () => {
    const file = join(root, 'bad.yaml');
    const text = readFileSync(DEFAULT_SCENARIO, 'utf8').replace('cadenceMonths: {dist: uniform, min: 12, max: 24}', 'cadenceMonths: {dist: uniform, min: 24, max: 12}');
    writeFileSync(file, text);
    const out = join(root, 'never');
    const err = await run({ ...base, scenarioFile: file, workers: 1, out }).catch((e) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.message).toContain('assets[0].cadenceMonths.max');
    expect(err.message).toContain(file);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses a non-empty output directory', async () => {
    const err = await run({ ...base, workers: 1, out: join(root, 'w1') }).catch((e) => e);
    expect(err.message).toMatch(/not empty/);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
