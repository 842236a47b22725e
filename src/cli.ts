import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { DEFAULT_SCENARIO } from './scenario/load.ts';
import { DEFAULT_CHUNK_SIZE } from './sampling/chunk-plan.ts';
import { InputError } from './errors.ts';
import { run } from './run.ts';
import { riskTable } from './output/report.ts';
import { VERSION } from './version.ts';
import type { Format } from './output/write-run.ts';
import { SAMPLERS, type SamplerKind } from './sampling/sample-chunk.ts';

export const DEFAULT_SEED = '1';
export const DEFAULT_TRIALS = 100_000;

const integer = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got '${v}'.`);
  }
  return n;
};

const seedArg = (v: string) => {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v)) throw new InvalidArgumentError(`--seed must be 1–64 letters, digits, '.', '_' or '-', got '${v}'.`);
  return v;
};

const formatsArg = (v: string): Format[] => {
  const list = v.split(',').map((f) => f.trim());
  const bad = list.find((f) => f !== 'arrow' && f !== 'parquet');
  if (bad !== undefined || list.length === 0) throw new InvalidArgumentError(`--format takes arrow, parquet or arrow,parquet, got '${v}'.`);
  return [...new Set(list)] as Format[];
};

const fraction = (v: string) => {
  const p = Number(v);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError(`--precision must be a number between 0 and 1 (e.g. 0.01), got '${v}'.`);
  return p;
};

function runOptions(cmd: Command): Command {
  return cmd
    .option('--trials <n>', 'number of trials', integer('--trials', 1, 2_000_000_000), DEFAULT_TRIALS)
    .option('--seed <s>', 'random seed; with --chunk-size it fixes every number of the run', seedArg, DEFAULT_SEED)
    .addOption(new Option('--workers <w>', 'worker threads (results do not depend on it)').argParser(integer('--workers', 1, 256)).default(availableParallelism(), 'available cores'))
    .option('--chunk-size <c>', 'trials per chunk (part of the reproducibility key)', integer('--chunk-size', 1, 1_000_000), DEFAULT_CHUNK_SIZE)
    .option('--out <dir>', 'run directory to create (new or empty); default runs/<time>-s<seed>-<id>')
    .addOption(new Option('--set <path=value>', 'what-if without editing the file: set a scenario key, e.g. h100.priceCompression.mode=0.5 (repeatable; checked like the file)').argParser((v: string, prev: string[]) => [...prev, v]).default([], 'none'))
    .addOption(new Option('--sampler <kind>', 'how inputs are drawn: random, lhs (Latin hypercube) or sobol (scrambled quasi-random)').choices(SAMPLERS).default('random'))
    .option('--repair-correlations', 'replace rank correlations that cannot hold together by the nearest valid set (Higham), and print it', false)
    .option('--precision <p>', 'add trials until the 95 % CIs of P95 and mean of portfolio.writedown are within ±p (relative), e.g. 0.01', fraction)
    .option('--max-trials <n>', 'with --precision: stop here at the latest', integer('--max-trials', 1, 100_000_000), 1_000_000)
    .option('--path-sample <k>', 'trials whose monthly C, V, M paths feed paths.arrow (all when fewer)', integer('--path-sample', 1, 1_000_000), 10_000)
    .option('--columns <list>', "per-trial columns in the trials file: all, inputs, outputs, or names and '*' patterns, comma-separated (summaries always cover every column)", 'all')
    .addOption(new Option('--store <kind>', 'where columns live during the run: memory, spill (a file per column; bounded memory) or auto (spill above 4 GiB)').choices(['auto', 'memory', 'spill']).default('auto'))
    .addOption(new Option('--format <list>', 'file formats of every table: arrow, parquet or both (comma-separated)').argParser(formatsArg).default(['arrow'], 'arrow'))
    .option('--quiet', 'print only the run directory', false)
    .option('--debug', 'show stack traces on errors', false);
}

interface Opts {
  trials: number;
  seed: string;
  workers: number;
  chunkSize: number;
  out?: string;
  format: Format[];
  precision?: number;
  maxTrials: number;
  pathSample: number;
  sampler: SamplerKind;
  repairCorrelations: boolean;
  columns: string;
  set: string[];
  store: 'auto' | 'memory' | 'spill';
  quiet: boolean;
  debug: boolean;
}

async function execute(scenarioFile: string, o: Opts): Promise<void> {
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143); // second Ctrl-C: leave now
    abort.abort(new Interrupted(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const bar = !o.quiet && process.stderr.isTTY
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'trials {bar} {percentage}% | {value}/{total} | eta {eta_formatted}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(o.trials, 0);
  try {
    const r = await run({
      scenarioFile, trials: o.trials, seed: o.seed, workers: o.workers, chunkSize: o.chunkSize, out: o.out, formats: o.format, precision: o.precision, maxTrials: o.maxTrials, pathSample: o.pathSample, sampler: o.sampler, repairCorrelations: o.repairCorrelations, columns: o.columns, store: o.store, overrides: o.set,
      command: process.argv.slice(1), signal: abort.signal, onProgress: bar ? (done, total) => (bar.setTotal(total), bar.update(done)) : undefined,
    });
    bar?.stop();
    for (const w of r.manifest.warnings) console.error(`sim: warning: ${w}`);
    if (o.quiet) console.log(r.dir);
    else console.log(`${riskTable(r)}\n\nRun written to ${relative(process.cwd(), r.dir) || '.'} (${r.manifest.files.join(', ')})`);
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; no run directory was written`);
  }
}

/**
 * `sim [run] [scenario] [options]`: `run` is the default command, so a bare
 * `sim` runs the built-in scenario. Options are declared once, on the
 * command they belong to; `normalizeArgs` lets them stand anywhere.
 */
export function buildProgram(): Command {
  const program = new Command('sim')
    .description('Monte Carlo write-down risk of AI assets (hardware cohorts and trained models).\nWithout a command, runs the built-in default scenario.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const runCmd = runOptions(program.command('run', { isDefault: true }).description('run a scenario file (YAML or JSON; format in MODEL.md); the built-in default without one'))
    .addArgument(new Argument('[scenario]', 'scenario file').default(DEFAULT_SCENARIO, 'the built-in scenarios/default.yaml'))
    .action((file: string, o: Opts) => execute(file, o));
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

/** Exit codes: 0 done, 1 engine failure, 2 bad input or usage, 130/143 interrupted. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const program = buildProgram();
    await program.parseAsync([...argv.slice(0, 2), ...normalizeArgs(program, argv.slice(2))]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander has printed the message
    if (e instanceof Interrupted) {
      console.error(`sim: ${e.message}`);
      return e.signal === 'SIGINT' ? 130 : 143;
    }
    if (e instanceof InputError) {
      console.error(`sim: ${debug ? e.stack : e.message}`);
      return 2;
    }
    console.error(`sim: ${debug ? (e as Error).stack : (e as Error).message ?? e}`);
    return 1;
  }
}
