import { relative } from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { DEFAULT_SCENARIO, loadScenario } from './scenario/load.ts';
import { describePresets, PRESETS, scenarioFileOf } from './scenario/presets.ts';
import { checkScenario } from './check/check.ts';
import { formatCheck } from './check/format.ts';
import { MAX_CALIBRATION_TRIALS } from './scenario/resolve.ts';
import { VALUATIONS, type Valuation } from './scenario/types.ts';
import { InputError } from './errors.ts';
import { RunDir } from './output/run-dir.ts';
import { quote } from './scenario/limits.ts';
import { setPath } from './scenario/overrides.ts';
import { run, type RunOutcome } from './run.ts';
import { merge } from './shard/merge.ts';
import { runShard } from './shard/run-shard.ts';
import { parseShard } from './shard/spec.ts';
import { whenNpmEnds } from './npm-parent.ts';
import { GIB, STORE_BUDGET, precisionProblem, RUN_DEFAULTS, seedProblem, wholeNumberProblem, type RunConfig, type WholeNumberSetting } from './run-config.ts';
import { riskTable } from './output/report.ts';
import { SOURCE, VERSION } from './version.ts';
import type { Format } from './output/write-run.ts';
import { SAMPLERS } from './sampling/sample-chunk.ts';
import { writeRunReport } from './report/build.ts';
import { writeComparison } from './report/compare.ts';

/** A commander parser that refuses what `problem` complains about, with the same message run() would give. */
const checked = <T>(parse: (v: string) => T, problem: (v: string) => string | null) => (v: string): T => {
  const p = problem(v);
  if (p) throw new InvalidArgumentError(p);
  return parse(v);
};
const integer = (key: WholeNumberSetting) => checked(Number, (v) => wholeNumberProblem(key, v));
const seedArg = checked(String, seedProblem);
const fraction = checked(Number, precisionProblem);

const formatsArg = (v: string): Format[] => {
  const list = v.split(',').map((f) => f.trim());
  const bad = list.find((f) => f !== 'arrow' && f !== 'parquet');
  if (bad !== undefined || list.length === 0) throw new InvalidArgumentError(`--format takes arrow, parquet or arrow,parquet, got '${quote(v)}'.`);
  return [...new Set(list)] as Format[];
};

/** Options `sim run`, `sim merge` and `sim check` share, declared once so they read the same wherever they appear. */
const SHARED = {
  out: () => new Option('--out <dir>', 'run directory to create (new or empty); default runs/<time>-s<seed>-<id>'),
  workers: (what: string) => new Option('--workers <w>', what).argParser(integer('workers')).default(RUN_DEFAULTS.workers, 'available cores'),
  store: () => new Option('--store <kind>', `where columns live during the run: memory, spill (one file on disk; bounded memory) or auto (spill above a quarter of the memory this process may use, at least 4 GiB: ${(STORE_BUDGET / GIB).toFixed(1)} GiB here)`).choices(['auto', 'memory', 'spill']).default(RUN_DEFAULTS.store),
  quiet: () => new Option('--quiet', 'print only the run directory').default(false),
  debug: () => new Option('--debug', 'show stack traces on errors').default(false),
};

