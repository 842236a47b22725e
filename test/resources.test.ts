import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mapBounded } from '../src/bounded.ts';
import { createStoreSpec, openStore } from '../src/column-store.ts';
import { InputError } from '../src/errors.ts';
import { fileError } from '../src/output/file-error.ts';
import { getHeapStatistics } from 'node:v8';
import { checkResources, diskNeeds, SENSITIVITY_ROW_HEAP, type DiskPart } from '../src/resources.ts';
import { prepare, run } from '../src/run.ts';
import { cappedWorkers, GIB } from '../src/run-config.ts';
import { PATH_QUANTITIES } from '../src/schema.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { runShard } from '../src/shard/run-shard.ts';
import { shardShare } from '../src/shard/spec.ts';
import { BIN, interruptSim } from './cli-process.ts';

// Issue 17: resources do not grow with what the user cannot see, and every limit is found before a run starts.
const root = mkdtempSync(join(tmpdir(), 'sim-resources-'));
const pathwise = { scenarioFile: DEFAULT_SCENARIO, overrides: ['valuation=pathwise'], workers: 2 };

/** The CLI in a shell with limits set first (`ulimit …`), in `cwd`. */
function shell(limits: string, args: string[], cwd = root) {
  const t0 = Date.now();
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${limits}; exec '${process.execPath}' '${BIN}' ${quoted}`], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr.trim(), ms: Date.now() - t0 };
}
const openFds = () => readdirSync('/proc/self/fd').length;

describe('file descriptors (item 1)', () => {
  it('a spilled store holds one descriptor per thread, whatever the number of columns', () => {
    const before = openFds();
    const spec = createStoreSpec('spill', 5000, 16, join(root, 'store', 'columns.f64'));
    const store = openStore(spec);
    expect(openFds()).toBe(before + 1);
    store.write(4999, 8, Float64Array.of(1, 2));
    expect(Array.from(store.read(4999, 7, 4, new Float64Array(4)))).toEqual([0, 1, 2, 0]);
    store.close();
    expect(openFds()).toBe(before);
  });

  it('the default scenario spilled runs under ulimit -n 256 (it needed ~2,000 descriptors)', () => {
    const r = shell('ulimit -n 256', ['--trials', '3000', '--store', 'spill', '--valuation', 'pathwise', '--workers', '2', '--quiet', '--out', join(root, 'fd')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(root, 'fd', 'trials.arrow'))).toBe(true);
  });
});

describe('disk and memory are checked before a run starts (items 1 and 5)', () => {
  const needs = { out: 'runs/x', dir: root, store: 'spill' as const, storeBytes: 141 * GIB, trialsBytes: GIB, formats: ['arrow' as const], files: [{ part: 'trials files', bytes: GIB }], paths: 1e8, workers: 1e8 };

  it('a run that would not fit on the disk is refused, saying what it needs', () => {
    expect(() => checkResources(needs, 78 * GIB)).toThrow(new InputError('--out runs/x: this run needs about 142.0 GiB of disk (spilled columns 141.0 GiB, trials files 1.0 GiB) but 78.0 GiB is free there; use fewer --trials or --columns, or another --out'));
    expect(() => checkResources(needs, 200 * GIB)).not.toThrow();
  });

  it('every file counts: a run whose trials fit but whose other files do not is refused, naming each part', () => {
    const files = [{ part: 'trials files', bytes: 1.2 * GIB }, { part: 'path sample', bytes: 300 * 2 ** 20 }, { part: 'report and summaries', bytes: 20 * 2 ** 20 }];
    const n = { ...needs, store: 'memory' as const, storeBytes: 0, files };
    expect(() => checkResources(n, 1.3 * GIB)).toThrow(new InputError('--out runs/x: this run needs about 1.5 GiB of disk (trials files 1.2 GiB, path sample 300 MiB, report and summaries 20 MiB) but 1.3 GiB is free there; use fewer --trials or --columns, or another --out'));
    expect(() => checkResources(n, 1.6 * GIB)).not.toThrow();
  });

  it('memory beyond the machine and a Parquet trials table above 4 GiB are refused', () => {
    expect(() => checkResources({ ...needs, store: 'memory', storeBytes: 1e15 }, Infinity)).toThrow(/^this run needs about .* of memory \(columns .*, path sample 96 MiB, worker buffers 96 MiB\), more than the .* this process may use;/);
    expect(() => checkResources({ ...needs, store: 'memory', storeBytes: 1e15, check: 2 * GIB }, Infinity)).toThrow(/worker buffers 96 MiB, coherence check 2\.0 GiB\), more than/);
    // the sensitivity table's rows live in the main thread's heap: 2,000 cohorts crashed with V8's heap exhausted after two minutes
    const limit = getHeapStatistics().heap_size_limit;
    const fits = Math.floor((0.75 * limit) / SENSITIVITY_ROW_HEAP / 7000);
    expect(() => checkResources({ ...needs, sensitivity: { outputs: fits, inputs: 7000 } }, Infinity)).not.toThrow();
    expect(() => checkResources({ ...needs, sensitivity: { outputs: fits + 1, inputs: 7000 } }, Infinity)).toThrow(new RegExp(`^the sensitivity table would have ${((fits + 1) * 7000).toLocaleString('en-US')} rows \\(${(fits + 1).toLocaleString('en-US')} key outputs × 7,000 uncertain inputs: it grows with the square of the number of assets\\), about .* of the main thread's JavaScript heap, more than the .* it may take; split the portfolio into runs of fewer assets, or raise node's heap limit \\(NODE_OPTIONS=--max-old-space-size=MiB\\)$`));
    expect(() => checkResources({ ...needs, formats: ['parquet'], trialsBytes: 5 * GIB }, Infinity)).toThrow('--format parquet builds the trials table in memory: 5.0 GiB is above the 4.0 GiB limit');
  });

  it('sim merge is advised only what it can change: its shards fix the trials, columns, formats and path sample', () => {
    const merge = { ...needs, command: 'merge' as const };
    expect(() => checkResources({ ...merge, store: 'memory', storeBytes: 1e15 }, Infinity)).toThrow(/this process may use; use --store spill or fewer --workers, or merge on a machine with more memory$/);
    expect(() => checkResources({ ...merge, formats: ['parquet'], trialsBytes: 5 * GIB }, Infinity)).toThrow(/above the 4\.0 GiB limit; the shards ask for it: run them again with --format arrow$/);
    expect(() => checkResources(merge, 78 * GIB)).toThrow(/78\.0 GiB is free there; free space there, or use another --out$/);
  });

  it('a 50,000,000-trial run is refused at once, not after filling the disk', () => {
    const r = shell('true', ['--trials', '50000000', '--out', join(root, 'huge')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sim: (--out .*: this run needs about [\d.]+ GiB of disk|this run needs about [\d.]+ GiB of memory)/);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(readdirSync(root).filter((f) => f.startsWith('.huge'))).toEqual([]);
  });

  it('a chunk buffer is sized by the trials a chunk holds, not by --chunk-size (item 5)', async () => {
    const r = await run({ ...pathwise, trials: 300, chunkSize: 1_000_000, out: join(root, 'bigchunk') });
    expect(r.manifest.chunks).toBe(1);
  });
});

describe('the disk estimate covers every file a run writes (diskNeeds)', () => {
  const B = Float64Array.BYTES_PER_ELEMENT;
  const total = (parts: DiskPart[]) => parts.reduce((t, p) => t + p.bytes, 0);
  const part = (parts: DiskPart[], name: string) => parts.find((p) => p.part === name)!.bytes;
  const estimate = (req: Omit<Parameters<typeof prepare>[0], 'scenarioFile'>, o: Parameters<typeof diskNeeds>[1]) => diskNeeds(prepare({ scenarioFile: DEFAULT_SCENARIO, ...req }), o);
  /** `du -b` of a directory: its files' bytes and its own entry */
  const du = (dir: string) => Number(spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);

  it('names the trials files and the report and summaries; each file the run writes adds to the second', () => {
    const base = estimate({ trials: 2000 }, { capacity: 2000 });
    expect(base.map((p) => p.part)).toEqual(['trials files', 'report and summaries']);
    const p = prepare({ scenarioFile: DEFAULT_SCENARIO, trials: 2000 });
    expect(part(base, 'trials files')).toBeGreaterThanOrEqual(2000 * (p.selected.length + 1) * B);
    const others = part(base, 'report and summaries');
    // report.html inlines d3 and Observable Plot (~0.5 MB); valuation.json holds a fit per asset and month (expected valuation)
    expect(others - part(estimate({ trials: 2000, report: false }, { capacity: 2000 }), 'report and summaries')).toBeGreaterThan(500_000);
    expect(others - part(estimate({ trials: 2000, overrides: ['valuation=pathwise'] }, { capacity: 2000 }), 'report and summaries')).toBeGreaterThan(p.plan.assets.length * (p.plan.H + 1) * 500);
    // the small tables again as Parquet; the trials file grows with the trials, the rest does not
    expect(part(estimate({ trials: 2000, formats: ['arrow', 'parquet'] }, { capacity: 2000 }), 'report and summaries')).toBeGreaterThan(others);
    expect(part(estimate({ trials: 20000 }, { capacity: 20000 }), 'report and summaries')).toBe(others);
    expect(part(estimate({ trials: 20000 }, { capacity: 20000 }), 'trials files')).toBeGreaterThan(10 * 2000 * (p.selected.length + 1) * B);
  });

  it('a shard counts its columns and its part of the path sample, exactly, and no trials files', () => {
    const p = prepare({ scenarioFile: DEFAULT_SCENARIO, trials: 10000, pathSample: 6000 });
    const cols = p.plan.columns.length, perTrial = p.plan.assets.length * PATH_QUANTITIES.length * (p.plan.H + 1) * B;
    const first = estimate({ trials: 10000, pathSample: 6000 }, { capacity: 4096, trials: 10000, first: 0, shard: true });
    expect(first.map((x) => x.part)).toEqual(['shard columns', 'path sample', 'scenario and shard files']);
    expect(part(first, 'shard columns')).toBe(cols * 4096 * B);
    expect(part(first, 'path sample')).toBe(4096 * perTrial);
    expect(part(estimate({ trials: 10000, pathSample: 6000 }, { capacity: 4096, trials: 10000, first: 4096, shard: true }), 'path sample')).toBe((6000 - 4096) * perTrial);
    expect(part(estimate({ trials: 10000, pathSample: 6000 }, { capacity: 1808, trials: 10000, first: 8192, shard: true }), 'path sample')).toBe(0);
  });

  it('is at least what a real run writes, and within 1.5× or 4 MiB of it', async () => {
    for (const [name, req] of [['arrow', { trials: 1500 }], ['parquet', { trials: 1500, formats: ['arrow', 'parquet'] as ('arrow' | 'parquet')[] }]] as const) {
      const out = join(root, `estimate-${name}`);
      const want = total(estimate({ ...pathwise, ...req }, { capacity: req.trials }));
      await run({ ...pathwise, ...req, out });
      const got = du(out);
      expect(want).toBeGreaterThanOrEqual(got);
      expect(Math.min(want / got, 1 + (want - got) / (4 * 2 ** 20))).toBeLessThan(1.5);
    }
  }, 60_000);

  it('is at least what a real shard writes', async () => {
    const req = { ...pathwise, trials: 5000, pathSample: 5000, chunkSize: 1000 };
    const p = prepare(req);
    const { first, count } = shardShare(5000, 1000, { index: 1, count: 2 });
    const want = total(diskNeeds(p, { capacity: count, trials: 5000, first, shard: true }));
    const out = join(root, 'estimate-shard');
    await runShard({ ...req, out, shard: { index: 1, count: 2 } });
    const got = du(out);
    expect(want).toBeGreaterThanOrEqual(got);
    expect(want - got).toBeLessThan(2 ** 20);
  }, 60_000);
});

describe('workers (item 4)', () => {
  it('more workers than cores are capped with a note', async () => {
    const cores = availableParallelism();
    expect(cappedWorkers(64, 2)).toEqual({ workers: 2, note: '--workers 64 is more than the 2 cores here; using 2 (results do not depend on it)' });
    expect(cappedWorkers(2, 2)).toEqual({ workers: 2, note: null });
    const r = await run({ ...pathwise, workers: 64, trials: 500, out: join(root, 'w64') });
    expect(r.manifest.workers).toBe(cores);
    expect(r.manifest.warnings).toContain(`--workers 64 is more than the ${cores} core${cores === 1 ? '' : 's'} here; using ${cores} (results do not depend on it)`);
  });
});

describe('the run directory (items 10 and 11)', () => {
  it('a second run to the same --out is refused before it runs; what a dead process left is taken over and cleared', async () => {
    const out = join(root, 'same');
    writeFileSync(join(root, '.same.lock'), String(process.pid)); // a live run holds it
    const err = await run({ ...pathwise, trials: 200, out }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`--out ${out}: another run (process ${process.pid}) is writing there; wait for it to finish or choose another --out (if no sim runs as process ${process.pid}, remove ${join(root, '.same.lock')})`);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(root, '.same.lock'), dead);
    mkdirSync(join(root, `.same.tmp-${dead}-abc123`, '.columns'), { recursive: true }); // what a SIGKILL leaves
    await run({ ...pathwise, trials: 200, out });
    expect(readdirSync(root).filter((f) => f.startsWith('.same'))).toEqual([]);
  });

  it('a lock that cannot be read (a directory, say) is named, with what to do', async () => {
    const out = join(root, 'odd-lock'), lock = join(root, '.odd-lock.lock');
    mkdirSync(lock);
    const err = await run({ ...pathwise, trials: 200, out }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`--out ${out}: cannot read its lock ${lock} (EISDIR); remove it if no run is writing there`);
    rmSync(lock, { recursive: true });
  });

  it('two runs started together into one --out: one runs, the other is refused at once', async () => {
    const out = join(root, 'together');
    const go = () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, '--trials', '2000', '--valuation', 'pathwise', '--workers', '1', '--quiet', '--out', out], { cwd: root });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('exit', (code) => resolve({ code, stderr }));
    });
    const results = await Promise.all([go(), go()]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    // refused by the lock while the other runs (or, had it already finished, by its files)
    expect(results.find((r) => r.code === 2)!.stderr).toMatch(/another run \(process \d+\) is writing there|it is not empty/);
  }, 60_000);

  it('--out under /proc is refused at once, not retried forever', () => {
    const r = shell('true', ['--trials', '10', '--out', '/proc/sim-no/such/run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sim: --out /proc/sim-no/such/run: cannot write there (ENOENT)');
    expect(r.ms).toBeLessThan(5000);
  });

  it('missing parents are created', async () => {
    const out = join(root, 'a', 'b', 'c');
    await run({ ...pathwise, trials: 100, out });
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });
});

describe('a full disk or a file-size limit while writing (item 2)', () => {
  it('is one line naming the file', () => {
    expect((fileError('run/trials.parquet', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })) as Error).message).toBe('cannot write run/trials.parquet (ENOSPC: the disk is full)');
    const plain = new Error('not a file-system error');
    expect(fileError('x', plain)).toBe(plain);
  });

  it.each(['arrow', 'parquet'])('ulimit -f while writing %s: exit 1, one line naming the file, nothing left', (format) => {
    mkdirSync(join(root, `efbig-${format}`));
    const r = shell('ulimit -f 2000', ['--trials', '3000', '--valuation', 'pathwise', '--workers', '1', '--format', format, '--out', join(root, `efbig-${format}`, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^sim: cannot write \\S+/trials\\.${format} \\(EFBIG: the file is larger than this process may write \\(ulimit -f\\)\\)$`));
    expect(readdirSync(join(root, `efbig-${format}`))).toEqual([]);
  });
});

