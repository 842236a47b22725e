import { availableParallelism, totalmem } from 'node:os';
import { InputError } from './errors.ts';
import { quote } from './scenario/limits.ts';
import type { Plan } from './plan.ts';
import type { Format } from './output/write-run.ts';
import { DEFAULT_CHUNK_SIZE } from './sampling/chunk-plan.ts';
import type { SamplerKind } from './sampling/sample-chunk.ts';
import { SOBOL_MAX_DIMENSIONS } from './sampling/sobol.ts';

/** Where the columns live during a run: memory, spill (one sparse file for all columns), or auto (spill above STORE_BUDGET). */
export type StoreKind = 'auto' | 'memory' | 'spill';

/** Every setting of a run. The CLI and `run()` both take their defaults from RUN_DEFAULTS. */
export interface RunConfig {
  trials: number;
  /** with chunkSize, fixes every number of the run */
  seed: string;
  /** worker threads; results do not depend on it */
  workers: number;
  /** trials per chunk: part of the reproducibility key */
  chunkSize: number;
  /** how inputs are drawn */
  sampler: SamplerKind;
  /** stop when the 95 % CIs of P95 and mean of portfolio.writedown are within ±precision (relative), or at maxTrials; undefined: run exactly `trials` */
  precision: number | undefined;
  /** with precision: stop here at the latest */
  maxTrials: number;
  /** trials whose monthly paths feed paths.arrow (all when fewer) */
  pathSample: number;
  /** per-trial columns to write (selectColumns syntax) */
  columns: string;
  store: StoreKind;
  /** file formats of every table */
  formats: Format[];
  /** `--set PATH=VALUE` what-ifs applied to the scenario file before validation */
  overrides: string[];
  /** replace impossible rank correlations by the nearest valid set (reported in the manifest) */
  repairCorrelations: boolean;
  /** write report.html (`--no-report`: skip it) */
  report: boolean;
}

/** The defaults of every run setting. */
export const RUN_DEFAULTS: Readonly<RunConfig> = Object.freeze<RunConfig>({
  trials: 100_000,
  seed: '1',
  workers: availableParallelism(),
  chunkSize: DEFAULT_CHUNK_SIZE,
  sampler: 'random',
  precision: undefined,
  maxTrials: 1_000_000,
  pathSample: 10_000,
  columns: 'all',
  store: 'auto',
  formats: ['arrow'],
  overrides: [],
  repairCorrelations: false,
  report: true,
});

/** Inclusive ranges of the whole-number settings, checked by the CLI's parsers and by `run()` alike. */
export const WHOLE_NUMBER_RANGES = {
  trials: [1, 2_000_000_000],
  workers: [1, 256],
  chunkSize: [1, 1_000_000],
  maxTrials: [1, 100_000_000],
  pathSample: [1, 1_000_000],
} as const satisfies Partial<Record<keyof RunConfig, readonly [number, number]>>;
export type WholeNumberSetting = keyof typeof WHOLE_NUMBER_RANGES;

/**
 * Why a seed is refused, or null: it names the default run directory, so it is a short plain word.
 *
 * @param seed the seed
 * @returns the complaint, or null
 */
export function seedProblem(seed: string): string | null {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(seed) ? null : `--seed must be 1–64 letters, digits, '.', '_' or '-', got '${quote(seed)}'.`;
}

/**
 * Why a precision is refused, or null.
 *
 * @param p the relative half-width asked for
 * @returns the complaint, or null
 */
export function precisionProblem(p: number | string): string | null {
  const x = Number(p);
  return x > 0 && x < 1 ? null : `--precision must be a number between 0 and 1 (e.g. 0.01), got '${quote(String(p))}'.`;
}

/** Bytes in a GiB. */
export const GIB = 2 ** 30;

/** Largest table built whole in memory (a Parquet trials table): 4 GiB. */
export const MEMORY_BUDGET = 4 * GIB;

/**
 * The memory this process may use: the machine's, or less where a cgroup
 * limits it (a Kubernetes pod's or a Slurm job's memory limit), which
 * `process.constrainedMemory()` reports.
 *
 * @returns bytes
 * @example availableMemory() // 25276502016 on a 23.5 GiB machine with no limit
 */
export function availableMemory(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 && limit < totalmem() ? limit : totalmem();
}

/**
 * Largest column store kept in memory by `--store auto`: a quarter of the
 * memory this process may use, at least MEMORY_BUDGET. Spilling costs a 1,000,000-trial
 * default run (5.4 GB of columns) about 8 s, so a machine with room keeps it
 * in memory: 5.9 GiB with 23.5 GiB, while 16 GiB keeps 4 GiB. Where the columns live never changes a number.
 */
export const STORE_BUDGET = Math.max(MEMORY_BUDGET, Math.floor(availableMemory() / 4));

