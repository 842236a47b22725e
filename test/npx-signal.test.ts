import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { running } from '../src/running.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sim-npx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// running(): once npm is gone, node's `sh` parent is an orphan and init reaps the exited node when it will,
// so a zombie counts as stopped. npm does not pass a SIGTERM it receives on to the command it runs; sim watches npm instead (src/npm-parent.ts),
// so the run stops within 2 s (and one 100 ms poll) of npm ending, however long npm itself takes to go
it('SIGTERM to `npx sim` stops the run too: node within 2 s of npm ending, nothing left beside --out', async () => {
  const out = join(root, 'run');
  // long enough to be under way when the signal comes (~30 s of work), small enough for any disk: 5,000,000 trials needed 49 GiB free and,
  // with less, were refused before the lock showed its pid (CI, stop 24)
  const npx = spawn('npx', ['sim', '--trials', '400000', '--no-report', '--quiet', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  npx.stderr.on('data', (d) => (stderr += d));
  let npmEnded = false;
  const npmGone = new Promise<number>((resolve) => npx.on('exit', () => { npmEnded = true; resolve(performance.now()); }));
  const lock = join(root, '.run.lock'); // holds the pid of the node process doing the run, then its host
  const holder = () => (existsSync(lock) ? parseInt(readFileSync(lock, 'utf8'), 10) : NaN);
  for (let i = 0; i < 600 && !(holder() > 0) && !npmEnded; i++) await sleep(100); // created empty, its pid written a moment later
  const node = holder();
  expect(running(node), `the run never held its lock; it said: ${stderr}`).toBe(true);
  await sleep(500);
  npx.kill('SIGTERM');
  const t0 = await npmGone;
  while (running(node) && performance.now() - t0 < 20_000) await sleep(20);
  const stopped = performance.now() - t0;
  expect(running(node)).toBe(false);
  expect(stopped, `node stopped ${stopped.toFixed(0)} ms after npm ended`).toBeLessThan(2100);
  expect(readdirSync(root)).toEqual([]);
}, 120_000);
