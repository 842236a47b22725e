import { readFileSync } from 'node:fs';

/**
 * A process's state and parent from /proc/PID/stat (Linux), or null when it
 * cannot be read. The fields are counted from the last ')': the command name
 * before it may hold spaces and parentheses.
 *
 * @param pid a process id
 * @returns the one-letter state (R, S, Z, …) and the parent's id
 * @example procStat(process.pid)?.ppid === process.ppid // true
 */
export function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

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
  const stat = procStat(pid);
  // unreadable: hidden from us (/proc mounted hidepid), so it exists; else it went between the two looks
  return stat ? stat.state !== 'Z' : denied;
}