describe('stopping (item 3)', () => {
  it('mapBounded keeps order, never runs more than its limit at once, and stops at an abort', async () => {
    let running = 0, peak = 0;
    const tick = () => new Promise((r) => setTimeout(r, 1));
    const out = await mapBounded(Array.from({ length: 50 }, (_, i) => i), 4, async (x) => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
      return x * 2;
    });
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(peak).toBe(4);
    const abort = new AbortController();
    let started = 0;
    const err = await mapBounded(Array.from({ length: 1e6 }, (_, i) => i), 4, async (x) => {
      started++;
      if (x === 10) abort.abort(new Error('stop'));
      await tick();
    }, abort.signal).catch((e) => e);
    expect(err.message).toBe('stop');
    expect(started).toBeLessThan(20);
  });

  it('Ctrl-C with 250,000 queued chunks stops within 2 s', async () => {
    const parent = join(root, 'sigint');
    // startSim waits for the run to be under way and fails, naming its stderr, if it ended first (refused: too little disk or memory, say)
    const r = await interruptSim(['--trials', '250000', '--chunk-size', '1', '--valuation', 'pathwise', '--workers', '2', '--out', join(parent, 'run')], parent, 1500);
    expect(r.code, `stderr: ${r.stderr}`).toBe(130);
    expect(r.after, `stopped ${Math.round(r.after)} ms after SIGINT`).toBeLessThan(2000);
    expect(r.stderr).toBe('sim: interrupted by SIGINT; no run directory was written');
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
