import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../src/report/build.ts';

// a second writer of the same page while this one writes its temporary file: another pod on a shared volume, whose pid is 1 as well
const race = vi.hoisted(() => ({ during: undefined as (() => void) | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync = ((...a: Parameters<typeof fs.writeFileSync>) => {
    fs.writeFileSync(...a);
    const during = race.during;
    race.during = undefined;
    during?.();
  }) as typeof fs.writeFileSync;
  return { ...fs, writeFileSync, default: { ...fs, writeFileSync } };
});

const root = mkdtempSync(join(tmpdir(), 'sim-write-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('two writers of one page at once, with the same pid: both succeed, the page is one of theirs whole', () => {
    const page = join(root, 'compare.html');
    race.during = () => writeFileAtomic(page, 'theirs');
    writeFileAtomic(page, 'mine');
    expect(race.during).toBeUndefined(); // the race happened
    expect(readFileSync(page, 'utf8')).toBe('mine');
    expect(readdirSync(root)).toEqual(['compare.html']);
  });
});
