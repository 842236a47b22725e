import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../src/errors.ts';
import { RunDir } from '../src/output/run-dir.ts';

// another process acting between two of this one's looks: `race.onRead` runs once when this process reads `race.file`, `race.onStat` when it stats it
const race = vi.hoisted(() => ({ file: undefined as string | undefined, onRead: undefined as (() => void) | undefined, onStat: undefined as (() => void) | undefined, host: undefined as string | undefined }));
// the machine (a pod's name) this process runs on
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  const hostname = () => race.host ?? os.hostname();
  return { ...os, hostname, default: { ...os, hostname } };
});
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const once = (key: 'onRead' | 'onStat', path: unknown) => {
    const act = path === race.file ? race[key] : undefined;
    if (act) race[key] = undefined;
    return act;
  };
  const readFileSync = ((path: string, ...rest: unknown[]) => {
    const before = (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
    once('onRead', path)?.();
    return before;
  }) as typeof fs.readFileSync;
  const statSync = ((path: string, ...rest: unknown[]) => {
    const act = once('onStat', path);
    if (act) {
      act();
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    }
    return (fs.statSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.statSync;
  return { ...fs, readFileSync, statSync, default: { ...fs, readFileSync, statSync } };
});

const root = mkdtempSync(join(tmpdir(), 'sim-run-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The id of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
/** A live process other than this one (the test runner's parent). */
const live = String(process.ppid);

describe('RunDir lock', () => {
  it('a dead run\'s lock taken over by two at once: the second sees the first\'s lock, and never removes it', () => {
    const out = join(root, 'stale'), lock = join(root, '.stale.lock');
    writeFileSync(lock, deadPid());
    // between this process's read of the dead pid and its removal of the lock, another run takes it over
    race.file = lock;
    race.onRead = () => {
      rmSync(lock);
      writeFileSync(lock, live, { flag: 'wx' });
    };
    const err = (() => {
      try {
        RunDir.prepare(out).commit();
      } catch (e) {
        return e;
      }
    })();
    expect(race.onRead).toBeUndefined(); // the race happened
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`another run (process ${live}) is writing there`);
    expect(readFileSync(lock, 'utf8')).toBe(live);
    expect(existsSync(out)).toBe(false);
    rmSync(lock);
  });

  it('a lock read between its creation and its pid being written is another run starting, not a stale lock', () => {
    const out = join(root, 'young'), lock = join(root, '.young.lock');
    // wx creates the file empty; its pid follows a moment later
    writeFileSync(lock, '');
    race.file = lock;
    race.onRead = () => writeFileSync(lock, live);
    expect(() => RunDir.prepare(out)).toThrow(`another run (process ${live}) is writing there`);
    expect(readFileSync(lock, 'utf8')).toBe(live);
    rmSync(lock);
  });

  it('a run that finishes into --out between the look at it and the lock is not replaced', () => {
    const out = join(root, 'late'), theirs = join(out, 'manifest.json');
    race.file = out;
    race.onStat = () => {
      mkdirSync(out);
      writeFileSync(theirs, 'the other run');
    };
    expect(() => RunDir.prepare(out)).toThrow(`--out ${out}: expected a new or empty directory, but it is not empty (a run never overwrites another)`);
    expect(readFileSync(theirs, 'utf8')).toBe('the other run');
    expect(readdirSync(root).filter((f) => f.startsWith('.late'))).toEqual([]);
  });

  it('a run whose lock was broken (removed by hand, another host) does not replace what another wrote meanwhile', () => {
    const out = join(root, 'broken'), theirs = join(out, 'manifest.json');
    const dir = RunDir.prepare(out);
    writeFileSync(dir.file('manifest.json'), 'this run');
    mkdirSync(out);
    writeFileSync(theirs, 'the other run');
    expect(() => dir.commit()).toThrow(InputError);
    expect(readFileSync(theirs, 'utf8')).toBe('the other run');
  });

  it('a dead run\'s lock written by hand (`echo PID > lock`) is taken over with the temporary directory it names', () => {
    const out = join(root, 'by-hand'), dead = deadPid();
    writeFileSync(join(root, '.by-hand.lock'), `${dead}\n`);
    mkdirSync(join(root, `.by-hand.tmp-${dead}-abc123`));
    RunDir.prepare(out).commit();
    expect(readdirSync(root).filter((f) => f.startsWith('.by-hand'))).toEqual([]);
  });

  it('a shard retried in another pod takes over the lock its killed pod left, though each ran as process 1', () => {
    const out = join(root, 'pod');
    const pid = Object.getOwnPropertyDescriptor(process, 'pid')!;
    Object.defineProperty(process, 'pid', { ...pid, value: 1 }); // node is the container's first process
    try {
      race.host = 'sim-shards-0-x7k2p';
      RunDir.prepare(out); // killed while it runs (out of memory, say): its lock and temporary directory stay
      expect(readdirSync(root).filter((f) => f.startsWith('.pod.tmp-1-'))).toHaveLength(1);
      race.host = 'sim-shards-0-q9m4z';
      RunDir.prepare(out).commit();
    } finally {
      Object.defineProperty(process, 'pid', pid);
      race.host = undefined;
    }
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(root).filter((f) => f.startsWith('.pod'))).toEqual([]);
  });

  it('the lock names the machine besides the process: a live run on this one is refused', () => {
    const out = join(root, 'here'), lock = join(root, '.here.lock');
    const dir = RunDir.prepare(out);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} ${hostname()}`);
    expect(() => RunDir.prepare(out)).toThrow(`--out ${out}: another run (process ${process.pid}) is writing there`);
    dir.commit();
    expect(existsSync(lock)).toBe(false);
  });
});

describe('RunDir release', () => {
  it('a run whose lock another machine took over leaves that lock when it ends', async () => {
    const out = join(root, 'taken'), lock = join(root, '.taken.lock');
    const dir = RunDir.prepare(out);
    writeFileSync(lock, '1 sim-shards-3-b8d1w'); // the pod that took it over, and is writing there now
    await dir.discard();
    expect(readFileSync(lock, 'utf8')).toBe('1 sim-shards-3-b8d1w');
    rmSync(lock);
  });
});

describe('--out that the finished run could not be renamed onto is refused before the run', () => {
  it('an empty path, a symbolic link (to an empty directory, or dangling) and a name too long for the hidden name written first', () => {
    const empty = join(root, 'empty-target');
    mkdirSync(empty);
    for (const [name, target] of [['link-to-empty', empty], ['dangling', join(root, 'nowhere')]]) {
      const out = join(root, name);
      symlinkSync(target, out);
      expect(() => RunDir.prepare(out)).toThrow(new InputError(`--out ${out}: a symbolic link; a run is renamed into place, which cannot go through a link: give the directory it points to, or a new path`));
    }
    for (const empty of ['', ' ']) expect(() => RunDir.prepare(empty)).toThrow(new InputError('--out: expected a directory to create, got an empty path'));
    // `.NAME.tmp-PID-xxxxxx`: 20 bytes more with a 7-digit pid
    const long = join(root, 'x'.repeat(236));
    expect(() => RunDir.prepare(long)).toThrow(/^--out .*: a name of 236 bytes is too long; the run is first written under a hidden name 20 bytes longer, and a name may have 255 at most$/);
    const fits = RunDir.prepare(join(root, 'x'.repeat(235)));
    expect(existsSync(fits.tmp)).toBe(true);
    expect(readdirSync(root).filter((f) => f.startsWith(`.${'x'.repeat(236)}`))).toEqual([]);
  });
});