/** The run options, each defaulting to RUN_DEFAULTS. */
function runOptions(cmd: Command): Command {
  const d = RUN_DEFAULTS;
  return cmd
    .option('--trials <n>', 'number of trials', integer('trials'), d.trials)
    .option('--seed <s>', 'random seed; with --chunk-size it fixes every number of the run', seedArg, d.seed)
    .addOption(SHARED.workers('worker threads (results do not depend on it)'))
    .option('--chunk-size <c>', 'trials per chunk (part of the reproducibility key)', integer('chunkSize'), d.chunkSize)
    .addOption(SHARED.out())
    .addOption(new Option('--valuation <kind>', 'recoverable amounts from what the holder can observe (expected, least-squares Monte Carlo) or with foresight of each trial (pathwise); default: the scenario\'s, else expected').choices(VALUATIONS))
    .option('--calibration-trials <n>', 'expected valuation: trials that fit the regressions (scenario key calibrationTrials, default 32768)', (v: string) => {
      const n = Number(v);
      if (!/^\d+$/.test(v.trim()) || n < 16 || n > MAX_CALIBRATION_TRIALS) throw new InvalidArgumentError(`--calibration-trials must be a whole number from 16 to ${MAX_CALIBRATION_TRIALS.toLocaleString('en-US')}, got '${quote(v)}'.`);
      return n;
    })
    .addOption(new Option('--set <path=value>', 'what-if without editing the file: set a scenario key, e.g. h100.priceCompression.mode=0.2 (repeatable; checked like the file)').argParser((v: string, prev: string[]) => [...prev, v]).default(d.overrides, 'none'))
    .addOption(new Option('--sampler <kind>', 'how inputs are drawn: random, lhs (Latin hypercube) or sobol (scrambled quasi-random)').choices(SAMPLERS).default(d.sampler))
    .option('--repair-correlations', 'replace rank correlations that cannot hold together by the nearest valid set (Higham), and print it', d.repairCorrelations)
    .option('--precision <p>', 'add trials until the 95 % CIs of P95 and mean of portfolio.writedown are within ±p (relative), e.g. 0.01', fraction)
    .option('--max-trials <n>', 'with --precision: stop here at the latest', integer('maxTrials'), d.maxTrials)
    .option('--path-sample <k>', 'trials whose monthly C, V, M paths feed paths.arrow (all when fewer)', integer('pathSample'), d.pathSample)
    .option('--columns <list>', "per-trial columns in the trials file: all, inputs, outputs, or names and '*' patterns, comma-separated (summaries always cover every column)", d.columns)
    .addOption(SHARED.store())
    .addOption(new Option('--format <list>', 'file formats of every table: arrow, parquet or both (comma-separated)').argParser(formatsArg).default(d.formats, d.formats.join(',')))
    .option('--shard <i/n>', 'run only shard i of n (from 0) into the --out shard directory, for `sim merge`; auto: i and n from Slurm, Kubernetes or AWS Batch (README "Running on a cluster")')
    .option('--no-report', 'do not write report.html (sim report RUN_DIR writes it later)', d.report)
    .addOption(SHARED.quiet())
    .addOption(SHARED.debug());
}

/** What commander parses: the run settings (`--format` and `--set` under their flag names), and the CLI's own. */
interface Opts extends Omit<RunConfig, 'formats' | 'overrides'> {
  out?: string;
  format: Format[];
  set: string[];
  valuation?: Valuation;
  calibrationTrials?: number;
  shard?: string;
  quiet: boolean;
  debug: boolean;
}

/**
 * --valuation and --calibration-trials set scenario keys: as --set does,
 * before any --set. A --set of the same key is refused here, where the
 * option the user typed is still known.
 */
function scenarioFlags(o: Opts): string[] {
  const given = [
    { flag: '--valuation', key: 'valuation', value: o.valuation },
    { flag: '--calibration-trials', key: 'calibrationTrials', value: o.calibrationTrials },
  ].filter((f) => f.value !== undefined);
  for (const { flag, key, value } of given) {
    const set = o.set.find((t) => setPath(t) === key);
    if (set !== undefined) throw new InputError(`${flag} ${value} and --set ${quote(set)} both set ${key}; give it once`);
  }
  return given.map(({ key, value }) => `${key}=${value}`);
}

/**
 * Run `work` with Ctrl-C and SIGTERM wired to its abort signal (a second one
 * leaves at once) and, on a terminal, a progress bar.
 */
