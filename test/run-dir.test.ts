import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RunDir } from '../src/output/run-dir.ts';

// a directory another process creates between this one's look and its mkdir: the look says ENOENT, the directory appears
const race = vi.hoisted(() => ({ dir: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const statSync = ((path: string, ...rest: unknown[]) => {
    if (path === race.dir) {
      race.dir = undefined;
      fs.mkdirSync(path);
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    }
    return (fs.statSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.statSync;
  return { ...fs, statSync, default: { ...fs, statSync } };
});

const root = mkdtempSync(join(tmpdir(), 'sim-run-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('RunDir.prepare', () => {
  it('makes the missing parents, even one another run makes at the same moment', () => {
    const parent = join(root, 'runs');
    race.dir = parent;
    const dir = RunDir.prepare(join(parent, 'a'));
    expect(race.dir).toBeUndefined(); // the race happened
    dir.commit();
    expect(readdirSync(parent)).toEqual(['a']);
  });
});