/** What a caller of `run()` gives: any settings (the rest default), the scenario and what is not a setting. */
export interface RunRequest extends Partial<RunConfig> {
  scenarioFile: string;
  /** run directory; default runs/<timestamp>-s<seed>-<run id> */
  out?: string;
  /** the command line, for the manifest */
  command?: string[];
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * The option a setting is given by on the command line, for messages; a
 * switch that is on by default is turned off by `--no-<name>`.
 *
 * @param key a RunConfig key
 * @returns its flag
 * @example flag('chunkSize') // '--chunk-size'; flag('report') // '--no-report'
 */
export function flag(key: keyof RunConfig): string {
  return `--${RUN_DEFAULTS[key] === true ? 'no-' : ''}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Why a whole-number setting is out of range, or null when it is fine.
 *
 * @param key the setting
 * @param v its value (a number, or the text given on the command line)
 * @returns the complaint, or null
 */
export function wholeNumberProblem(key: WholeNumberSetting, v: number | string): string | null {
  const [min, max] = WHOLE_NUMBER_RANGES[key];
  const n = Number(v);
  const ok = (typeof v === 'number' || /^\d+$/.test(v.trim())) && Number.isSafeInteger(n) && n >= min && n <= max;
  return ok ? null : `${flag(key)} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got '${quote(String(v))}'.`;
}

/**
 * Every setting of a run: the request's where given (undefined counts as not
 * given), the default elsewhere; refuses settings out of range.
 *
 * @param req settings, possibly with other keys (ignored)
 * @returns the full configuration
 * @throws InputError naming the first setting out of range
 * @example runConfig({ precision: 0.01 }).maxTrials // 1_000_000
 */
export function runConfig(req: Partial<RunConfig>): RunConfig {
  const config: RunConfig = { ...RUN_DEFAULTS, formats: [...RUN_DEFAULTS.formats], overrides: [...RUN_DEFAULTS.overrides] };
  for (const key of Object.keys(RUN_DEFAULTS) as (keyof RunConfig)[]) assign(config, key, req[key]);
  const problems = [
    ...(Object.keys(WHOLE_NUMBER_RANGES) as WholeNumberSetting[]).map((key) => wholeNumberProblem(key, config[key])),
    seedProblem(config.seed),
    config.precision === undefined ? null : precisionProblem(config.precision),
  ];
  const problem = problems.find((p) => p !== null);
  if (problem) throw new InputError(problem);
  if (config.sampler === 'lhs' && config.precision !== undefined) throw new InputError('--sampler lhs stratifies a fixed number of trials and cannot grow with --precision; use random or sobol');
  return config;
}

function assign<K extends keyof RunConfig>(config: RunConfig, key: K, value: RunConfig[K] | undefined): void {
  if (value !== undefined) config[key] = value;
}

/** Most chunks a run plans: each is an object in the plan and a record batch in trials.arrow. */
export const MAX_CHUNKS = 2 ** 24;

/**
 * Refuse, before anything runs, a configuration the scenario's plan cannot
 * meet: at most MAX_CHUNKS chunks, and the Sobol sampler has direction
 * numbers for SOBOL_MAX_DIMENSIONS uncertain inputs.
 *
 * @param config the run's settings
 * @param plan the scenario's plan
 * @throws InputError naming the limit
 */
export function checkPlanLimits(config: RunConfig, plan: Plan): void {
  const chunks = Math.ceil(capacity(config) / config.chunkSize);
  if (chunks > MAX_CHUNKS) {
    throw new InputError(`--trials ${config.trials.toLocaleString('en-US')} in chunks of ${config.chunkSize.toLocaleString('en-US')} makes ${chunks.toLocaleString('en-US')} chunks, above the ${MAX_CHUNKS.toLocaleString('en-US')} a run plans; use a larger --chunk-size`);
  }
  const uncertain = plan.sensitivity.inputs.length;
  if (config.sampler === 'sobol' && uncertain > SOBOL_MAX_DIMENSIONS) {
    const n = (x: number) => x.toLocaleString('en-US');
    throw new InputError(`--sampler sobol draws at most ${n(SOBOL_MAX_DIMENSIONS)} uncertain inputs (its Joe–Kuo direction numbers), but this scenario has ${n(uncertain)}; use --sampler random or lhs`);
  }
}

/**
 * Worker threads beyond the machine's cores only add memory and contention
 * (64 workers on 2 cores took 10× as long and 2.8 GB), and results do not
 * depend on their number, so a larger request is capped with a note.
 *
 * @param requested the --workers setting
 * @param cores the cores available to this process
 * @returns the threads to start, and the note when fewer than requested
 * @example cappedWorkers(64, 2) // { workers: 2, note: '--workers 64 is more than the 2 cores here; using 2 (results do not depend on it)' }
 */
export function cappedWorkers(requested: number, cores = availableParallelism()): { workers: number; note: string | null } {
  if (requested <= cores) return { workers: requested, note: null };
  return { workers: cores, note: `--workers ${requested} is more than the ${cores} core${cores === 1 ? '' : 's'} here; using ${cores} (results do not depend on it)` };
}

/**
 * How many trials the columns must hold: `trials`, or with precision the most
 * the run may reach, `maxTrials` (a larger `trials` starts there and adds none).
 *
 * @param config the run's settings
 * @returns trials of room in every column
 */
export function capacity(config: RunConfig): number {
  return config.precision === undefined ? config.trials : config.maxTrials;
}

/**
 * Where the columns live: `auto` keeps them in memory up to STORE_BUDGET.
 *
 * @param kind the setting
 * @param bytes what the run's columns take
 * @returns memory or spill
 */
export function chooseStore(kind: StoreKind, bytes: number): 'memory' | 'spill' {
  if (kind !== 'auto') return kind;
  return bytes <= STORE_BUDGET ? 'memory' : 'spill';
}