async function interruptible<T>(quiet: boolean, total: number, work: (signal: AbortSignal, onProgress?: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      // second Ctrl-C: leave now, but not leave the half-written run behind
      RunDir.discardAllNow();
      process.exit(interruptedExit(sig));
    }
    abort.abort(new Interrupted(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const unwatch = whenNpmEnds(() => onSignal('SIGTERM'));
  const bar = !quiet && process.stderr.isTTY
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'trials {bar} {percentage}% | {value}/{total} | eta {eta_formatted}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(total, 0);
  try {
    return await work(abort.signal, bar
      ? (done, all) => {
          bar.setTotal(all);
          bar.update(done);
        }
      : undefined);
  } finally {
    unwatch();
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A finished run (or merge) as the terminal shows it: warnings once on stderr, then the tables or, with --quiet, the directory. */
function printRun(r: RunOutcome, quiet: boolean, scenario: string): void {
  for (const w of r.manifest.warnings) console.error(`sim: warning: ${w}`);
  for (const w of r.manifest.check.warnings) console.error(`sim: check: ${w}`);
  if (r.manifest.check.warnings.length) console.error(`sim: check: details with \`${checkCommand(scenario, r.manifest)}\``);
  if (quiet) console.log(r.dir);
  else console.log(`${riskTable(r)}\n\nRun written to ${relative(process.cwd(), r.dir) || '.'} (${r.manifest.files.join(', ')})`);
}

/**
 * The `sim check` that shows a run's check in full: the scenario with the
 * run's what-ifs and, when not the default, its seed (the check's trials
 * come from it), each word quoted for a POSIX shell where it needs it.
 *
 * @example checkCommand('default', { overrides: ['b200.rentalPrice={dist: uniform, min: 2, max: 4}'], seed: '1' }) // "sim check default --set 'b200.rentalPrice={dist: uniform, min: 2, max: 4}'"
 */
export function checkCommand(scenario: string, m: { overrides: readonly string[]; seed: string }): string {
  // a value that starts with '-' would read as an option: the seed goes after '=', a path after './'
  const words = [scenario.startsWith('-') ? `./${scenario}` : scenario, ...m.overrides.flatMap((o) => ['--set', o]), ...(m.seed === RUN_DEFAULTS.seed ? [] : [`--seed=${m.seed}`])];
  return ['sim', 'check', ...words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`))].join(' ');
}

async function execute(scenarioArg: string, o: Opts): Promise<void> {
  const scenarioFile = scenarioFileOf(scenarioArg);
  const shard = o.shard === undefined ? undefined : parseShard(o.shard, process.env);
  // run() takes the RunConfig keys of `o` and ignores the CLI's own (quiet, debug, format, set, shard)
  const req = { ...o, formats: o.format, overrides: [...scenarioFlags(o), ...o.set], scenarioFile, command: process.argv.slice(1), shard: undefined };
  if (shard) {
    const { dir, manifest: m, warnings } = await interruptible(o.quiet, o.trials, (signal, onProgress) => runShard({ ...req, shard, signal, onProgress }));
    for (const w of warnings) console.error(`sim: warning: ${w}`);
    if (o.quiet) console.log(dir);
    else {
      const share = m.count ? `trials ${m.first.toLocaleString('en-US')}–${(m.first + m.count - 1).toLocaleString('en-US')} (chunks ${m.chunks[0]}–${m.chunks[1] - 1})` : 'no trials (fewer chunks than shards)';
      console.log(`Shard ${m.index} of ${m.key.shards}: ${share} written to ${relative(process.cwd(), dir) || '.'}; merge all ${m.key.shards} with \`sim merge\``);
    }
    return;
  }
  printRun(await interruptible(o.quiet, o.trials, (signal, onProgress) => run({ ...req, signal, onProgress })), o.quiet, scenarioArg);
}

/** Exit codes: 0 done, 1 engine failure, 2 bad input or usage, 128 + signal number when interrupted. */
const EXIT = { done: 0, failure: 1, input: 2, SIGINT: 130, SIGTERM: 143 } as const;
const interruptedExit = (sig: NodeJS.Signals) => (sig === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM);

/** A run stopped by SIGINT or SIGTERM. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; no run directory was written`);
  }
}

/**
 * `sim [run] [scenario] [options]`: `run` is the default command, so a bare
 * `sim` runs the built-in scenario. Options are declared once, on the
 * command they belong to; `normalizeArgs` lets them stand anywhere.
 *
 * @returns the commander program, which throws instead of exiting
 */
export function buildProgram(): Command {
  const program = new Command('sim')
    .description('Monte Carlo write-down risk of AI assets (hardware cohorts and trained models).\nWithout a command, runs the built-in default scenario.')
    // the source hash too: what a run's manifest records, and what sim merge requires of shards
    .version(`${VERSION} (source ${SOURCE})`)
    .exitOverride()
    // main() prints commander's errors, as one line like every other error
    .configureOutput({ outputError: () => {} });
  const runCmd = runOptions(program.command('run', { isDefault: true }).description('run a scenario file (YAML or JSON; format in MODEL.md) or a built-in one by name; the default without one'))
    .addArgument(new Argument('[scenario]', `scenario file, or a built-in: ${PRESETS.join(', ')}`).default(DEFAULT_SCENARIO, 'the built-in scenarios/default.yaml'))
    .action((file: string, o: Opts) => execute(file, o));
  program.command('check').description('check that a scenario\'s inputs agree with each other and with the figures they cite (README "Checking a scenario"); exit 0 even with warnings')
    .addArgument(new Argument('[scenario]', `scenario file, or a built-in: ${PRESETS.join(', ')}`).default(DEFAULT_SCENARIO, 'the built-in scenarios/default.yaml'))
    .option('--seed <s>', 'random seed (the check draws from the stream "<seed>:check")', seedArg, RUN_DEFAULTS.seed)
    .addOption(new Option('--set <path=value>', 'check a what-if: set a scenario key (repeatable), as for run').argParser((v: string, prev: string[]) => [...prev, v]).default([], 'none'))
    .option('--json', 'print the report as JSON: every check with its figures, and the warnings per asset and for the scenario', false)
    .addOption(SHARED.debug())
    .action((arg: string, o: { seed: string; set: string[]; json: boolean }) => {
      const file = scenarioFileOf(arg);
      const shown = file === arg ? relative(process.cwd(), file) || file : `${arg} (${relative(process.cwd(), file)})`;
      const report = checkScenario(loadScenario(file, { overrides: o.set }), shown, o.seed);
      console.log(o.json ? JSON.stringify(report, null, 2) : formatCheck(report));
    });
  program.command('merge').description('merge the shard directories of a split run into the run directory one machine would have written (README "Running on a cluster")')
    .argument('<shards...>', 'shard directories, every index from 0 to n − 1 once')
    .addOption(SHARED.out())
    .addOption(SHARED.workers('worker threads for the summaries (results do not depend on it)'))
    .addOption(SHARED.store())
    .addOption(SHARED.quiet())
    .addOption(SHARED.debug())
    .action(async (shards: string[], o: { out?: string; workers: number; store: RunConfig['store']; quiet: boolean }) => {
      const r = await interruptible(o.quiet, 0, (signal) => merge({ shards, out: o.out, workers: o.workers, store: o.store, signal, command: process.argv.slice(1) }));
      printRun(r, o.quiet, r.manifest.scenario_file);
    });
  program.command('scenarios').description('list the built-in scenarios, one line each: what it assumes')
    .action(() => {
      const rows = describePresets();
      const w = Math.max(...rows.map(([name]) => name.length));
      for (const [name, what, file] of rows) console.log(`${name.padEnd(w)}  ${what}  (${relative(process.cwd(), file)})`);
      });
  program.command('report').description('(re)build report.html of a run directory from its files alone')
    .argument('<run-dir>', 'a run directory')
    .action(async (dir: string) => {
      const r = await writeRunReport(dir);
      for (const line of r.leftOut) console.error(`sim: warning: ${line}`);
      console.log(relative(process.cwd(), r.path));
    });
  program.command('compare').description('one page setting runs side by side, with paired per-trial differences when they share draws')
    .argument('<run-dirs...>', 'two or more run directories (the first is the baseline)')
    .option('--out <file>', 'the page to write', 'compare.html')
    .action(async (dirs: string[], o: { out: string }) => {
      if (dirs.length < 2) throw new InputError(`sim compare needs two or more run directories, got ${dirs.length}`);
      const r = await writeComparison(dirs, o.out);
      for (const line of r.notes) console.log(line);
      console.log(`Comparison written to ${relative(process.cwd(), r.path)}`);
    });
  program.addHelpText('after', () => `\n${runCmd.helpInformation()}`);
  return program;
}

/** Options that may be given more than once (each adds a value). */
const REPEATABLE = new Set(['--set']);

/**
 * Put a subcommand named after some options first (`sim --seed 5 run x.yaml`),
 * so options mean the same wherever they stand, and refuse what commander
 * would take silently: an option that needs a value followed by another
 * option (`--seed --quiet`), and a single-valued option given twice.
 *
 * @param program from buildProgram
 * @param args the arguments after `node sim`
 * @returns the arguments, the subcommand first
 * @throws InputError for a missing value or a repeated option
 */
export function normalizeArgs(program: Command, args: string[]): string[] {
  const commands = new Map(program.commands.map((c) => [c.name(), c]));
  const options = new Map<string, Option>();
  for (const c of [program, ...program.commands]) for (const o of c.options) if (o.long) options.set(o.long, o);
  const seen = new Map<string, string>();
  let command = -1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (!a.startsWith('--')) {
      if (command < 0 && commands.has(a)) command = i;
      continue;
    }
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const o = options.get(name);
    if (!o) continue; // commander names unknown options itself
    let value = inline;
    if (o.required && inline === undefined) {
      value = args[i + 1];
      if (value !== undefined && /^-[-A-Za-z]/.test(value)) throw new InputError(`${name} needs a value, but the next argument is the option '${value}'`);
      i++;
    }
    if (!REPEATABLE.has(name) && seen.has(name)) throw new InputError(`${name} given twice (${seen.get(name)} and ${value ?? 'again'}); give it once`);
    seen.set(name, value ?? 'set');
  }
  return command > 0 ? [args[command], ...args.slice(0, command), ...args.slice(command + 1)] : args;
}

/**
 * A commander usage error as one line: its 'error: ' prefix dropped, the
 * value it echoes quoted as our own messages quote input, the help hint last.
 *
 * @example usageLine("error: unknown option '--bogus'") // "unknown option '--bogus' (run with --help for usage)"
 */
export function usageLine(message: string): string {
  const m = message.replace(/^error: /, '').replace(/(argument|value) '([\s\S]*)' is invalid/, (_, what: string, v: string) => `${what} '${quote(v)}' is invalid`);
  return `${m.split('\n').join(' ')} (run with --help for usage)`;
}

/**
 * The command line: parse, run, report errors in one line.
 *
 * @param argv process.argv
 * @returns the exit code (EXIT)
 */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const program = buildProgram();
    await program.parseAsync([...argv.slice(0, 2), ...normalizeArgs(program, argv.slice(2))]);
    return EXIT.done;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.done; // --help, --version
      console.error(`sim: ${usageLine(e.message)}`);
      return EXIT.input;
    }
    if (e instanceof Interrupted) {
      console.error(`sim: ${e.message}`);
      return interruptedExit(e.signal);
    }
    if (e instanceof InputError) {
      console.error(`sim: ${debug ? e.stack : e.message}`);
      return EXIT.input;
    }
    const message = e instanceof Error ? e.message : String(e);
    console.error(`sim: ${debug && e instanceof Error ? e.stack : message}`);
    return EXIT.failure;
  }
}
