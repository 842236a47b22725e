import { accessSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { running } from '../running.ts';

/**
 * A run directory that appears only when complete: everything is written
 * under a hidden temporary sibling, renamed onto the final name at the end
 * (rename is atomic within a filesystem), and removed on failure.
 *
 * @param path the final directory (prefer RunDir.prepare, which checks it first)
 * @example const dir = RunDir.prepare('runs/x'); writeJson(dir.file('manifest.json'), m); dir.commit();
 */
export class RunDir {
  /** the directories being written: a second Ctrl-C, which leaves at once, removes them first (discardAllNow) */
  private static readonly open = new Set<RunDir>();
  readonly tmp: string;
  /** held while the run writes: a second run to the same path is refused before it starts */
  readonly lock: string;
  /** what this run's lock holds: its pid and machine */
  private readonly holds = `${process.pid} ${hostname()}`;

  /**
   * @param path the final directory (prefer RunDir.prepare, which checks it first)
   * @param replaceable whether what is at `path` may be replaced whole at commit
   */
  constructor(readonly path: string, private readonly replaceable: (path: string) => boolean = () => false) {
    this.tmp = temporarySibling(path);
    this.lock = join(dirname(path), `.${basename(path)}.lock`);
  }

  /**
   * Check the destination before any work: it may not exist, or be an empty directory.
   *
   * @param out the `--out` path as given
   * @param replaceable whether a non-empty destination may be replaced whole at commit (a shard rerun over its own earlier output)
   * @returns the run directory, its temporary sibling created
   * @throws InputError when the destination is a file, not empty (and not replaceable) or not writable
   */
  static prepare(out: string, replaceable: (path: string) => boolean = () => false): RunDir {
    // resolve('') is the working directory, which a run must never be renamed onto
    if (out.trim() === '') throw new InputError(`--out: expected a directory to create, got an empty path`);
    const path = resolve(out);
    checkDestination(path, out, replaceable);
    const dir = new RunDir(path, replaceable);
    const cannot = (e: unknown) => new InputError(`--out ${out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    try {
      makeParents(dirname(path));
    } catch (e) {
      throw cannot(e);
    }
    dir.takeLock(out);
    try {
      // again under the lock: a run may have finished into it since the look above
      checkDestination(path, out, replaceable);
      mkdirSync(dir.tmp);
    } catch (e) {
      dir.releaseLock();
      throw e instanceof InputError ? e : cannot(e);
    }
    RunDir.open.add(dir);
    return dir;
  }

  /**
   * Create the lock file (`PID HOST`), or refuse when a live run on this
   * machine holds it. The lock of a process that is gone (killed with
   * SIGKILL, say), or of one on another machine, is taken over, and the
   * temporary directory it left is removed.
   */
  private takeLock(out: string): void {
    const until = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        writeFileSync(this.lock, this.holds, { flag: 'wx' });
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') throw new InputError(`--out ${out}: cannot write there (${code ?? (e as Error).message})`);
      }
      const text = this.lockText(out);
      const [pid, host] = text.split(' ');
      const holder = Number(pid);
      // a process on another machine cannot be seen from here, and its pid may be alive here as another
      // (every container's is 1): a shard retried in another pod on a shared volume takes over the lock its killed pod left
      const alive = text !== '' && (host === undefined || host === hostname()) && running(holder);
      // a pid can be reused: the hint names the lock, should the holder be another program by now
      if (alive) throw new InputError(`--out ${out}: another run (process ${holder}) is writing there; wait for it to finish or choose another --out (if no sim runs as process ${holder}, remove ${this.lock})`);
      if (text && this.takeOver(text, holder)) continue;
      // released, being written, or being taken over by another run: look again in a moment
      if (Date.now() > until) throw new InputError(`--out ${out}: cannot take its lock ${this.lock} (${text ? `left by process ${holder}, which is gone, and ${this.lock}.takeover is in the way` : 'it stays empty'}); remove ${text ? 'both' : 'it'} if no run is writing there`);
      Atomics.wait(PAUSE, 0, 0, LOCK_PAUSE_MS);
    }
  }

  /** What the lock holds: `PID HOST` (a pid alone from an older sim); '' when it is gone or not written yet (a run creates it empty with wx, then writes). */
  private lockText(out: string): string {
    try {
      return readFileSync(this.lock, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return '';
      throw new InputError(`--out ${out}: cannot read its lock ${this.lock} (${code ?? (e as Error).message}); remove it if no run is writing there`);
    }
  }

  /**
   * Remove the lock a dead process left, and its temporary directory. Two
   * runs may find the same dead lock: they take turns (the .takeover file),
   * and the lock goes only while it still holds what was read, so one never
   * removes the lock the other has just made.
   *
   * @param text what the lock held when its process was found gone
   * @param holder that process's id, which names its temporary directory
   * @returns false when another run is taking it over
   */
  private takeOver(text: string, holder: number): boolean {
    const guard = `${this.lock}.takeover`;
    try {
      writeFileSync(guard, String(process.pid), { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    try {
      if (readFileSync(this.lock, 'utf8') !== text) return true; // taken meanwhile: look again
      const left = temporaryPrefix(this.path, holder);
      for (const f of readdirSync(dirname(this.path))) if (f.startsWith(left)) rmSync(join(dirname(this.path), f), { recursive: true, force: true });
      rmSync(this.lock, { force: true });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // released meanwhile
      throw e;
    } finally {
      rmSync(guard, { force: true });
    }
  }

  private releaseLock(): void {
    // only while it is this run's: a run on another machine may have taken it over meanwhile
    try {
      if (readFileSync(this.lock, 'utf8') === this.holds) rmSync(this.lock, { force: true });
    } catch {}
    RunDir.open.delete(this);
  }

  /**
   * @param name a file name inside the run
   * @returns its path in the temporary directory
   */
  file(name: string): string {
    return join(this.tmp, name);
  }

  /** Rename the finished temporary directory onto the final path; what a replaceable destination held goes only once the new one is in place. */
  commit(): void {
    const old = `${this.tmp}.old`;
    let replaced = false;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // another run wrote there although this one held the lock (removed by hand, or taken from another host): never replace it
      if (!this.replaceable(this.path)) throw new InputError(`${this.path}: another run wrote there while this one ran (its lock ${this.lock} was removed or taken over); this run is not written`);
      renameSync(this.path, old);
      renameSync(this.tmp, this.path);
      replaced = true;
    }
    if (replaced) rmSync(old, { recursive: true, force: true });
    this.releaseLock();
  }

  /**
   * Remove every run directory still being written, at once and in this
   * thread, for a process about to exit without waiting for its run to stop
   * (a second Ctrl-C): the temporary directory first, then the lock, so a
   * lock never outlives what it guards. Workers still writing do not matter:
   * an unlinked file is gone from the directory whatever they do with it.
   */
  static discardAllNow(): void {
    for (const dir of RunDir.open) {
      rmSync(dir.tmp, { recursive: true, force: true });
      dir.releaseLock();
    }
    RunDir.open.clear();
  }

  /**
   * Remove the temporary directory and everything in it. Its files are
   * unlinked side by side: freeing a file's gigabytes of page cache is most
   * of the time an interrupted run takes to stop, and each unlink runs on its
   * own thread of libuv's pool.
   */
  async discard(): Promise<void> {
    try {
      await Promise.allSettled(filesUnder(this.tmp).map((f) => rm(f, { force: true })));
      rmSync(this.tmp, { recursive: true, force: true });
    } finally {
      this.releaseLock();
    }
  }
}

/** The files in a directory and its subdirectories; none when it is gone. */
function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Random characters that end a temporary sibling's name (fewer when Math.random's base-36 digits run out, which is rare). */
const TEMPORARY_SUFFIX_CHARS = 6;

/** The start of the names of the temporary siblings of `path` that process `pid` writes. */
const temporaryPrefix = (path: string, pid: number) => `.${basename(path)}.tmp-${pid}-`;

/**
 * A hidden sibling of `path` to write before renaming it into place, unique
 * per writer: the pid alone does not tell writers apart, since in containers
 * sharing a volume each one's is 1.
 *
 * @param path the final file or directory
 * @returns the temporary path beside it
 * @example temporarySibling('runs/x') // 'runs/.x.tmp-4242-k3j9x1'
 */
export function temporarySibling(path: string): string {
  return join(dirname(path), `${temporaryPrefix(path, process.pid)}${Math.random().toString(36).slice(2, 2 + TEMPORARY_SUFFIX_CHARS)}`);
}

/** The longest file name most file systems (ext4, xfs, btrfs, tmpfs) take, in bytes. */
const NAME_MAX = 255;

/** lstat, or null where nothing is at the path. */
function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * Refuse a destination that is a file, or a directory that is not empty (unless replaceable).
 *
 * @throws InputError naming `out`
 */
function checkDestination(path: string, out: string, replaceable: (path: string) => boolean): void {
  // the finished run is renamed onto the path, which replaces a link rather than writing where it points: found after the run, as ENOTDIR
  if (lstatOrNull(path)?.isSymbolicLink()) throw new InputError(`--out ${out}: a symbolic link; a run is renamed into place, which cannot go through a link: give the directory it points to, or a new path`);
  // the hidden name the run is written under, with the longest pid Linux gives (pid_max ≤ 2^22)
  const name = Buffer.byteLength(basename(path)), hidden = Buffer.byteLength(temporaryPrefix(path, 2 ** 22)) + TEMPORARY_SUFFIX_CHARS;
  if (hidden > NAME_MAX) throw new InputError(`--out ${out}: a name of ${name} bytes is too long; the run is first written under a hidden name ${hidden - name} bytes longer, and a name may have ${NAME_MAX} at most`);
  let st;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  if (st && !st.isDirectory()) throw new InputError(`--out ${out}: expected a directory to create, but a file is there`);
  if (st && readdirSync(path).length > 0 && !replaceable(path)) throw new InputError(`--out ${out}: expected a new or empty directory, but it is not empty (a run never overwrites another)`);
}

/** How long a run waits for a lock that is being written, released or taken over by another run before it gives up, and how often it looks. */
const LOCK_WAIT_MS = 2000;
const LOCK_PAUSE_MS = 10;
/** Atomics.wait on it: a pause that blocks this thread only. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Create the missing directories above a run one at a time (mkdir's recursive
 * mode spins on some pseudo file systems, such as /proc), after checking that
 * the nearest one that exists is a writable directory.
 *
 * @param dir the run directory's parent
 * @throws the file system's error (ENOTDIR, EACCES, …) when the nearest existing ancestor is not a writable directory
 */
function makeParents(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    try {
      const st = statSync(at);
      if (!st.isDirectory()) throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(at);
      at = dirname(at);
    }
  }
  accessSync(at, constants.W_OK);
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // another run started at the same moment made it first
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}

/** Length of `YYYYMMDD-HHMMSS`, the timestamp's part of a default run name. */
const STAMP_LENGTH = 15;
/** Characters of the seed and of the run id kept in a default run name: enough to tell runs apart, short enough to type. */
const SEED_CHARS = 24;
const RUN_ID_CHARS = 8;

/**
 * Default location: runs/<UTC timestamp>-s<seed>-<run id>, unique even for runs started together.
 *
 * @param seed the run's seed (characters unsafe in a file name become `_`)
 * @param runId the run's id
 * @param now the start time
 * @returns the relative path
 * @example defaultRunPath('golden', '1a2b3c4d5e', new Date('2025-01-02T03:04:05Z')) // 'runs/20250102-030405-sgolden-1a2b3c4d'
 */
export function defaultRunPath(seed: string, runId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, STAMP_LENGTH);
  return join('runs', `${stamp}-s${seed.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, SEED_CHARS)}-${runId.slice(0, RUN_ID_CHARS)}`);
}
