import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { procStat, running } from '../src/running.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A zombie: `sh` starts a short sleep, then becomes a long one that never reaps it. */
async function zombie(): Promise<{ parent: ReturnType<typeof spawn>; pid: number }> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & exec sleep 30'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    await sleep(20);
    const child = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim();
    const pid = Number(child);
    if (pid > 0 && readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) return { parent, pid };
  }
  throw new Error('no zombie appeared');
}

// elsewhere a zombie counts as running (no /proc to tell)
it.runIf(process.platform === 'linux')('running: this process yes; an exited one, a zombie and a non-id no', async () => {
  expect(running(process.pid)).toBe(true);
  const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  expect(running(gone)).toBe(false);
  for (const id of [0, -1, 1.5, Number.NaN]) expect(running(id)).toBe(false);
  const z = await zombie();
  try {
    expect(running(z.parent.pid!)).toBe(true);
    expect(running(z.pid)).toBe(false);
  } finally {
    z.parent.kill('SIGKILL');
  }
});

it.runIf(process.platform === 'linux')('procStat: the state and the parent, counted past a command name with spaces and parentheses', async () => {
  expect(procStat(process.pid)).toEqual({ state: 'R', ppid: process.ppid });
  // the kernel names a process after its executable's file name: a link with an awkward one
  const dir = mkdtempSync(join(tmpdir(), 'sim-proc-')), odd = join(dir, 'odd ) n (x');
  symlinkSync('/bin/sleep', odd);
  const child = spawn(odd, ['5'], { stdio: 'ignore' });
  try {
    await sleep(200);
    expect(readFileSync(`/proc/${child.pid}/stat`, 'utf8')).toContain('(odd ) n (x)');
    expect(procStat(child.pid!)).toEqual({ state: 'S', ppid: process.pid });
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  expect(procStat(-1)).toBeNull();
});
