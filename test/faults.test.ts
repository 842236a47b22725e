import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { ArrowFileSink, makeBatch, makeSchema } from '../src/output/arrow.ts';
import { BIN, interruptSim } from './cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-fault-'));
const base = { scenarioFile: DEFAULT_SCENARIO, trials: 4000, seed: '3', chunkSize: 500, workers: 2 };

describe('a worker that fails mid-run', () => {
  afterEach(() => {
    delete process.env.SIM_FAULT;
    expect(readdirSync(root).filter((f) => f.startsWith('.'))).toEqual([]); // no temporary directory left
  });

  it.each(['throw', 'exit'])('(%s) fails the run naming the chunk, leaves nothing, and does not hang', async (mode) => {
    process.env.SIM_FAULT = `${mode}:3`;
    const out = join(root, `fault-${mode}`);
    const err = await run({ ...base, out }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^chunk 3 \(trials 1500–1999\) failed/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('fails the run naming the asset whose calibration failed, though its task fits others too', async () => {
    // the default scenario's calibration runs as two tasks, [h100, b200] and the three models: b200 fails second in its task
    process.env.SIM_FAULT = 'calibrate:1';
    const out = join(root, 'fault-calibrate');
    const err = await run({ ...base, out }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('the calibration failed: b200: injected fault');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('interruption', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s stops workers, removes the temporary directory and exits %i', async (signal, code) => {
    const parent = join(root, `sig-${signal}`), out = join(parent, 'run');
    // startSim waits for the run to be under way and fails, naming its stderr, if it ended first (a run refused at once: short disk, say)
    const r = await interruptSim(['--trials', '400000', '--workers', '2', '--out', out], parent, 500, signal);
    expect(r.code, `stderr: ${r.stderr}`).toBe(code);
    expect(r.stderr).toContain('interrupted');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 60_000);
});

describe('writing', () => {
  it('a full disk is a clear error, not a silent truncation', async () => {
    const schema = makeSchema([{ name: 'x', type: 'float64' }], {});
    const sink = new ArrowFileSink('/dev/full');
    const err = await (async () => {
      for (let i = 0; i < 64; i++) await sink.write(makeBatch(schema, [new Float64Array(65536)], 65536));
      await sink.close();
    })().catch((e) => e);
    expect(err?.code).toBe('ENOSPC');
  });

  it('two runs started together into runs/ never collide', async () => {
    const go = () => new Promise<number | null>((r) => spawn(process.execPath, [BIN, '--trials', '300', '--workers', '1', '--quiet'], { cwd: root }).on('exit', r));
    expect(await Promise.all([go(), go()])).toEqual([0, 0]);
    expect(readdirSync(join(root, 'runs'))).toHaveLength(2);
  }, 60_000);

  it('an unwritable output location is refused before any trial runs', () => {
    const r = spawnSync(process.execPath, [BIN, '--trials', '10', '--out', '/proc/sim-cannot-write-here'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot write there');
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
