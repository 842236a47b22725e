import { rmSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { loadScenario } from './scenario/load.ts';
import type { CheckReport } from './check/check.ts';
import { checkTrialsBytes } from './check/trials.ts';
import type { Scenario } from './scenario/types.ts';
import { buildPlan, type Plan } from './plan.ts';
import { Coordinator, memoryNeeds } from './coordinator.ts';
import { simulateTrials, type Convergence } from './convergence.ts';
import { planChunks, type Chunk } from './sampling/chunk-plan.ts';
import type { Summary } from './stats/summarize.ts';
import { defaultRunPath, RunDir } from './output/run-dir.ts';
import { trialsWriter, writeJson, writePaths, writeSensitivity, writeSummaries, writeTrials, type TrialsWriter } from './output/write-run.ts';
import { buildSensitivity, type SensitivityTable } from './output/sensitivity-table.ts';
import { SAMPLER_DESCRIPTIONS, type SamplerKind } from './sampling/sample-chunk.ts';
import { capacity, cappedWorkers, checkPlanLimits, chooseStore, RUN_DEFAULTS, runConfig, type RunConfig, type RunRequest } from './run-config.ts';
import { quote } from './scenario/limits.ts';
import { setPath } from './scenario/overrides.ts';
import { JSON_FILES, TABLES } from './schema.ts';
import { VALUATION_FILE, valuationFile } from './valuation/file.ts';
import type { Calibration } from './valuation/calibrate.ts';
import type { Valuation } from './scenario/types.ts';
import { selectColumns } from './output/select-columns.ts';
import { rankCorrelation } from './stats/ranks.ts';
import { checkResources, diskNeeds } from './resources.ts';
import { SOURCE, VERSION } from './version.ts';
import { scenarioCitations } from './scenario/citations.ts';
import { readScenarioFile } from './scenario/read-file.ts';
import { REPORT_FILE, writeRunReport } from './report/build.ts';

export type { RunRequest } from './run-config.ts';

/** What a finished run returns: where it is, what it ran, and its results. */
export interface RunOutcome {
  dir: string;
  scenario: Scenario;
  plan: Plan;
  summaries: Map<string, Summary>;
  sensitivity: SensitivityTable;
  manifest: Manifest;
}

/** manifest.json: everything needed to reproduce and audit a run. */
export interface Manifest {
  engine: 'sim';
  version: string;
  /** the hash of the engine's sources (src/version.ts SOURCE): which code wrote the run, where version does not change with it */
  source: string;
  run_id: string;
  created_at: string;
  command: string[];
  scenario_file: string;
  scenario_hash: string;
  /** --set PATH=VALUE what-ifs applied to scenario_file (scenario.json holds the result) */
  overrides: string[];
  seed: string;
  sampler: string;
  /** what decides each trial's draws: runs with equal sampler, seed, chunk_size and trials draw the same numbers for every input name they share (random, lhs), or for identical input lists (sobol) */
  draws: Draws;
  /** rank correlation asked for and achieved, per correlated pair */
  correlations: { a: string; b: string; target: number; achieved: number }[];
  /** pairs changed by --repair-correlations: asked for and used */
  correlation_repair: { a: string; b: string; asked: number; repaired: number }[];
  warnings: string[];
  /** `sim check` of the scenario, run beside the trials (`sim merge`: before them): its draws' stream and its warnings (src/check) */
  check: { stream: string; trials: number; warnings: string[] };
  /** per uncertain input, the figure the scenario file cites beside it (its YAML comment) */
  citations: Record<string, string>;
  trials: number;
  convergence?: Convergence;
  chunk_size: number;
  chunks: number;
  /** how many shards `sim merge` put together, when it did */
  shards?: number;
  /** trials whose monthly paths feed paths.arrow */
  path_sample: number;
  /** the --columns selection of the trials file */
  columns: string;
  workers: number;
  /** where the columns lived: memory or spill */
  store: 'memory' | 'spill';
  node: string;
  platform: string;
  /** seconds. load: reading and resolving the scenario (`sim merge`: and checking it; a run checks it in a worker beside the chunks, in no phase here); calibrate: the expected valuation's regressions (wall); sample and simulate: worker-seconds summed over chunks; simulate_wall: wall time of the pool phase after calibration;
   * aggregate (summaries, in the workers) and write (files, in the main thread) overlap and are both measured from the end of simulation; a run of fixed length (no --precision) streams trials.arrow during the simulation, so write holds only what remains of it */
  timings: { load: number; calibrate: number; sample: number; simulate: number; simulate_wall: number; aggregate: number; write: number; total: number };
  /** peak resident memory of the process (all threads), MB */
  peak_rss_mb: number;
  /** CPU time of the process (all threads) up to the manifest, seconds: against timings.total, how busy the cores were */
  cpu_seconds: { user: number; system: number };
  files: string[];
  valuation: ValuationSummary;
  caveat: string;
}

/** manifest.draws: the key of every uniform a run drew, so `sim compare` can tell whether two runs share draws. */
export interface Draws {
  sampler: SamplerKind;
  /** how a uniform stream is keyed: per input column name (random, lhs) or per dimension index (sobol) */
  keyed_by: 'seed, chunk, input name' | 'seed, dimension';
  seed: string;
  chunk_size: number;
  trials: number;
  /** the uncertain inputs, in column order */
  inputs: string[];
}

/** The model's one known bias, printed with every result. */
export const PATHWISE_CAVEAT =
  'Recoverable amounts are pathwise (each trial knows its own future), which biases recoverable amounts up and write-downs down: read write-downs as lower bounds.';

/** What the expected valuation assumes and how it errs, printed with every expected run. */
export const EXPECTED_CAVEAT =
  "Recoverable amounts use only what the holder can observe at each month (expected valuation, least-squares Monte Carlo): a cohort's fitted exit rule is a feasible one, so its values lean low by its fitting error; R² of every fit in valuation.json.";

/** The valuation a run used, its calibration and, per asset, what foresight would add to V[0] (mean over the calibration trials). */
export interface ValuationSummary {
  valuation: Valuation;
  calibration_trials?: number;
  assets?: Record<string, { pathwise_v0_mean: number; expected_v0_mean: number; foresight_premium: number; r2_min: number; r2_max: number }>;
}

/**
 * The valuation a run reports (manifest, summary.json) and the content of its valuation.json, from its calibration.
 *
 * @param plan the run's plan
 * @param seed the run's seed
 * @param calibrations per asset, from the coordinator; null under pathwise
 * @returns the summary, and the valuation.json document (null under pathwise)
 */
export function valuationOf(plan: Plan, seed: string, calibrations: Calibration[] | null): { valuation: ValuationSummary; valuationDoc: unknown } {
  return { valuation: valuationSummary(plan, calibrations), valuationDoc: calibrations && valuationFile(plan, seed, calibrations.map((c) => c.months)) };
}

function valuationSummary(plan: Plan, calibrations: Calibration[] | null): ValuationSummary {
  if (!calibrations) return { valuation: plan.valuation };
  return {
    valuation: plan.valuation,
    calibration_trials: plan.calibrationTrials,
    assets: Object.fromEntries(plan.assets.map((a, i) => {
      const { months, foresight } = calibrations[i];
      const r2 = months.map((m) => m.r2);
      return [a.name, { pathwise_v0_mean: foresight.pathwiseV0, expected_v0_mean: foresight.expectedV0, foresight_premium: foresight.pathwiseV0 - foresight.expectedV0, r2_min: Math.min(...r2), r2_max: Math.max(...r2) }];
    })),
  };
}

/** What every run reads and checks before anything is created: settings, scenario, plan, limits; and the coherence check, which runs once the pool starts. */
export interface Prepared {
  t0: number;
  config: RunConfig;
  /** notes for the manifest's warnings (a capped --workers) */
  notes: string[];
  scenario: Scenario;
  plan: Plan;
  /** the coherence check's report; a run's is a worker's task, settled by the time its files are written */
  check: CheckReport | Promise<CheckReport>;
  selected: number[];
  scenarioHash: string;
  repaired: Manifest['correlation_repair'];
  /** the figure each input cites in the scenario file, read with it */
  citations: Record<string, string>;
}

/** A run prepared but not yet checked for coherence (see run()). */
export type Unchecked = Omit<Prepared, 'check'>;

/**
 * Settle a run's settings and read its scenario: nothing is created, and
 * every refusal (InputError) comes from here or from the destination.
 *
 * @param req the scenario file and any settings
 * @returns what the run needs but the coherence check, which warns and never refuses
 */
export function prepare(req: RunRequest): Unchecked {
  const t0 = performance.now();
  const config = runConfig(req);
  const { workers, note } = cappedWorkers(config.workers);
  config.workers = workers;
  let repaired: Manifest['correlation_repair'] = [];
  // read once: the scenario and the citations beside its inputs come from the same text
  const text = readScenarioFile(req.scenarioFile);
  const scenario = loadScenario(req.scenarioFile, { text, overrides: config.overrides, repairCorrelations: config.repairCorrelations, onRepair: (rows) => (repaired = rows) });
  const plan = buildPlan(scenario);
  checkPlanLimits(config, plan);
  const selected = selectColumns(config.columns, plan.columns);
  const citations = scenarioCitations(req.scenarioFile, text, config.overrides);
  const notes = [...(note ? [note] : []), ...idleOptions(config, plan), ...scenarioNotes(plan)];
  return { t0, config, notes, scenario, plan, selected, scenarioHash: scenarioHashOf(scenario), repaired, citations };
}

/**
 * Options given that this run has no use for, or that another overrules:
 * said rather than dropped in silence.
 *
 * @param config the run's settings
 * @param plan the scenario's plan
 * @returns a note for each
 */
function idleOptions(config: RunConfig, plan: Plan): string[] {
  const notes: string[] = [];
  if (config.precision === undefined && config.maxTrials !== RUN_DEFAULTS.maxTrials) notes.push(`--max-trials ${config.maxTrials.toLocaleString('en-US')} has no effect without --precision; ran the ${config.trials.toLocaleString('en-US')} --trials asked for`);
  if (config.precision !== undefined && config.trials > config.maxTrials) notes.push(`--trials ${config.trials.toLocaleString('en-US')} is above --max-trials ${config.maxTrials.toLocaleString('en-US')}: the run starts at --max-trials and adds none`);
  const calibration = config.overrides.find((o) => setPath(o) === 'calibrationTrials');
  if (plan.valuation === 'pathwise' && calibration !== undefined) notes.push(`${quote(calibration)} has no effect under the pathwise valuation, which fits no regressions`);
  return notes;
}

/** Below this, the expected valuation's regressions of up to 21 functions over-fit visibly (README "What the holder knows"). */
export const FEW_CALIBRATION_TRIALS = 4096;

/**
 * Warnings a run's scenario earns whatever machine runs it, so that a merged
 * run records the same ones as the run on one machine: fits on few
 * calibration trials.
 *
 * @param plan the run's plan
 * @returns the warnings, none for most runs
 */
export function scenarioNotes(plan: Plan): string[] {
  if (plan.valuation !== 'expected' || plan.calibrationTrials >= FEW_CALIBRATION_TRIALS) return [];
  return [`${plan.calibrationTrials.toLocaleString('en-US')} calibration trials over-fit the expected valuation's regressions (up to 21 functions a month): recoverable amounts and write-downs move with them; use ${FEW_CALIBRATION_TRIALS.toLocaleString('en-US')} or more (default 32,768)`];
}

/**
 * The hash that names a resolved scenario in the manifest, the files' metadata and a shard's key.
 *
 * @example scenarioHashOf(scenario) // '9f2c…' (64 hex digits)
 */
export function scenarioHashOf(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
}

/**
 * Check that the run fits this machine's disk and memory, then start the pool.
 *
 * @param p the prepared run
 * @param dir where it writes
 * @param out the --out given, for messages
 * @param o the trials the store holds (`capacity`), and for a shard the run's trials and its first; `checking`: the coherence check runs beside the pool, so its trials count too; `shard`: it writes a shard directory, not a run's files; `command`: whose options the refusals advise (checkResources)
 * @returns the coordinator, the store kind and the spill directory
 */
export function startPool(p: Unchecked, dir: RunDir, out: string, o: { capacity: number; trials?: number; first?: number; checking?: boolean; shard?: boolean; command?: 'run' | 'merge' }): { coordinator: Coordinator; store: 'memory' | 'spill'; spillDir: string } {
  const { plan, config } = p;
  const storeBytes = o.capacity * (plan.columns.length + plan.sensitivity.inputs.length) * Float64Array.BYTES_PER_ELEMENT;
  const store = chooseStore(config.store, storeBytes);
  // config.trials is what was asked; the pool's run size is the store's, or a shard's whole run
  const pool = { capacity: o.capacity, trials: o.trials ?? o.capacity, first: o.first ?? 0 };
  const { paths, perWorker } = memoryNeeds(plan, { ...config, ...pool });
  checkResources({ out, dir: dir.tmp, store, storeBytes, trialsBytes: o.capacity * (p.selected.length + 1) * Float64Array.BYTES_PER_ELEMENT, formats: config.formats, files: diskNeeds(p, o), paths, workers: config.workers * perWorker, check: o.checking ? checkTrialsBytes(plan) : 0, sensitivity: { outputs: plan.sensitivity.outputs.length, inputs: plan.sensitivity.inputs.length }, command: o.command });
  const spillDir = dir.file('.columns');
  return { coordinator: new Coordinator(plan, { ...config, ...pool, store, spillDir }), store, spillDir };
}

/**
 * scenario → plan → pool → summaries → files. Nothing is created before the
 * settings, the scenario, its limits and the destination check out; the run
 * directory appears only when every file is written.
 *
 * @param req the scenario file and any settings (the rest from RUN_DEFAULTS)
 * @returns the run directory, the scenario and plan, summaries by column name, the sensitivity table and the manifest
 * @throws InputError (ScenarioError for the scenario file) for anything refused before the run
 */
export async function run(req: RunRequest): Promise<RunOutcome> {
  const unchecked = prepare(req);
  const { config, plan } = unchecked;
  const runId = randomUUID();
  const dir = RunDir.prepare(req.out ?? defaultRunPath(config.seed, runId));
  return withPool(dir, req.signal, async (own) => {
    const room = capacity(config);
    const started = startPool(unchecked, dir, req.out ?? dir.path, { capacity: room, checking: true });
    const coordinator = own(started.coordinator);
    const t1 = performance.now();
    let done = 0;
    const watch = plan.columns.findIndex((c) => c.name === 'portfolio.writedown');
    // the expected valuation's regressions come first: every chunk uses them
    const tc = performance.now();
    const calibrating = plan.valuation === 'expected' ? coordinator.calibrate() : null;
    // a worker checks the scenario while the others calibrate or start on the chunks, which need none of it (the check only warns); asked after calibrate(), it waits for a worker the calibration frees
    const checked = coordinator.check(unchecked.scenario, req.scenarioFile);
    checked.catch(() => {}); // awaited in finish(); its failure has cancelled the run by then
    const calibrations = await calibrating;
    const ts = performance.now();
    // a run of known length plans its chunks once (a million of them take a garbage collector's while) and writes trials.arrow as they finish: the disk works while the cores simulate
    const known = config.precision === undefined ? planChunks(config.trials, config.chunkSize) : undefined;
    const trials = known && config.formats.includes('arrow')
      ? trialsWriter(dir, plan, coordinator.store, unchecked.selected, known, tableMetadata({ ...unchecked, runId }, config.trials), coordinator.signal, (e) => coordinator.cancel(e))
      : undefined;
    const { n, chunks, times, convergence } = await simulateTrials(coordinator, {
      ...config, watch, chunks: known,
      onChunk: (c) => {
        done += c.count;
        trials?.chunkDone(c);
        req.onProgress?.(done, room);
      },
    });
    return finish({ ...unchecked, check: checked, ...started, dir, runId, n, chunks, ...valuationOf(plan, config.seed, calibrations), times, convergence, clock: { t1, tc, ts, t2: performance.now() }, scenarioFile: req.scenarioFile, command: req.command ?? [], signal: req.signal, trials });
  });
}

/**
 * Run `body`, which starts a pool writing into `dir`: a signal cancels the
 * pool; on any failure the pool stops before the temporary directory goes, so
 * nothing is left half-written.
 *
 * @param dir the run (or shard) directory being written
 * @param signal Ctrl-C and SIGTERM
 * @param body the work; it hands its coordinator to `own` as soon as it has one
 * @returns what body returns
 */
export async function withPool<T>(dir: RunDir, signal: AbortSignal | undefined, body: (own: (c: Coordinator) => Coordinator) => Promise<T>): Promise<T> {
  let coordinator: Coordinator | undefined;
  const cancel = () => coordinator?.cancel(signal!.reason);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    signal?.throwIfAborted();
    return await body((c) => (coordinator = c));
  } catch (e) {
    await coordinator?.close(); // first: workers may still write into the temporary directory
    await dir.discard();
    throw e;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/** A run whose trials are in its coordinator's store: what finish() needs to summarise and write it. */
export interface Simulated extends Prepared {
  dir: RunDir;
  runId: string;
  coordinator: Coordinator;
  store: 'memory' | 'spill';
  spillDir: string;
  /** trials run */
  n: number;
  chunks: Chunk[];
  valuation: ValuationSummary;
  /** the content of valuation.json (expected valuation), else null */
  valuationDoc: unknown;
  /** worker-seconds spent sampling and simulating */
  times: { sample: number; simulate: number };
  convergence?: Convergence;
  /** performance.now() when the destination was ready and the pool started (t1), calibration began (tc), chunks began (ts) and ended (t2) */
  clock: { t1: number; tc: number; ts: number; t2: number };
  scenarioFile: string;
  command: string[];
  signal?: AbortSignal;
  /** shards merged into this run, if it was merged */
  shards?: number;
  /** the writer that streamed trials.arrow while the chunks ran (a run of fixed length), if any */
  trials?: TrialsWriter;
}

/**
 * Summaries, sensitivity and paths in the workers while this thread writes
 * the trials, then every other file and the manifest; commits the directory.
 * A whole run and a merge of shards both end here, so their files agree.
 *
 * @param r the simulated run
 * @returns the run's outcome
 */
export async function finish(r: Simulated): Promise<RunOutcome> {
  const { dir, plan, scenario, config, coordinator: c, n, chunks, valuation, valuationDoc, signal } = r;
  const { sampler, seed, chunkSize, formats } = config;
  const metadata = tableMetadata(r, n);
  const { caveat } = metadata;
  // summaries and ranks run in the workers while this thread finishes the trials file from the same shared columns
  let t3 = 0;
  // both settle before going on, so nothing still writes into the directory when a failure or a signal removes it
  const [stats, written] = await Promise.allSettled([
    Promise.all([c.summarize(n), c.sensitivity(n), c.paths(n)]).then((x) => {
      t3 = performance.now();
      return x;
    }),
    writeTrials(dir, plan, c.store, r.selected, chunks, n, metadata, formats, c.signal, r.trials).catch((e) => {
      c.cancel(e);
      throw e;
    }),
  ]);
  if (stats.status === 'rejected') throw stats.reason;
  if (written.status === 'rejected') throw written.reason;
  const [summaries, rho, bands] = stats.value;
  // between the steps below, each up to a second or two of this thread for thousands of assets: a turn of the event loop lets Ctrl-C in
  const checkpoint = async () => {
    await new Promise(setImmediate);
    signal?.throwIfAborted();
  };
  await checkpoint();
  await writeSummaries(dir, plan, summaries, metadata, formats, valuation);
  await checkpoint();
  const build = buildSensitivity(plan, rho);
  let step;
  while (!(step = build.next()).done) await checkpoint();
  const sensitivity = step.value;
  await checkpoint();
  await writeSensitivity(dir, sensitivity, metadata, formats, checkpoint);
  await checkpoint();
  const achieved = plan.correlations.map(([a, b, target]) => {
    const slot = (name: string) => plan.sensitivity.inputs.findIndex((j) => plan.columns[j].name === name);
    const ranks = (name: string) => c.rankStore.read(slot(name), 0, n);
    return { a, b, target, achieved: rankCorrelation(ranks(a), ranks(b), n) };
  });
  const warnings = [
    ...r.notes,
    ...(sampler === 'sobol' && (n & (n - 1)) !== 0 ? [`Sobol points balance best at a power of two; ${n.toLocaleString('en-US')} trials is not one (try ${(2 ** Math.round(Math.log2(n))).toLocaleString('en-US')})`] : []),
  ];
  await writePaths(dir, plan.H, bands, Math.min(c.pathK, n), metadata, formats);
  await checkpoint();
  writeJson(dir.file('scenario.json'), scenario);
  if (valuationDoc) writeJson(dir.file(VALUATION_FILE), valuationDoc);
  const check = await r.check;
  const t5 = performance.now();
  const { t1, tc, ts, t2 } = r.clock;
  const manifest: Manifest = {
    engine: 'sim',
    version: VERSION,
    source: SOURCE,
    run_id: r.runId,
    created_at: new Date().toISOString(),
    command: r.command,
    scenario_file: r.scenarioFile,
    scenario_hash: r.scenarioHash,
    overrides: config.overrides,
    seed,
    sampler: SAMPLER_DESCRIPTIONS[sampler],
    draws: {
      sampler, keyed_by: sampler === 'sobol' ? 'seed, dimension' : 'seed, chunk, input name', seed, chunk_size: chunkSize, trials: n,
      inputs: plan.sensitivity.inputs.map((j) => plan.columns[j].name),
    },
    correlations: achieved,
    correlation_repair: r.repaired,
    warnings,
    check: { stream: `${seed}:check`, trials: check.trials, warnings: check.warnings },
    citations: r.citations,
    trials: n,
    ...(r.convergence && { convergence: r.convergence }),
    chunk_size: chunkSize,
    chunks: chunks.length,
    ...(r.shards && { shards: r.shards }),
    path_sample: Math.min(c.pathK, n),
    columns: config.columns,
    workers: config.workers,
    store: r.store,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    timings: {
      load: s(t1 - r.t0),
      calibrate: s(ts - tc),
      sample: r.times.sample,
      simulate: r.times.simulate,
      simulate_wall: s(t2 - ts),
      aggregate: s(t3 - t2),
      write: s(t5 - t2),
      total: s(performance.now() - r.t0),
    },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / KIB_PER_MIB), // maxRSS is in KiB
    cpu_seconds: cpuSeconds(),
    valuation,
    files: [...formats.flatMap((f) => TABLES.map((t) => `${t}.${f}`)), ...JSON_FILES, ...(valuationDoc ? [VALUATION_FILE] : []), ...(config.report ? [REPORT_FILE] : [])],
    caveat,
  };
  writeJson(dir.file('manifest.json'), manifest);
  await checkpoint();
  await c.close();
  rmSync(r.spillDir, { recursive: true, force: true });
  // from the files just written, as `sim report` would: the page shows what the run directory holds
  if (config.report) await writeRunReport(dir.tmp, checkpoint);
  await checkpoint();
  dir.commit();
  const byName = [...plan.columns.map((x) => x.name), ...plan.comparisons.map((x) => x.name)];
  return { dir: dir.path, scenario, plan, summaries: new Map(byName.map((name, j) => [name, summaries[j]])), sensitivity, manifest };
}

const MS_PER_S = 1000;
const KIB_PER_MIB = 1024;

/** The process's CPU time so far (every thread), in seconds to the millisecond. */
function cpuSeconds(): Manifest['cpu_seconds'] {
  const { user, system } = process.cpuUsage();
  return { user: Math.round(user / 1000) / MS_PER_S, system: Math.round(system / 1000) / MS_PER_S };
}

/**
 * The key-value metadata of every table a run writes: what identifies the run and how to read it.
 *
 * @param r the run (its id, settings, scenario and plan)
 * @param n trials run
 * @returns the metadata, all strings (Arrow's rule)
 */
function tableMetadata(r: Pick<Simulated, 'runId' | 'config' | 'scenarioHash' | 'scenario' | 'plan'>, n: number): Record<string, string> {
  return {
    run_id: r.runId,
    engine: 'sim',
    engine_version: VERSION,
    engine_source: SOURCE,
    seed: r.config.seed,
    sampler: SAMPLER_DESCRIPTIONS[r.config.sampler],
    chunk_size: String(r.config.chunkSize),
    trials: String(n),
    scenario_hash: r.scenarioHash,
    standard: r.scenario.standard,
    valuation: r.plan.valuation,
    caveat: r.plan.valuation === 'expected' ? EXPECTED_CAVEAT : PATHWISE_CAVEAT,
  };
}

/** Milliseconds as seconds, to the millisecond. */
const s = (ms: number) => Math.round(ms) / MS_PER_S;
