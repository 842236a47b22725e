// `npm run bench`: the benchmark runs bundled, as `sim` runs (bin/bundle.mjs),
// so that its in-thread figures time the code users run. Through tsx's
// loader every module stays a module of its own, and the cohort kernel timed
// there at 27–50 M trial-months/s from one process to the next (9
// processes), against 55–60 M for the same code bundled (12 of 13; one 38 M).
//
//   node benchmarks/run.mjs benchmarks/bench.ts [its options]
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const [script] = process.argv.splice(2, 1);
// in dist/, one level below the root like src/, where src/root.ts finds the package; a name of its own per process
// (containers sharing the package may all have pid 1); an interrupted bench's file goes when bin/bundle.mjs next prunes dist/
const out = join(ROOT, 'dist', `bench-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.mjs`);
await build({ entryPoints: [resolve(script)], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
try {
  await import(pathToFileURL(out).href);
} finally {
  rmSync(out, { force: true });
}
