// The bundle `sim` runs: the CLI and the worker, each one ES module built by
// esbuild from the TypeScript sources. Loading ~100 modules through tsx's
// loader hooks (a round trip to the hooks thread for each) took most of a
// second per process and per worker; a bundle loads in a tenth of that.
// Built on first use and again whenever a source changes: the name carries
// a hash of every source file (src/source-hash.mjs), so a bundle never runs
// stale code, and processes building at once write the same bytes. The
// bundles carry the hash too, as SIM_BUNDLE_SOURCE: what a run records.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourceHash } from '../src/source-hash.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Bundles of hashes other than the current one are removed once no process has started from them for this long: one may still be starting. */
const STALE_MS = 24 * 3600 * 1000;

/** The sha-256 of a file's bytes. */
const digest = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * The CLI bundle for the current sources, built into `dir` if it is not
 * there whole (intact); null where it cannot be written (a read-only install), and
 * bin/sim.mjs then runs the sources through tsx.
 *
 * @param dir where bundles go (default dist/ in the package root)
 * @param root the package root
 * @returns the CLI bundle's URL, or null
 * @example const cli = await cliBundle(); if (cli) await import(cli);
 */
export async function cliBundle(dir = join(ROOT, 'dist'), root = ROOT) {
  const hash = sourceHash(root);
  const cli = join(dir, `${hash}-cli.mjs`);
  used(dir, hash);
  if (intact(dir, hash)) return pathToFileURL(cli).href;
  try {
    await build(dir, hash, root);
    prune(dir, hash);
    return pathToFileURL(cli).href;
  } catch {
    return null;
  }
}

/** Whether the bundle of `hash` is there with every file as it was built: a file damaged or removed since is built again, not run. */
function intact(dir, hash) {
  try {
    const sums = JSON.parse(readFileSync(join(dir, `${hash}.sha256`), 'utf8'));
    return FILES.every((suffix) => sums[suffix] === digest(join(dir, `${hash}${suffix}`)));
  } catch {
    return false;
  }
}

/**
 * Date the bundle of `hash` as started now, first thing: prune goes by the
 * files' age, and a bundle built days ago that a process has just started
 * from must stay until its workers have loaded it. Where dist/ cannot be
 * written there is nothing to date, nor to prune.
 */
function used(dir, hash) {
  const now = new Date();
  for (const suffix of [...FILES, '.sha256']) {
    try {
      utimesSync(join(dir, `${hash}${suffix}`), now, now);
    } catch {}
  }
}

/** The files of a bundle, after its hash. */
const FILES = ['-worker.mjs', '-worker.cjs', '-cli.mjs'];

/** Build the worker, its CommonJS entry and the CLI, each written whole and renamed into place, then their digests (last: their presence says the rest is there). */
async function build(dir, hash, root) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(dir, { recursive: true });
  // the hash the bundles are named by, not one computed from the files when they run: those may have changed since
  const define = { SIM_BUNDLE_SOURCE: JSON.stringify(hash) };
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent', absWorkingDir: root, define };
  const worker = `${hash}-worker`;
  const [w, c] = await Promise.all([
    esbuild({ ...common, entryPoints: [join(root, 'workers/run-chunk.ts')] }),
    esbuild({ ...common, entryPoints: [join(root, 'src/cli.ts')], define: { ...define, SIM_BUNDLE_WORKER: JSON.stringify(`./${worker}.cjs`) } }),
  ]);
  const place = (name, text) => {
    // the pid alone does not tell builders apart: in containers sharing the package each one's is 1
    const tmp = join(dir, `${name}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, name));
  };
  place(`${worker}.mjs`, w.outputFiles[0].contents);
  // CommonJS for the reason workers/chunk.cjs gives
  place(`${worker}.cjs`, `module.exports = import('./${worker}.mjs').then((m) => m.default);\n`);
  place(`${hash}-cli.mjs`, c.outputFiles[0].contents);
  place(`${hash}.sha256`, JSON.stringify(Object.fromEntries(FILES.map((suffix) => [suffix, digest(join(dir, `${hash}${suffix}`))]))));
}

/** Remove other hashes' bundles no process has started from for a day (used() dates them), and files a stopped build (or an interrupted `npm run bench`, benchmarks/run.mjs) left a day ago: each edit of the sources leaves a bundle behind. */
function prune(dir, hash) {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(hash) && !name.includes('.tmp-')) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {}
  }
}
