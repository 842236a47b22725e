import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sourceHash } from '../src/source-hash.mjs';
import { InputError } from '../src/errors.ts';
import { readShard } from '../src/shard/files.ts';
import { checkShards, merge } from '../src/shard/merge.ts';
import { runShard } from '../src/shard/run-shard.ts';
import { VERSION } from '../src/version.ts';

// the free bytes the disk check sees, when a test sets them (every other statfsSync is the file system's)
const disk = vi.hoisted(() => ({ free: undefined as number | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const statfsSync = ((path: string) => {
    const s = fs.statfsSync(path);
    return disk.free === undefined ? s : { ...s, bavail: disk.free, bsize: 1 };
  }) as typeof fs.statfsSync;
  return { ...fs, statfsSync, default: { ...fs, statfsSync } };
});

const CRITIC = fileURLToPath(new URL('../scenarios/critic.yaml', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sim-shard-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// two shards of an expected run (each writes valuation.json): trials 0 to 999 and 1000 to 2999
const s0 = join(root, 's0'), s1 = join(root, 's1');
beforeAll(async () => {
  const req = { scenarioFile: CRITIC, overrides: ['calibrationTrials=1024'], trials: 3000, chunkSize: 1000, pathSample: 1500, workers: 1 };
  for (const [index, out] of [s0, s1].entries()) await runShard({ ...req, out, shard: { index, count: 2 } });
}, 120_000);

/** A copy of a shard with one file edited (a string or Buffer written over it) or removed (null). */
function damaged(from: string, to: string, file: string, edit: ((text: string) => string | Buffer) | null): string {
  const dir = join(root, to);
  cpSync(from, dir, { recursive: true });
  if (edit === null) rmSync(join(dir, file));
  else writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

describe('the files of a shard directory, checked before sim merge merges anything', () => {
  it('a shard without any file it writes is refused, naming the shard and the file (valuation.json under the expected valuation only)', () => {
    for (const file of ['columns.f64', 'paths.f64', 'scenario.json', 'valuation.json']) {
      const dir = damaged(s1, `no-${file}`, file, null);
      const refusal = new InputError(`${dir}: ${file} is missing; the shard is damaged (rerun it)`);
      expect(() => readShard(dir)).toThrow(refusal);
      expect(() => checkShards([s0, dir])).toThrow(refusal);
    }
    expect(() => readShard(damaged(s1, 'no-shard.json', 'shard.json', null))).toThrow(/not a shard directory \(no shard\.json;/);
    // a shard of the pathwise valuation writes no valuation.json, and needs none
    const pathwise = damaged(s1, 'pathwise', 'shard.json', (t) => JSON.stringify({ ...JSON.parse(t), valuation: { valuation: 'pathwise' } }));
    rmSync(join(pathwise, 'valuation.json'));
    expect(readShard(pathwise).index).toBe(1);
  });

  it("a valuation.json missing or damaged in the first shard is named in that shard, not in the next one's", async () => {
    const none = damaged(s0, 'first-none', 'valuation.json', null);
    await expect(merge({ shards: [none, s1], out: join(root, 'out-none') })).rejects.toThrow(new InputError(`${none}: valuation.json is missing; the shard is damaged (rerun it)`));
    const empty = damaged(s0, 'first-empty', 'valuation.json', () => '{}\n');
    await expect(merge({ shards: [empty, s1], out: join(root, 'out-empty') })).rejects.toThrow(new InputError(`sim merge: ${join(empty, 'valuation.json')} is not a valuation file sim writes (valuation, calibrationTrials, seed, stream, assets missing or of another type); the shard is damaged (rerun it)`));
    const cut = damaged(s1, 'second-cut', 'valuation.json', (t) => t.slice(0, 100));
    await expect(merge({ shards: [s0, cut], out: join(root, 'out-cut') })).rejects.toThrow(new InputError(`sim merge: ${join(cut, 'valuation.json')} is not JSON; the shard is damaged (rerun it)`));
  });

  it('two well-formed valuation files that differ: the shards were calibrated differently, naming both files', async () => {
    const other = damaged(s1, 'other-calibration', 'valuation.json', (t) => JSON.stringify({ ...JSON.parse(t), calibrationTrials: 2048 }, null, 2));
    await expect(merge({ shards: [s0, other], out: join(root, 'out-other') })).rejects.toThrow(new InputError(`sim merge: ${join(other, 'valuation.json')} differs from ${join(s0, 'valuation.json')}: the shards were calibrated differently`));
  });

  it('a merge the disk cannot hold is refused with advice for sim merge, which has no --trials or --columns', async () => {
    disk.free = 1000;
    try {
      const out = join(root, 'out-full');
      await expect(merge({ shards: [s0, s1], out })).rejects.toThrow(new RegExp(`^--out ${out}: this run needs about \\d+ MiB of disk \\(.*\\) but 1 MiB is free there; free space there, or use another --out$`));
    } finally {
      disk.free = undefined;
    }
  });
});

describe('the code that wrote a shard: sim merge takes only shards of its own sources', () => {
  const source = sourceHash(fileURLToPath(new URL('..', import.meta.url)));
  /** A copy of a shard whose shard.json records other sources (undefined: none, as before sims recorded them). */
  const fromSource = (from: string, to: string, other: string | undefined) => damaged(from, to, 'shard.json', (t) => {
    const m = JSON.parse(t);
    m.key.source = other;
    return JSON.stringify(m);
  });

  it('a shard records the hash of the sources that wrote it, beside the version', () => {
    for (const dir of [s0, s1]) expect(readShard(dir).key).toMatchObject({ version: VERSION, source });
  });

  it('a shard of other sources is refused, naming it and both hashes, first or not; so are two of the same other sources', () => {
    const other = fromSource(s1, 'other-source', '0123456789abcdef');
    const refusal = (dir: string) => new InputError(`sim merge: ${dir}: written by sim ${VERSION} of source 0123456789abcdef, this is source ${source} (other code); rerun the shards with this sim, into empty directories`);
    expect(() => checkShards([s0, other])).toThrow(refusal(other));
    expect(() => checkShards([other, s1])).toThrow(refusal(other));
    // equal to each other, but this sim would summarise their trials with its own code and label the run with it
    const other0 = fromSource(s0, 'other-source-0', '0123456789abcdef');
    expect(() => checkShards([other0, other])).toThrow(refusal(other0));
  });

  it('a shard.json without a source hash (written before sims recorded it) is refused, naming the shard', () => {
    const old = fromSource(s1, 'no-source', undefined);
    expect(() => checkShards([s0, old])).toThrow(new InputError(`sim merge: ${old}: written by a sim that did not record its source hash, this is source ${source}; rerun the shards with this sim, into empty directories`));
  });

  it('shards of this sim\'s sources merge, into a run that records them', async () => {
    expect(checkShards([s1, s0]).map(({ dir }) => dir)).toEqual([s0, s1]);
    const merged = await merge({ shards: [s0, s1], out: join(root, 'out-same-source'), workers: 1 });
    expect(merged.manifest).toMatchObject({ version: VERSION, source, shards: 2 });
    // the scenario's warnings, as the run on one machine records them (1,024 calibration trials)
    expect(merged.manifest.warnings).toEqual([expect.stringMatching(/^1,024 calibration trials over-fit/)]);
  });

  it('a shard warns of what its run warns of', async () => {
    const r = await runShard({ scenarioFile: CRITIC, overrides: ['calibrationTrials=1024'], trials: 3000, chunkSize: 1000, workers: 1, out: join(root, 'warned'), shard: { index: 1, count: 2 } });
    expect(r.warnings).toEqual([expect.stringMatching(/^1,024 calibration trials over-fit/)]);
  }, 60_000);
});
