import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/**
 * A run directory that appears only when complete: everything is written
 * under a hidden temporary sibling, renamed onto the final name at the end
 * (rename is atomic within a filesystem), and removed on failure.
 */
export class RunDir {
  readonly tmp: string;

  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  }

  /** Check the destination before any work: it may not exist, or be an empty directory. */
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

  file(name: string): string {
    return join(this.tmp, name);
  }

  commit(): void {
    renameSync(this.tmp, this.path);
  }

  discard(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Default location: runs/<UTC timestamp>-s<seed>-<run id>, unique even for runs started together. */
export function defaultRunPath(seed: string, runId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('runs', `${stamp}-s${seed.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24)}-${runId.slice(0, 8)}`);
}
