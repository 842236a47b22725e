import { readFileSync } from 'node:fs';
import { procStat, running } from './running.ts';

/** How often the npm process that started this one is looked for (a signal 0 and a small /proc read). */
const POLL_MS = 100;
/** Ancestors searched for npm: node's parent is npm's `sh -c`, whose parent is npm. */
const MAX_DEPTH = 3;

/** A process's parent id and command line from /proc, or null once it is gone. */
function proc(pid: number): { ppid: number; cmd: string } | null {
  const stat = procStat(pid);
  try {
    return stat && { ppid: stat.ppid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') };
  } catch {
    return null;
  }
}

/**
 * Under `npx` (npm exec), a SIGTERM sent to npm ends npm but is not passed
 * on to this process, which would run on unseen. Call `onGone` when the npm
 * process that started this one has ended, as if the signal had arrived
 * (Linux, where /proc says who the ancestors are; elsewhere nothing).
 *
 * @param onGone called once, when npm is gone
 * @returns a function that stops watching
 * @example const stop = whenNpmEnds(() => abort('SIGTERM')); … stop();
 */
export function whenNpmEnds(onGone: () => void): () => void {
  if (process.env.npm_command !== 'exec' || process.platform !== 'linux') return () => {};
  let pid = process.ppid;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const p = proc(pid);
    if (!p) return () => {};
    if (/\bnpm\b|npm-cli|npx-cli/.test(p.cmd)) {
      const npm = pid;
      const timer = setInterval(() => {
        if (!running(npm)) {
          clearInterval(timer);
          onGone();
        }
      }, POLL_MS);
      timer.unref();
      return () => clearInterval(timer);
    }
    pid = p.ppid;
  }
  return () => {};
}
