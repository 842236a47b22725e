import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/**
 * The CLI as a terminal starts it, for the tests that stop runs with
 * signals: a child process, watched until its temporary run directory
 * appears, and judged by how it ended.
 */

export const BIN = fileURLToPath(new URL('../bin/sim.mjs', import.meta.url));

/** Resolves once `stream` (a child's stderr, say) has closed, i.e. all it carried has been read, or after `ms`: an exited child's last words can come after its 'exit'. */
function allOf(stream: Readable, ms = 2000): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((r) => {
    const timer = setTimeout(r, ms);
    stream.once('close', () => (clearTimeout(timer), r()));
  });
}

/** How a child ended: its exit code (null: killed by a signal), what it printed on stderr (trimmed), and ms since it started. */
export interface Ended { code: number | null; stderr: string; ms: number }

/**
 * A started CLI: `started()` resolves once its temporary run directory exists under the parent; it throws, with
 * what the run said on stderr, if the run ended first (refused for want of disk or memory, say) or was not under way within `within` ms.
 */
export interface Started { child: ChildProcess; ended: Promise<Ended>; started(within?: number): Promise<void> }

/**
 * Start `sim` writing under `parent`.
 *
 * @param args the CLI's arguments (an --out inside parent)
 * @param parent the directory --out is in; created
 * @param limits shell commands run first, e.g. 'ulimit -n 256'; node is then exec'd, so a signal sent to the child reaches it
 * @returns the child, its end, and a wait for its run to be under way
 * @example const run = startSim(['--trials', '1000', '--out', join(dir, 'run')], dir); await run.started();
 */
export function startSim(args: string[], parent: string, limits?: string): Started {
  mkdirSync(parent, { recursive: true });
  const t0 = performance.now();
  // under limits, node and its arguments reach bash as positional parameters: no quoting, whatever the paths hold
  const child = limits === undefined
    ? spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('bash', ['-c', `${limits}; exec "$@"`, 'sim', process.execPath, BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ended = new Promise<Ended>((r) => child.on('exit', (code) => r({ code, stderr: stderr.trim(), ms: performance.now() - t0 })));
  // polled only when awaited, and only while the run lives
  const started = async (within = 45_000) => {
    const alive = () => child.exitCode === null && child.signalCode === null;
    const underWay = () => readdirSync(parent).some((f) => f.includes('.tmp-'));
    const t = performance.now();
    while (!underWay()) {
      const how = !alive() ? `ended (exit ${child.exitCode ?? child.signalCode}) before it was under way` : performance.now() - t > within ? `was not under way after ${within} ms` : '';
      if (how) {
        if (alive()) child.kill('SIGKILL');
        await allOf(child.stderr!);
        throw new Error(`sim ${args.join(' ')} ${how}; it said: ${stderr.trim() || '(nothing)'}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, ended, started };
}

/**
 * Start `sim`, send `signal` `delay` ms after its run is under way, and wait for it to end.
 *
 * @returns how it ended; `after`: ms from the signal to the end
 * @example const r = await interruptSim(args, dir, 500, 'SIGTERM'); r.code // 143
 */
export async function interruptSim(args: string[], parent: string, delay: number, signal: NodeJS.Signals = 'SIGINT', limits?: string): Promise<Ended & { after: number }> {
  const run = startSim(args, parent, limits);
  await run.started();
  await new Promise((r) => setTimeout(r, delay));
  run.child.kill(signal);
  const sent = performance.now();
  const r = await run.ended;
  return { ...r, after: performance.now() - sent };
}

/**
 * What is wrong with how an interrupted run stopped: it must exit 130
 * (SIGINT) or 143 (SIGTERM) within 2 s, say one line with no stack, and
 * leave nothing beside --out.
 *
 * @param at names the case in each problem
 * @returns the problems, none when it stopped as it should
 * @example expect(stopProblems('round 3', await interruptSim(args, dir, 100), 'SIGINT', dir)).toEqual([]);
 */
export function stopProblems(at: string, r: Ended & { after: number }, signal: NodeJS.Signals, parent: string): string[] {
  const problems: string[] = [];
  if (r.code !== (signal === 'SIGINT' ? 130 : 143)) problems.push(`${at}: exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`);
  if (r.after > 2000) problems.push(`${at}: took ${Math.round(r.after)} ms to stop`);
  if (r.stderr.split('\n').length !== 1 || /\n\s+at /.test(r.stderr)) problems.push(`${at}: stderr is not one line: ${JSON.stringify(r.stderr)}`);
  const left = readdirSync(parent);
  if (left.length) problems.push(`${at}: left ${left.join(', ')}`);
  return problems;
}
