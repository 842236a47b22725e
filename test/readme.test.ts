// Doc tests: run README.md as a new user would, so a README edit that breaks a
// command, a snippet or a stated figure fails CI. The README states the rules
// followed here ("Doc tests" under "Tests"), including the trial cap.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { METHODS } from '../src/scenario/types.ts';
import { families } from '../distributions/index.ts';
import { BIN } from './cli-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TIMEOUT = 120_000;

/** A number the README writes, `2,000` or `2000`. */
const num = (s: string) => Number(s.replace(/,/g, ''));
/** The README's wording of a claim: its captured numbers, or a failure naming the sentence to restore. */
function stated(re: RegExp): number[] {
  const m = re.exec(README);
  if (!m) throw new Error(`README.md no longer says ${re} (update the sentence or test/readme.test.ts)`);
  return m.slice(1).map(num);
}
const [CAP] = stated(/`--trials` capped at ([\d,]+)/);

// ---- the README's fenced blocks and the commands in them -------------------

const blocks = [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1], lines: m[2].replace(/\n$/, '').split('\n'), line: README.slice(0, m.index).split('\n').length + 1,
}));

/** Shell words of a line (quotes honoured, `# comment` dropped), split at `&&`. */
function shellCommands(line: string): { words: string[]; comment: string }[] {
  const out: { words: string[]; comment: string }[] = [{ words: [], comment: '' }];
  const re = /\s*(?:(#.*)$|(&&)|((?:'[^']*'|"(?:\\.|[^"\\])*"|[^\s'"#&]+|&(?!&))+))/gy;
  for (let m; (m = re.exec(line)) && m[0] !== '';) {
    if (m[1]) out[out.length - 1].comment = m[1];
    else if (m[2]) out.push({ words: [], comment: '' });
    else out[out.length - 1].words.push(m[3].replace(/'([^']*)'|"((?:\\.|[^"\\])*)"/g, (_, a, b) => a ?? b.replace(/\\(.)/g, '$1')));
  }
  return out.filter((c) => c.words.length > 0);
}

interface SimCommand { text: string; args: string[]; exit: number; where: number[]; sample?: string[] }
type Step = { kind: 'sim'; cmd: SimCommand } | { kind: 'cp'; words: string[] };

// Repository maintenance, not a use of `sim`: listed so that any other command fails the test below.
const NOT_RUN = [/^npm (ci|test|run)\b/, /^(\w+=\S*\s+)*npx vitest\b/, /^(sudo )?apt-get\b/];
const steps: Step[] = [];
const uncovered: string[] = [];
const sims = new Map<string, SimCommand>();
for (const b of blocks) {
  const sample = b.lang === '' && b.lines[0].startsWith('$ ');
  if (b.lang !== 'sh' && !sample) continue;
  b.lines.forEach((raw, i) => {
    if (sample && i > 0) return; // the rest of a sample block is output
    for (const { words, comment } of shellCommands(raw.replace(/^\$ /, ''))) {
      const text = words.join(' ');
      if (NOT_RUN.some((re) => re.test(text))) continue;
      if (words[0] === 'cp') { steps.push({ kind: 'cp', words }); continue; }
      const at = words[0] === 'npx' ? 1 : 0;
      if (words[at] !== 'sim') { uncovered.push(`README.md:${b.line + i}: ${text}`); continue; }
      const cmd = sims.get(text) ?? { text, args: words.slice(at + 1), exit: num(/exits? (\d+)/.exec(comment)?.[1] ?? '0'), where: [] };
      cmd.where.push(b.line + i);
      if (sample) cmd.sample = b.lines.slice(1);
      if (!sims.has(text)) steps.push({ kind: 'sim', cmd });
      sims.set(text, cmd);
    }
  });
}

/** Option names of the README's option table (`| \`--trials N\` | …`). */
const tableOptions = [...README.matchAll(/^\| `(--[a-z-]+)[^`]*` \|/gm)].map((m) => m[1]);
/** Default of an option as the table states it, backticks removed. */
const tableDefault = (o: string) => new RegExp(`^\\| \`${o}[^\`]*\` \\| \`?([^|\`]*?)\`? \\|`, 'm').exec(README)?.[1];

const optionValue = (args: string[], o: string) => {
  const i = args.findIndex((a) => a === o || a.startsWith(`${o}=`));
  return i < 0 ? undefined : args[i].startsWith(`${o}=`) ? args[i].slice(o.length + 1) : args[i + 1];
};
const isHelp = (args: string[]) => args.includes('--help') || args.includes('-h');
/** Commands other than `run` (`sim check`, `sim merge`, `sim report`, …): they take no --trials. */
const OTHER_COMMANDS = buildProgram().commands.map((c) => c.name()).filter((n) => n !== 'run');
const isRun = (args: string[]) => !args.some((a) => OTHER_COMMANDS.includes(a));
/** `sim merge`, `sim report` and `sim compare` read run or shard directories the README wrote before them. */
const readsRuns = (args: string[]) => ['merge', 'report', 'compare'].includes(args[0]);

/** The command as run: the documented cap on --trials, nothing else changed. */
function capped(args: string[]): string[] {
  if (isHelp(args) || !isRun(args)) return args;
  const i = args.findIndex((a) => a === '--trials' || a.startsWith('--trials='));
  if (i < 0) return [...args, '--trials', String(CAP)];
  const n = String(Math.min(num(optionValue(args, '--trials')!), CAP));
  return args[i] === '--trials' ? args.map((a, j) => (j === i + 1 ? n : a)) : args.map((a, j) => (j === i ? `--trials=${n}` : a));
}

// ---- running: a fresh directory, the README's order, at most 2 at a time ---

const dir = mkdtempSync(join(tmpdir(), 'sim-readme-'));
cpSync(join(ROOT, 'scenarios'), join(dir, 'scenarios'), { recursive: true }); // what a clone has
mkdirSync(join(dir, 'runs'));

interface Result { status: number | null; stdout: string; stderr: string }
let slots = 2;
const waiting: (() => void)[] = [];
async function sim(args: string[]): Promise<Result> {
  while (slots === 0) await new Promise<void>((r) => waiting.push(r));
  slots--;
  try {
    return await new Promise((resolve) => {
      // as npx runs it: the file itself, through its launcher line, which execs the node first on PATH (this one)
      const p = spawn(BIN, args, { cwd: dir, env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` } });
      let stdout = '', stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => p.kill('SIGKILL'), TIMEOUT - 10_000);
      p.on('error', (e) => (stderr += e.message));
      p.on('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
    });
  } finally {
    slots++;
    waiting.shift()?.();
  }
}

// A `cp` step waits for every command before it, so a command that needs the
// copy passes only if the README shows the copy first.
const results = new Map<SimCommand, Promise<Result>>();
const PY_RUN = 'runs/docs-python';
const PY_SEED = '7';
const pyRun = sim(['--trials', String(CAP), '--seed', PY_SEED, '--format', 'arrow,parquet', '--quiet', '--out', PY_RUN]);
const ordered = (async () => {
  for (const s of steps) {
    if (s.kind === 'sim' && readsRuns(s.cmd.args)) await Promise.all(results.values()); // the runs it reads are written first
    if (s.kind === 'sim') { results.set(s.cmd, sim(capped(s.cmd.args))); continue; }
    await Promise.all(results.values());
    const [src, dst] = s.words.slice(1);
    if (s.words.length !== 3 || !existsSync(join(dir, src))) throw new Error(`README step '${s.words.join(' ')}' cannot run here`);
    cpSync(join(dir, src), join(dir, dst));
  }
})();
ordered.catch(() => {}); // reported by every command's test, which awaits it

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- what a run prints: the README's sample output -------------------------

const HEADER = (trials: number, seed: string) => new RegExp(`^Write-down risk over \\d+ months · ${trials.toLocaleString('en-US')} trials · seed ${seed} · `, 'm');
const tableLabels = (lines: string[]) => {
  const start = lines.findIndex((l) => l.startsWith('──'));
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim().split(/\s+/)[0]);
};
const squash = (l: string) => l.trim().replace(/\s+/g, ' ');

function checkSample(sample: string[], stdout: string, cmd: SimCommand): void {
  const out = stdout.split('\n');
  // the sample's own header must have the shape checked for every run
  expect(sample[0]).toMatch(HEADER(num(optionValue(cmd.args, '--trials') ?? tableDefault('--trials')!), optionValue(cmd.args, '--seed') ?? tableDefault('--seed')!));
  expect(tableLabels(out), 'rows of the risk table').toEqual(tableLabels(sample));
  for (const line of sample.slice(1)) {
    const written = /^Run written to \S+ (\(.*\))$/.exec(line);
    if (written) expect(out.some((l) => l.startsWith('Run written to ') && l.endsWith(written[1])), line).toBe(true);
    else if (/^\s+\S+ ~ \S+:/.test(line)) expect(stdout).toContain(line.slice(0, line.indexOf(':') + 1));
    // a rule under the column heads: as many columns (widths follow the labels and figures)
    else if (/^[─ ]+─$/.test(line)) {
      const nth = sample.filter((l) => /^[─ ]+─$/.test(l)).indexOf(line);
      expect(out.filter((l) => /^[─ ]+─$/.test(l))[nth]?.trim().split(/\s+/).length, line).toBe(line.trim().split(/\s+/).length);
    }
    // text without figures (headings, column heads, notes) appears as written
    else if (line.trim() && !line.includes('█') && !line.split(/\s+/).some((w) => /^[$+−-]?\d/.test(w))) {
      expect(out.map(squash), line).toContain(squash(line));
    }
  }
}

describe('README commands', () => {
  it('every command in a sh block or sample output is run here or deliberately not run', () => {
    expect(uncovered).toEqual([]);
    expect(sims.size).toBeGreaterThan(0);
  });

  it('the sample output is a command the README runs', () => {
    expect([...sims.values()].some((c) => c.sample)).toBe(true);
  });

  for (const cmd of sims.values()) {
    it(`${cmd.text}  (README.md:${cmd.where.join(', ')})`, async () => {
      await ordered;
      const r = await results.get(cmd)!;
      expect(r.status, `${capped(cmd.args).join(' ')}\n${r.stderr}`).toBe(cmd.exit);
      if (cmd.exit !== 0) return;
      if (readsRuns(cmd.args)) {
        const page = cmd.args[0] === 'report' ? join(cmd.args[1], 'report.html') : (optionValue(cmd.args, '--out') ?? 'compare.html');
        expect(statSync(resolvePath(dir, page)).size, page).toBeGreaterThan(0);
        return;
      }
      if (isHelp(cmd.args)) {
        for (const o of tableOptions) expect(r.stdout, o).toContain(o);
        expect(tableOptions.length).toBeGreaterThan(10);
        return;
      }
      if (cmd.args.includes('--shard')) {
        expect(existsSync(join(dir, optionValue(cmd.args, '--out')!, 'shard.json')), r.stdout).toBe(true);
        return;
      }
      if (!isRun(cmd.args)) {
        expect(r.stdout.trim(), r.stderr).not.toBe(''); // what these print is tested with each command
        return;
      }
      const args = capped(cmd.args);
      const trials = num(optionValue(args, '--trials')!);
      const seed = optionValue(args, '--seed') ?? tableDefault('--seed')!;
      const out = optionValue(args, '--out');
      const quiet = args.includes('--quiet');
      const printed = quiet ? r.stdout.trim() : /^Run written to (\S+) \(/m.exec(r.stdout)?.[1];
      if (!quiet) expect(r.stdout).toMatch(HEADER(trials, seed));
      if (out) expect(printed).toBe(out);
      else expect(printed).toMatch(new RegExp(`^runs/\\d{8}-\\d{6}-s${seed}-[0-9a-f]+$`)); // runs/<UTC time>-s<seed>-<id>
      const runDir = resolvePath(dir, printed!);
      expect(statSync(runDir).isDirectory()).toBe(true);
      const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8'));
      expect(manifest.trials).toBe(trials);
      expect(String(manifest.seed)).toBe(seed);
      const workers = optionValue(args, '--workers');
      if (workers) expect(manifest.workers).toBe(num(workers));
      if (cmd.sample) checkSample(cmd.sample, r.stdout, cmd);
    }, TIMEOUT);
  }
});

// ---- Python snippets --------------------------------------------------------

/** Does a printed number equal `value` to the precision it was printed with? */
function printedAs(text: string, value: number): boolean {
  return [...text.matchAll(/-?\d+(?:\.(\d+))?(?:e([+-]?\d+))?/gi)].some(([t, frac = '', exp = '0']) => {
    const unit = 10 ** (num(exp) - frac.length);
    return Math.abs(Number(t) - value) <= Math.max(unit / 2, 1e-9 * Math.abs(value));
  });
}

// Top-level expression statements other than print(...) / .show() print
// nothing when the snippet runs as a script (only a REPL echoes them).
const SILENT_LINES = `
import ast, sys
for s in ast.parse(open(sys.argv[1]).read()).body:
    if isinstance(s, ast.Expr):
        f = s.value.func if isinstance(s.value, ast.Call) else None
        if not (isinstance(f, ast.Name) and f.id == 'print' or isinstance(f, ast.Attribute) and f.attr == 'show'):
            print(f"line {s.lineno}: {ast.unparse(s)}")
`;

function python(args: string[]): Promise<Result> {
  const py = process.env.SIM_DOCS_PYTHON;
  if (!py) throw new Error(process.env.SIM_DOCS_PYTHON_ERROR ?? 'SIM_DOCS_PYTHON is not set: run through vitest.config.ts (globalSetup test/setup/python-env.ts)');
  return new Promise((resolve) => {
    const p = spawn(py, args, { cwd: dir });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => (stderr += e.message));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const snippets = blocks.filter((b) => b.lang === 'python');

describe('README Python snippets', () => {
  it('there are snippets, and each names its run as runs/<run>', () => {
    expect(snippets.length).toBeGreaterThan(0);
    for (const s of snippets) expect(s.lines.join('\n')).toContain('runs/<run>');
  });

  snippets.forEach((b, k) => {
    it(`README.md:${b.line}`, async () => {
      const code = b.lines.join('\n').replaceAll('runs/<run>', PY_RUN);
      const file = join(dir, `snippet-${k}.py`);
      writeFileSync(file, `${code}\n`);
      const silent = await python(['-c', SILENT_LINES, file]);
      expect(silent.status, silent.stderr).toBe(0);
      expect(silent.stdout, 'snippet lines that print nothing when run as a script').toBe('');

      expect((await pyRun).status).toBe(0);
      const r = await python([file]);
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(dir, PY_RUN, 'summary.json'), 'utf8'));
      const p95 = summary.columns['portfolio.writedown'].p95;
      // what the snippets' comments promise, checked where a snippet does it
      if (code.includes('metadata[b"seed"]')) expect(r.stdout).toContain(`b'${PY_SEED}' ${CAP}`);
      if (/pl\.col\("portfolio\.writedown"\)\.quantile\(0\.95/.test(code)) expect(printedAs(/shape:[\s\S]*?└/.exec(r.stdout)?.[0] ?? '', p95), `polars P95 = summary.json p95 ${p95}`).toBe(true);
      if (code.includes('["h100.writedown"].describe()')) {
        const d = r.stdout.slice(r.stdout.lastIndexOf('count'));
        expect(printedAs(/^count.*$/m.exec(d)![0], CAP)).toBe(true);
        expect(printedAs(/^mean.*$/m.exec(d)![0], summary.columns['h100.writedown'].mean)).toBe(true);
      }
      if (code.includes('duckdb.sql')) {
        expect(r.stdout).toMatch(/p95.*five_vs_six/);
        expect(printedAs(r.stdout, p95), `DuckDB p95 = summary.json p95 ${p95}`).toBe(true);
        expect(printedAs(r.stdout, summary.policy_differences['h100@five-year.writedown_vs_own'].mean)).toBe(true);
      }
    }, TIMEOUT);
  });
});

// ---- figures the README states about the default scenario's run -----------

describe('README figures', () => {
  it('column, input and summary counts match a run of the default scenario', async () => {
    expect((await pyRun).status).toBe(0);
    const run = join(dir, PY_RUN);
    const trials = tableFromIPC(readFileSync(join(run, 'trials.arrow')));
    const fields = trials.schema.fields.filter((f) => f.name !== 'trial');
    const inputs = fields.filter((f) => f.metadata.get('role') === 'input').length;
    const summaryRows = tableFromIPC(readFileSync(join(run, 'summary.arrow'))).numRows;
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    const comparisons = Object.keys(summary.policy_differences).length;

    expect(stated(/`trials\.arrow`: `trial` and ([\d,]+) float64 columns/)).toEqual([fields.length]);
    expect(fields.every((f) => String(f.type) === 'Float64')).toBe(true);
    expect(stated(/drops the ([\d,]+) inputs/)).toEqual([inputs]);
    expect(stated(/ranks of ([\d,]+) inputs/)).toEqual([inputs]);
    expect(stated(/keeps `trial` and ([\d,]+) columns/)).toEqual([fields.filter((f) => f.name.startsWith('portfolio')).length]);
    expect(summaryRows).toBe(fields.length + comparisons);
  }, TIMEOUT);
});

// ---- the scenario keys "Writing a scenario" describes ----------------------

describe('README "Writing a scenario"', () => {
  const section = /^### Writing a scenario\n([\s\S]*?)^###? /m.exec(README)?.[1] ?? '';
  /** The keys the validation allows where `raw` puts an unknown one, read from its message (the validation is the reference). */
  const allowed = (raw: unknown): string[] => {
    try {
      resolveScenario(raw, 'probe.yaml');
    } catch (e) {
      const m = /allowed here: (.*)$/.exec((e as Error).message);
      if (m) return m[1].split(', ');
      throw e;
    }
    throw new Error('the probe scenario was accepted');
  };
  const asset = (kind: string) => ({ assets: [{ name: 'a', kind, probe: 1 }] });

  it.each([
    ['a scenario', allowed({ assets: [], probe: 1 })],
    ['a hardware cohort', allowed(asset('hardware'))],
    ['a model', allowed(asset('model'))],
    ['a policy', allowed({ assets: [], policies: { p: { method: 'straight-line', usefulLifeMonths: 60, probe: 1 } } })],
    ['the distributions', Object.keys(families)],
    ['the book methods', [...METHODS]],
  ])('names every key of %s that sim accepts', (_, keys) => {
    expect(keys.length).toBeGreaterThan(1);
    expect(keys.filter((k) => !section.includes(`\`${k}\``) && !section.includes(`dist: ${k}`))).toEqual([]);
  });
});
