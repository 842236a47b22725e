import { rmSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { loadScenario } from './scenario/load.ts';
import type { Scenario } from './scenario/types.ts';
import { buildPlan, type Plan } from './plan.ts';
import { Coordinator } from './coordinator.ts';
import { simulateTrials, type Convergence } from './convergence.ts';
import type { Summary } from './stats/summarize.ts';
import { defaultRunPath, RunDir } from './output/run-dir.ts';
import { sensitivityRows, writeJson, writePaths, writeSensitivity, writeSummaries, writeTrials, type Format, type SensitivityRow } from './output/write-run.ts';
import { SAMPLER_DESCRIPTIONS, type SamplerKind } from './sampling/sample-chunk.ts';
import { InputError } from './errors.ts';
import { selectColumns } from './output/select-columns.ts';
import { rankCorrelation } from './stats/ranks.ts';
import { VERSION } from './version.ts';

export interface RunRequest {
  scenarioFile: string;
  trials: number;
  seed: string;
  workers: number;
  chunkSize: number;
  /** run directory; default runs/<timestamp>-s<seed>-<run id> */
  out?: string;
  /** stop when the 95 % CIs of P95 and mean of portfolio.writedown are within ±precision (relative), or at maxTrials */
  precision?: number;
  maxTrials?: number;
  /** how inputs are drawn (default random) */
  sampler?: SamplerKind;
  /** replace impossible rank correlations by the nearest valid set (reported in the manifest) */
  repairCorrelations?: boolean;
  /** trials whose monthly paths feed paths.arrow (default 10,000; all when fewer) */
  pathSample?: number;
  /** per-trial columns to write (selectColumns syntax; default all) */
  columns?: string;
  /** where the columns live during the run: memory, spill (one file per column), or auto (spill above MEMORY_BUDGET) */
  store?: 'auto' | 'memory' | 'spill';
  /** file formats of every table (default arrow) */
  formats?: Format[];
  /** `--set PATH=VALUE` what-ifs applied to the scenario file before validation */
  overrides?: string[];
  /** the command line, for the manifest */
  command?: string[];
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RunOutcome {
  dir: string;
  scenario: Scenario;
  plan: Plan;
  summaries: Map<string, Summary>;
  sensitivity: SensitivityRow[];
  manifest: Manifest;
}

export interface Manifest {
  engine: 'sim';
  version: string;
  run_id: string;
  created_at: string;
  command: string[];
  scenario_file: string;
  scenario_hash: string;
  /** --set PATH=VALUE what-ifs applied to scenario_file (scenario.json holds the result) */
  overrides: string[];
  seed: string;
  sampler: string;
  /** rank correlation asked for and achieved, per correlated pair */
  correlations: { a: string; b: string; target: number; achieved: number }[];
  /** pairs changed by --repair-correlations: asked for and used */
  correlation_repair: { a: string; b: string; asked: number; repaired: number }[];
  warnings: string[];
  trials: number;
  convergence?: Convergence;
  chunk_size: number;
  chunks: number;
  /** trials whose monthly paths feed paths.arrow */
  path_sample: number;
  /** the --columns selection of the trials file */
  columns: string;
  workers: number;
  /** where the columns lived: memory or spill */
  store: 'memory' | 'spill';
  node: string;
  platform: string;
  /** seconds. sample and simulate: worker-seconds summed over chunks; simulate_wall: wall time of the pool phase;
   * aggregate (summaries, in the workers) and write (files, in the main thread) overlap and are both measured from the end of simulation */
  timings: { load: number; sample: number; simulate: number; simulate_wall: number; aggregate: number; write: number; total: number };
  /** peak resident memory of the process (all threads), MB */
  peak_rss_mb: number;
  files: string[];
  caveat: string;
}

export const DEFAULT_PATH_SAMPLE = 10_000;

/** Largest column store kept in memory by `--store auto`: 4 GiB (a 1,000,000-trial default run needs 2.8 GB). */
export const MEMORY_BUDGET = 4 * 2 ** 30;

function chooseStore(kind: 'auto' | 'memory' | 'spill', bytes: number): 'memory' | 'spill' {
  return kind === 'auto' ? (bytes <= MEMORY_BUDGET ? 'memory' : 'spill') : kind;
}

export const PATHWISE_CAVEAT =
  'Recoverable amounts are pathwise (each trial knows its own future), which biases recoverable amounts up and write-downs down: read write-downs as lower bounds.';

/**
 * scenario → plan → pool → summaries → files. Nothing is created before the
 * scenario and destination check out; the run directory appears only when
 * every file is written.
 */
export async function run(req: RunRequest): Promise<RunOutcome> {
  const t0 = performance.now();
  const sampler = req.sampler ?? 'random';
  if (sampler === 'lhs' && req.precision !== undefined) throw new InputError('--sampler lhs stratifies a fixed number of trials and cannot grow with --precision; use random or sobol');
  let repaired: Manifest['correlation_repair'] = [];
  const scenario = loadScenario(req.scenarioFile, { overrides: req.overrides, repairCorrelations: req.repairCorrelations, onRepair: (rows) => (repaired = rows) });
  const plan = buildPlan(scenario);
  const selected = selectColumns(req.columns ?? 'all', plan.columns);
  const scenarioHash = createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
  const runId = randomUUID();
  const dir = RunDir.prepare(req.out ?? defaultRunPath(req.seed, runId));
  const t1 = performance.now();
  let coordinator: Coordinator | undefined;
  const cancel = () => coordinator?.cancel(req.signal!.reason);
  req.signal?.addEventListener('abort', cancel, { once: true });
  try {
    req.signal?.throwIfAborted();
    const capacity = req.precision === undefined ? req.trials : Math.max(req.maxTrials!, req.trials);
    const store = chooseStore(req.store ?? 'auto', capacity * (plan.columns.length + plan.sensitivity.inputs.length) * 8);
    const spillDir = dir.file('.columns');
    coordinator = new Coordinator(plan, { seed: req.seed, sampler, workers: req.workers, chunkSize: req.chunkSize, capacity, pathSample: req.pathSample ?? DEFAULT_PATH_SAMPLE, store, spillDir });
    let done = 0;
    const watch = plan.columns.findIndex((c) => c.name === 'portfolio.writedown');
    const { n, chunks, times, convergence } = await simulateTrials(coordinator, {
      trials: Math.min(req.trials, capacity), chunkSize: req.chunkSize, precision: req.precision, maxTrials: req.maxTrials, watch,
      onChunk: (c) => req.onProgress?.((done += c.count), capacity),
    });
    const t2 = performance.now();

    const metadata = {
      run_id: runId,
      engine: 'sim',
      engine_version: VERSION,
      seed: req.seed,
      sampler: SAMPLER_DESCRIPTIONS[sampler],
      chunk_size: String(req.chunkSize),
      trials: String(n),
      scenario_hash: scenarioHash,
      standard: scenario.standard,
      caveat: PATHWISE_CAVEAT,
    };
    // summaries and ranks run in the workers while this thread streams the trials from the same shared columns
    const formats = req.formats ?? ['arrow'];
    let t3 = 0;
    // both settle before going on, so nothing still writes into the directory when a failure or a signal removes it
    const c = coordinator;
    const trialsSource = { ...c.store, read: (...a: Parameters<typeof c.store.read>) => (c.signal.throwIfAborted(), c.store.read(...a)) };
    const [stats, written] = await Promise.allSettled([
      Promise.all([c.summarize(n), c.sensitivity(n), c.paths(n)]).then((r) => ((t3 = performance.now()), r)),
      writeTrials(dir, plan, trialsSource, selected, chunks, n, metadata, formats).catch((e) => {
        c.cancel(e);
        throw e;
      }),
    ]);
    if (stats.status === 'rejected') throw stats.reason;
    if (written.status === 'rejected') throw written.reason;
    const [summaries, rho, bands] = stats.value;
    req.signal?.throwIfAborted();
    await writeSummaries(dir, plan, summaries, metadata, formats);
    const sensitivity = sensitivityRows(plan, rho);
    await writeSensitivity(dir, sensitivity, metadata, formats);
    const achieved = plan.correlations.map(([a, b, target]) => {
      const slot = (name: string) => plan.sensitivity.inputs.findIndex((j) => plan.columns[j].name === name);
      const ranks = (name: string) => coordinator!.rankStore.read(slot(name), 0, n, new Float64Array(n));
      return { a, b, target, achieved: rankCorrelation(ranks(a), ranks(b), n) };
    });
    const warnings = sampler === 'sobol' && (n & (n - 1)) !== 0 ? [`Sobol points balance best at a power of two; ${n.toLocaleString('en-US')} trials is not one (try ${(2 ** Math.round(Math.log2(n))).toLocaleString('en-US')})`] : [];
    await writePaths(dir, plan.H, bands, Math.min(coordinator.pathK, n), metadata, formats);
    writeJson(dir.file('scenario.json'), scenario);
    const t5 = performance.now();
    const manifest: Manifest = {
      engine: 'sim',
      version: VERSION,
      run_id: runId,
      created_at: new Date().toISOString(),
      command: req.command ?? [],
      scenario_file: req.scenarioFile,
      scenario_hash: scenarioHash,
      overrides: req.overrides ?? [],
      seed: req.seed,
      sampler: SAMPLER_DESCRIPTIONS[sampler],
      correlations: achieved,
      correlation_repair: repaired,
      warnings,
      trials: n,
      ...(convergence && { convergence }),
      chunk_size: req.chunkSize,
      chunks: chunks.length,
      path_sample: Math.min(coordinator.pathK, n),
      columns: req.columns ?? 'all',
      workers: req.workers,
      store,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      timings: {
        load: s(t1 - t0),
        sample: times.sample,
        simulate: times.simulate,
        simulate_wall: s(t2 - t1),
        aggregate: s(t3 - t2),
        write: s(t5 - t2),
        total: s(performance.now() - t0),
      },
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      files: [...formats.flatMap((f) => ['trials', 'summary', 'sensitivity', 'paths'].map((t) => `${t}.${f}`)), 'summary.json', 'scenario.json', 'manifest.json'],
      caveat: PATHWISE_CAVEAT,
    };
    writeJson(dir.file('manifest.json'), manifest);
    req.signal?.throwIfAborted();
    await coordinator.close();
    rmSync(spillDir, { recursive: true, force: true });
    dir.commit();
    const byName = [...plan.columns.map((c) => c.name), ...plan.comparisons.map((c) => c.name)];
    return { dir: dir.path, scenario, plan, summaries: new Map(byName.map((name, j) => [name, summaries[j]])), sensitivity, manifest };
  } catch (e) {
    await coordinator?.close(); // first: workers may still write into the temporary directory
    dir.discard();
    throw e;
  } finally {
    req.signal?.removeEventListener('abort', cancel);
  }
}

const s = (ms: number) => Math.round(ms) / 1000;
