import { readFileSync } from 'node:fs';

/**
 * Whether a process of this id is running. An exited process that its parent
 * has not reaped yet (a zombie) is not: it holds no files and does no work,
 * and when an orphan is reaped is up to init (seconds, on some machines).
 * Linux reads the state from /proc; elsewhere a zombie counts as running.
 *
 * @param pid a process id
 * @returns false for a non-positive or non-integer id, an unknown process or a zombie
 * @example running(process.pid) // true
 */
export function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  let denied = false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
    denied = true; // another user's process: it exists
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return denied; // hidden from us (/proc mounted hidepid): it exists; else it went between the two looks
  }
}
