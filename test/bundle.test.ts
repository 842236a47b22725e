import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle } from '../bin/bundle.mjs';
import { sourceHash } from '../src/source-hash.mjs';
import { run } from '../src/run.ts';
import { BIN } from './cli-process.ts';

/** bin/sim.mjs runs a bundle of the sources (bin/bundle.mjs): it must be the sources, current, and optional. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sim-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundle', () => {
  it('is named by a hash of every source file: a change to any is a new bundle', () => {
    const copy = join(dir, 'copy');
    for (const rel of ['src', 'workers', 'distributions', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, rel), join(copy, rel), { recursive: true });
    const before = sourceHash(copy);
    expect(before).toBe(sourceHash(ROOT));
    // what is not a regular file is not a source: an editor's lock file (a dangling symlink), a FIFO
    symlinkSync('root@host.1234:1700000000', join(copy, 'src/.#cli.ts'));
    execFileSync('mkfifo', [join(copy, 'src/notes.fifo')]);
    // nor is a hidden file: two checkouts of one commit must agree
    writeFileSync(join(copy, 'src/.DS_Store'), 'finder');
    expect(sourceHash(copy)).toBe(before);
    // the lock file pins the packages that compute numbers
    writeFileSync(join(copy, 'package-lock.json'), readFileSync(join(copy, 'package-lock.json'), 'utf8') + '\n');
    expect(sourceHash(copy)).not.toBe(before);
    writeFileSync(join(copy, 'package-lock.json'), readFileSync(join(ROOT, 'package-lock.json')));
    writeFileSync(join(copy, 'distributions/uniform.ts'), readFileSync(join(copy, 'distributions/uniform.ts'), 'utf8') + '\n');
    expect(sourceHash(copy)).not.toBe(before);
  });

  it('is built whole where it can be written: the CLI, the worker and its CommonJS entry', async () => {
    const out = join(dir, 'dist');
    const cli = await cliBundle(out);
    const hash = sourceHash();
    expect(cli).toMatch(new RegExp(`/${hash}-cli\\.mjs$`));
    expect(readdirSync(out).sort()).toEqual([`${hash}-cli.mjs`, `${hash}-worker.cjs`, `${hash}-worker.mjs`, `${hash}.sha256`]);
    // the CLI reaches its pool through the entry beside it, not the TypeScript's
    expect(readFileSync(join(out, `${hash}-cli.mjs`), 'utf8')).toContain(`"./${hash}-worker.cjs"`);
    // and the hash it is named by, which a run records as its source: built in, not hashed from files that may have changed since
    expect(readFileSync(join(out, `${hash}-cli.mjs`), 'utf8')).toContain(`"${hash}"`);
  });

  it('takes with it, once built, the bundles of other sources and the half-written files of stopped builds older than a day', async () => {
    const out = join(dir, 'pruned');
    mkdirSync(out);
    const hash = sourceHash();
    const old = ['0123456789abcdef-cli.mjs', '0123456789abcdef-worker.mjs', `${hash}-cli.mjs.tmp-99999`], recent = 'fedcba9876543210-cli.mjs';
    for (const name of [...old, recent]) writeFileSync(join(out, name), '');
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    for (const name of old) utimesSync(join(out, name), twoDaysAgo, twoDaysAgo);
    await cliBundle(out);
    expect(readdirSync(out).sort()).toEqual([`${hash}-cli.mjs`, `${hash}-worker.cjs`, `${hash}-worker.mjs`, `${hash}.sha256`, recent]);
  });

  it('leaves a bundle a process started from in the last day, however old: it may not have loaded its worker yet', async () => {
    const out = join(dir, 'in-use'), edited = join(dir, 'edited');
    for (const rel of ['src', 'workers', 'distributions', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, rel), join(edited, rel), { recursive: true });
    writeFileSync(join(edited, 'src/version.ts'), readFileSync(join(edited, 'src/version.ts'), 'utf8') + '\n');
    const before = sourceHash(edited);
    await cliBundle(out, edited);
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    for (const name of readdirSync(out)) utimesSync(join(out, name), twoDaysAgo, twoDaysAgo);
    // a run starts from the bundle built two days ago; a moment later the sources change and another sim builds theirs
    await cliBundle(out, edited);
    await cliBundle(out);
    expect(readdirSync(out).filter((f) => f.startsWith(before)).sort()).toEqual([`${before}-cli.mjs`, `${before}-worker.cjs`, `${before}-worker.mjs`, `${before}.sha256`]);
  });

  it('is built again when a file of it was damaged or removed since, not run', async () => {
    const out = join(dir, 'dist');
    const hash = sourceHash();
    const built = await cliBundle(out);
    const whole = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));
    writeFileSync(join(out, `${hash}-cli.mjs`), whole[`${hash}-cli.mjs`].subarray(0, 1000));
    rmSync(join(out, `${hash}-worker.mjs`));
    expect(await cliBundle(out)).toBe(built);
    for (const [f, bytes] of Object.entries(whole)) expect(readFileSync(join(out, f)).equals(bytes), f).toBe(true);
  });

  it('is skipped where it cannot be written (bin/sim.mjs then runs the sources through tsx)', async () => {
    expect(await cliBundle('/dev/null/dist')).toBeNull();
  });

  it('where dist/ cannot be written, sim runs the sources through tsx, with or without a usable temporary directory', () => {
    const app = join(dir, 'read-only');
    for (const rel of ['bin', 'src', 'workers', 'distributions', 'scenarios', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, rel), join(app, rel), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    writeFileSync(join(app, 'dist'), 'a file where the bundles would go');
    for (const TMPDIR of [tmpdir(), '/dev/null', join(dir, 'no-such-directory')]) {
      const r = spawnSync(process.execPath, [join(app, 'bin/sim.mjs'), 'check', '--json'], { encoding: 'utf8', env: { ...process.env, TMPDIR } });
      expect(r.stderr, TMPDIR).toBe('');
      expect(JSON.parse(r.stdout).scenario, TMPDIR).toBeDefined();
    }
  });

  it('computes what the sources compute: a run through the CLI equals the same run in this process', async () => {
    const cli = spawnSync(process.execPath, [BIN, '--trials', '600', '--seed', '3', '--calibration-trials', '4096', '--workers', '1', '--quiet', '--out', join(dir, 'cli')], { encoding: 'utf8' });
    expect(cli.stderr).toBe('');
    await run({ scenarioFile: join(ROOT, 'scenarios/default.yaml'), trials: 600, seed: '3', overrides: ['calibrationTrials=4096'], workers: 1, out: join(dir, 'inline') });
    for (const file of ['valuation.json', 'scenario.json']) expect(readFileSync(join(dir, 'cli', file), 'utf8')).toBe(readFileSync(join(dir, 'inline', file), 'utf8'));
    const [a, b] = ['cli', 'inline'].map((d) => tableFromIPC(readFileSync(join(dir, d, 'trials.arrow'))));
    expect(a.schema.fields.map((f) => f.name)).toEqual(b.schema.fields.map((f) => f.name));
    for (const f of a.schema.fields) expect(a.getChild(f.name)!.toArray(), f.name).toEqual(b.getChild(f.name)!.toArray());
    // both record the same code: the hash the bundle is named by, and the one the sources compute
    for (const d of ['cli', 'inline']) {
      expect(JSON.parse(readFileSync(join(dir, d, 'manifest.json'), 'utf8')).source, d).toBe(sourceHash());
      expect(tableFromIPC(readFileSync(join(dir, d, 'trials.arrow'))).schema.metadata.get('engine_source'), d).toBe(sourceHash());
    }
  });

  it('says with its version which sources it was built from, as a run records them', () => {
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toMatch(new RegExp(`^\\d+\\.\\d+\\.\\d+ \\(source ${sourceHash()}\\)$`));
  });
});
