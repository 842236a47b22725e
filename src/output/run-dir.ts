import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/**
 * A run directory that appears only when complete: everything is written
 * under a hidden temporary sibling, renamed onto the final name at the end
 * (rename is atomic within a filesystem), and removed on failure.
 *
 * @param path the final directory (prefer RunDir.prepare, which checks it first)
 * @example const dir = RunDir.prepare('runs/x'); writeJson(dir.file('manifest.json'), m); dir.commit();
 */
export class RunDir {
  readonly tmp: string;

  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  }

  /**
   * Check the destination before any work: it may not exist, or be an empty directory.
   *
   * @param out the `--out` path as given
   * @returns the run directory, its temporary sibling created
   * @throws InputError when the destination is a file, not empty or not writable
   */
  static prepare(out: string): RunDir {
    const path = resolve(out);
    let st;
    try {
      st = statSync(path);
    } catch {
      st = null;
    }
    if (st && !st.isDirectory()) throw new InputError(`--out ${out}: expected a directory to create, but a file is there`);
    if (st && readdirSync(path).length > 0) throw new InputError(`--out ${out}: expected a new or empty directory, but it is not empty (a run never overwrites another)`);
    const dir = new RunDir(path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      mkdirSync(dir.tmp);
    } catch (e) {
      throw new InputError(`--out ${out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return dir;
  }

  /**
   * @param name a file name inside the run
   * @returns its path in the temporary directory
   */
  file(name: string): string {
    return join(this.tmp, name);
  }

  /** Rename the finished temporary directory onto the final path. */
  commit(): void {
    renameSync(this.tmp, this.path);
  }

  /** Remove the temporary directory and everything in it. */
  discard(): void {
    rmSync(this.tmp, { recursive: true, force: true });
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
