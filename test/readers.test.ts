import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';

// Outputs opened with real readers: DuckDB on the Parquet files, polars (Rust Arrow reader) on the Arrow files.
const root = mkdtempSync(join(tmpdir(), 'sim-readers-'));

describe('outputs in DuckDB and polars', async () => {
  const r = await run({ scenarioFile: DEFAULT_SCENARIO, trials: 5000, seed: '11', workers: 2, chunkSize: 1024, out: join(root, 'run'), formats: ['arrow', 'parquet'] });
  const summary = JSON.parse(readFileSync(join(r.dir, 'summary.json'), 'utf8'));
  const names = ['trial', ...r.plan.columns.map((c) => c.name)];
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const q = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();
  const close = (a: number, b: number) => expect(Math.abs(a - b) / Math.abs(b)).toBeLessThanOrEqual(1e-9);
  // "no value" in the default scenario: in some trials (no impairment within the model's life), in every trial (h100 is not acquired now)
  const some = 'frontier-post.first_impairment_month', none = 'h100.npv';
  const nanCount = (df: pl.DataFrame, c: string) => df.select(pl.col(c).isNan().cast(pl.Int32).sum()).getColumn(c).get(0);

  it('DuckDB reads trials.parquet: rows, column names and types', async () => {
    const file = join(r.dir, 'trials.parquet');
    expect((await q(`select count(*)::INTEGER as n from '${file}'`))[0].n).toBe(5000);
    const cols = await q(`select column_name, column_type from (describe select * from '${file}')`);
    expect(cols.map((c) => c.column_name)).toEqual(names);
    expect(cols[0].column_type).toBe('INTEGER');
    expect(new Set(cols.slice(1).map((c) => c.column_type))).toEqual(new Set(['DOUBLE']));
  });

  it("DuckDB's quantile_cont of portfolio.writedown at 0.95 equals the engine's P95 to 1e-9", async () => {
    const [{ p95 }] = await q(`select quantile_cont("portfolio.writedown", 0.95) as p95 from '${join(r.dir, 'trials.parquet')}'`);
    const ours = summary.columns['portfolio.writedown'].p95;
    expect(Math.abs((p95 as number) - ours) / Math.abs(ours)).toBeLessThanOrEqual(1e-9);
  });

  it('DuckDB reads summary.parquet and sensitivity.parquet', async () => {
    const s = await q(`select "column", p95 from '${join(r.dir, 'summary.parquet')}' where "column" = 'h100.writedown'`);
    expect(s[0].p95).toBe(summary.columns['h100.writedown'].p95);
    const sens = await q(`select count(*)::INTEGER as n from '${join(r.dir, 'sensitivity.parquet')}' where output = 'portfolio.writedown'`);
    expect(sens[0].n).toBe(r.plan.sensitivity.inputs.length);
  });

  it('polars reads trials.arrow with the same rows, names and types', () => {
    const df = pl.readIPC(readFileSync(join(r.dir, 'trials.arrow')));
    expect(df.height).toBe(5000);
    expect(df.columns).toEqual(names);
    expect(String(df.getColumn('trial').dtype)).toBe('DataType(Int32)');
    expect(String(df.getColumn('portfolio.writedown').dtype)).toBe('DataType(Float64)');
    const p95 = df.select(pl.col('portfolio.writedown').quantile(0.95, 'linear')).getColumn('portfolio.writedown').get(0);
    expect(Math.abs(p95 - summary.columns['portfolio.writedown'].p95) / p95).toBeLessThanOrEqual(1e-9);
  });

  it('no value is a null in trials.parquet: DuckDB count, avg and quantile_cont skip it and agree with the summary', async () => {
    const file = join(r.dir, 'trials.parquet');
    const { count, nan_count, mean, sd, p95 } = summary.columns[some];
    expect(nan_count).toBeGreaterThan(0);
    expect(count).toBeGreaterThan(100);
    expect(sd * p95).toBeGreaterThan(0);
    const [d] = await q(`select count("${some}")::INTEGER as n, count(*) filter (where "${some}" is null)::INTEGER as nulls, avg("${some}") as mean, quantile_cont("${some}", 0.95) as p95,
      count("${none}")::INTEGER as none_n, avg("${none}") as none_mean from '${file}'`);
    expect([d.n, d.nulls, d.none_n, d.none_mean]).toEqual([count, nan_count, 0, null]);
    close(d.mean as number, mean);
    close(d.p95 as number, p95);
    expect(summary.columns[none].nan_count).toBe(5000);
  });

  it('no Parquet file holds a NaN, and summary.parquet has integer counts and null statistics', async () => {
    for (const t of ['trials', 'summary', 'sensitivity', 'paths']) {
      const file = join(r.dir, `${t}.parquet`);
      const doubles = (await q(`select column_name from (describe select * from '${file}') where column_type = 'DOUBLE'`)).map((c) => c.column_name as string);
      const [nans] = await q(`select ${doubles.map((c, k) => `count(*) filter (where isnan("${c}"))::INTEGER as c${k}`).join(', ')} from '${file}'`);
      expect(Object.values(nans).every((v) => v === 0), t).toBe(true);
    }
    const file = join(r.dir, 'summary.parquet');
    const types = Object.fromEntries((await q(`select column_name, column_type from (describe select * from '${file}')`)).map((c) => [c.column_name, c.column_type]));
    expect([types.count, types.nan_count]).toEqual(['INTEGER', 'INTEGER']);
    const rows = await q(`select "column", count, nan_count, mean, es95 from '${file}' where "column" in ('${none}', 'h100.exit_month') order by "column"`);
    expect(rows).toEqual([{ column: 'h100.exit_month', count: 5000, nan_count: 0, mean: summary.columns['h100.exit_month'].mean, es95: null }, { column: none, count: 0, nan_count: 5000, mean: null, es95: null }]);
  });

  it('polars: null count of every trials.arrow column equals the summary nan_count, no NaN anywhere, same mean', () => {
    const df = pl.readIPC(readFileSync(join(r.dir, 'trials.arrow')));
    for (const c of names.slice(1)) {
      expect(df.getColumn(c).nullCount(), c).toBe(summary.columns[c].nan_count);
      expect(nanCount(df, c), c).toBe(0);
    }
    close(df.getColumn(some).mean(), summary.columns[some].mean);
    expect(df.getColumn(none).mean()).toBeNull();
    for (const t of ['summary', 'sensitivity', 'paths']) {
      const s = pl.readIPC(readFileSync(join(r.dir, `${t}.arrow`)));
      for (const c of s.columns) if (String(s.getColumn(c).dtype) === 'DataType(Float64)') expect(nanCount(s, c), `${t}.${c}`).toBe(0);
    }
  });

  it('summary.arrow counts are Int32; summary.json numbers are numbers and counts integers', () => {
    const s = pl.readIPC(readFileSync(join(r.dir, 'summary.arrow')));
    expect([String(s.getColumn('count').dtype), String(s.getColumn('nan_count').dtype)]).toEqual(['DataType(Int32)', 'DataType(Int32)']);
    expect([summary.trials, summary.chunk_size, summary.seed]).toEqual([5000, 1024, '11']);
    for (const c of Object.values<Record<string, unknown>>({ ...summary.columns, ...summary.policy_differences })) {
      expect(Number.isInteger(c.count) && Number.isInteger(c.nan_count)).toBe(true);
    }
    expect(summary.columns[none].mean).toBeNull();
  });

  it('two runs with the same seed write byte-identical validity bitmaps and values to trials.arrow', async () => {
    const again = await run({ scenarioFile: DEFAULT_SCENARIO, trials: 5000, seed: '11', workers: 1, chunkSize: 1024, out: join(root, 'again') });
    const [a, b] = [r.dir, again.dir].map((d) => tableFromIPC(readFileSync(join(d, 'trials.arrow'))));
    const bytes = (v?: ArrayBufferView) => Buffer.from(v ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : []);
    expect(a.getChild(some)!.data[0].nullBitmap!.byteLength).toBeGreaterThan(0);
    for (const name of names) {
      const x = a.getChild(name)!.data, y = b.getChild(name)!.data;
      expect(y.length, name).toBe(x.length);
      x.forEach((d, k) => {
        expect(bytes(y[k].nullBitmap).equals(bytes(d.nullBitmap)), `${name} validity`).toBe(true);
        expect(bytes(y[k].values).equals(bytes(d.values)), `${name} values`).toBe(true);
      });
    }
  });

  it('polars reads summary.arrow and sensitivity.arrow', () => {
    expect(pl.readIPC(readFileSync(join(r.dir, 'summary.arrow'))).height).toBe(r.plan.columns.length + r.plan.comparisons.length);
    expect(pl.readIPC(readFileSync(join(r.dir, 'sensitivity.arrow'))).columns).toEqual(['output', 'input', 'spearman', 'variance_share', 'mean_bottom_decile', 'mean_top_decile', 'swing']);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
