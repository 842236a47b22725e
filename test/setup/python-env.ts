// vitest globalSetup: a Python with pyarrow, polars, duckdb and pandas for the
// README's snippets (test/readme.test.ts). It sets SIM_DOCS_PYTHON to its path,
// or SIM_DOCS_PYTHON_ERROR to a one-line reason: the doc tests then fail with
// it instead of skipping. Set SIM_DOCS_PYTHON yourself to use another Python.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VENV = join(ROOT, '.venv-docs');
const PACKAGES = ['pyarrow', 'polars', 'duckdb', 'pandas'];
const python = (venv: string) => join(venv, 'bin', 'python');

/** Run a command; a one-line reason on failure, undefined on success. */
function attempt(cmd: string, args: string[], timeoutMs: number): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.error) return `${cmd} ${args.slice(0, 3).join(' ')}: ${(r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : r.error.message}`;
  if (r.status === 0) return undefined;
  const last = `${r.stderr}${r.stdout}`.trim().split('\n').filter((l) => !/^\s*WARNING:/.test(l)).pop() ?? '';
  return `${cmd} ${args.slice(0, 3).join(' ')} exited ${r.status}: ${last}`;
}

// find_spec, not import: the check runs on every test run, an import of all four takes seconds
const importable = (py: string) => attempt(py, ['-c', `import importlib.util as u, sys; m = [p for p in ${JSON.stringify(PACKAGES)} if not u.find_spec(p)]; sys.exit(f"missing {m}" if m else 0)`], 60_000);

function create(): string | undefined {
  // Build under a private name and rename when complete, so concurrent test
  // runs in the same tree never see (or use) a half-installed environment.
  const tmp = `${VENV}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    const why = attempt('python3', ['-m', 'venv', tmp], 60_000)
      // pip's own configuration picks the wheel index; no retries and a short
      // socket timeout so an unreachable index fails in seconds, not minutes.
      ?? attempt(python(tmp), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--retries', '0', '--timeout', '10', ...PACKAGES], 240_000)
      ?? attempt(python(tmp), ['-c', `import ${PACKAGES.join(', ')}`], 60_000);
    if (why) return why;
    rmSync(VENV, { recursive: true, force: true });
    try {
      renameSync(tmp, VENV);
    } catch (e) {
      if (!existsSync(python(VENV))) throw e; // another run finished first: use theirs
    }
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export default function setup(): void {
  if (process.env.SIM_DOCS_PYTHON) return;
  const started = Date.now();
  const ready = existsSync(python(VENV)) && importable(python(VENV)) === undefined;
  const why = ready ? undefined : create();
  if (why) {
    process.env.SIM_DOCS_PYTHON_ERROR = `no Python with ${PACKAGES.join(', ')} in .venv-docs/: ${why}`;
    console.warn(`python-env: ${process.env.SIM_DOCS_PYTHON_ERROR}`);
  } else {
    process.env.SIM_DOCS_PYTHON = python(VENV);
    if (Date.now() - started > 5_000) console.log(`python-env: created .venv-docs/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
