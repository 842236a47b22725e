import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.ts';

const dir = fileURLToPath(new URL('./fixtures/bad/', import.meta.url));
const cases = readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    const expect = f.endsWith('.json') ? readFileSync(join(dir, f.replace(/\.json$/, '.expect')), 'utf8').trim() : /^# expect: (.*)$/m.exec(text)![1];
    return [f, join(dir, f), expect] as const;
  });
const out = mkdtempSync(join(tmpdir(), 'sim-bad-'));

/** Run the CLI in this process; returns the exit code and what went to stderr. */
async function cli(...args: string[]) {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const code = await main(['node', 'sim', ...args]);
    return { code, stderr: lines.join('\n') };
  } finally {
    spy.mockRestore();
    log.mockRestore();
  }
}

describe('the catalogue of bad scenarios (test/fixtures/bad)', () => {
  afterEach(() => {
    expect(readdirSync(out)).toEqual([]); // no run directory, no temporary files
  });

  it('holds at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)('%s stops before any trial with exit 2 and names file and key path', async (_, file, expected) => {
    const r = await cli('run', file, '--trials', '10', '--workers', '1', '--out', join(out, 'run'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`sim: ${file}: ${expected}`);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an unreadable scenario (missing, or a directory) is a clear error', async () => {
    const missing = await cli('run', join(dir, 'no-such-file.yaml'), '--out', join(out, 'run'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no-such-file.yaml: (top level): a readable scenario file (ENOENT: there is none, and the built-in scenarios are default, hyperscaler, critic; `sim --help` lists the commands)");
    // a mistyped command is a scenario name to sim: the same line says what the names can be
    const typo = await cli('chek', '--out', join(out, 'run'));
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe("sim: chek: (top level): a readable scenario file (ENOENT: there is none, and the built-in scenarios are default, hyperscaler, critic; `sim --help` lists the commands)");
    const directory = await cli('run', dir, '--out', join(out, 'run'));
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain('a readable scenario file (EISDIR)');
  });

  it('--debug adds the stack trace', async () => {
    const r = await cli('run', cases[0][1], '--debug', '--out', join(out, 'run'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

afterAll(() => {
  expect(existsSync(join(out, 'run'))).toBe(false);
  rmSync(out, { recursive: true, force: true });
});
