import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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

  it('polars reads summary.arrow and sensitivity.arrow', () => {
    expect(pl.readIPC(readFileSync(join(r.dir, 'summary.arrow'))).height).toBe(r.plan.columns.length + r.plan.comparisons.length);
    expect(pl.readIPC(readFileSync(join(r.dir, 'sensitivity.arrow'))).columns).toEqual(['output', 'input', 'spearman', 'variance_share']);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
