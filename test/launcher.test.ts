import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './cli-process.ts';

/**
 * bin/sim.mjs run as a command (npx sim, the deploy files) starts as sh: it
 * adds glibc's huge-page tunable to the environment and execs node on
 * itself. A stand-in `node` first on PATH shows what node would be given.
 */
const dir = mkdtempSync(join(tmpdir(), 'sim-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'node'), '#!/bin/sh\nprintf \'%s\\n\' "pid=$$" "tunables=${GLIBC_TUNABLES-unset}"\nfor a in "$@"; do printf \'arg=%s\\n\' "$a"; done\n');
chmodSync(join(dir, 'node'), 0o755);

/** What the stand-in node printed, and the pid the launcher was started as: run as a command, or by `shell` (e.g. ['sh', '-u']). */
function launch(args: string[], tunables?: string, shell: string[] = []): { pid: number | undefined; lines: string[] } {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` };
  delete env.GLIBC_TUNABLES;
  if (tunables !== undefined) env.GLIBC_TUNABLES = tunables;
  const [cmd, ...pre] = [...shell, BIN];
  const r = spawnSync(cmd, [...pre, ...args], { env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { pid: r.pid, lines: r.stdout.trimEnd().split('\n') };
}

describe('the launcher line of bin/sim.mjs', () => {
  it('asks for huge pages, becomes node in the same process, and passes every argument as given', () => {
    const args = ['run', 'my scenario.yaml', '', '*', '$HOME', "it's", '--trials', '100000'];
    const { pid, lines } = launch(args);
    // exec, not a child: a signal sent to the pid a shell or a test started reaches the run itself
    expect(lines[0]).toBe(`pid=${pid}`);
    expect(lines[1]).toBe('tunables=glibc.malloc.hugetlb=1');
    expect(lines.slice(2)).toEqual([BIN, ...args].map((a) => `arg=${a}`));
  });

  it("keeps the user's tunables, and their choice of huge pages", () => {
    expect(launch([], 'glibc.malloc.check=3').lines[1]).toBe('tunables=glibc.malloc.check=3:glibc.malloc.hugetlb=1');
    expect(launch([], 'glibc.malloc.hugetlb=0').lines[1]).toBe('tunables=glibc.malloc.hugetlb=0');
    expect(launch([], 'glibc.malloc.check=3:glibc.malloc.hugetlb=0').lines[1]).toBe('tunables=glibc.malloc.check=3:glibc.malloc.hugetlb=0');
  });

  it('runs under a shell that treats unset variables as errors (sh -u, SHELLOPTS=nounset where sh is bash)', () => {
    for (const sh of ['sh', 'bash']) expect(launch(['x'], undefined, [sh, '-u']).lines[1]).toBe('tunables=glibc.malloc.hugetlb=1');
  });

  it('is JavaScript too: run as a command and through node, sim says the same', () => {
    const direct = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    const viaNode = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^\d+\.\d+\.\d+ \(source [0-9a-f]+\)\n$/);
    expect(direct.stdout).toBe(viaNode.stdout);
  });
});
