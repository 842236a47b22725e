import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkScenario } from '../check/check.ts';
import { InputError } from '../errors.ts';
import { missingRules } from '../kernel/finite.ts';
import { firstNonFiniteIn, firstNonFinitePath } from './first-non-finite.ts';
import { defaultRunPath, RunDir } from '../output/run-dir.ts';
import { selectColumns } from '../output/select-columns.ts';
import { buildPlan } from '../plan.ts';
import { runConfig, type RunConfig } from '../run-config.ts';
import { finish, scenarioHashOf, scenarioNotes, startPool, withPool, type Prepared, type RunOutcome } from '../run.ts';
import { planChunks } from '../sampling/chunk-plan.ts';
import { SAMPLERS, SAMPLER_DESCRIPTIONS } from '../sampling/sample-chunk.ts';
import { resolveScenario } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/types.ts';
import { VALUATION_FILE, type ValuationFile } from '../valuation/file.ts';
import { PATH_QUANTITIES, type PathQuantity } from '../schema.ts';
import { SOURCE, VERSION } from '../version.ts';
import { copyColumns, copyPaths, readShard, SHARD_FILES, type ShardKey, type ShardManifest } from './files.ts';
import { shardShare } from './spec.ts';

/** The path quantities as a refusal names them (paths.arrow's method note). */
const PATH_MEANING: Record<PathQuantity, string> = { C: 'carrying amount', V: 'recoverable amount', M: 'market value' };

/** What `sim merge` takes: the shard directories, and where and how to write the run. */
export interface MergeRequest extends Partial<Pick<RunConfig, 'workers' | 'store'>> {
  shards: string[];
  out?: string;
  command?: string[];
  signal?: AbortSignal;
}

/**
 * Check that the shards are the parts of one run: written by this sim's code, the same key, every index from 0 to n − 1 once.
 *
 * @param dirs the shard directories as given
 * @returns their manifests, in index order
 * @throws InputError naming a shard of other code (both versions or source hashes), the field that differs, the missing index or the duplicated one
 */
export function checkShards(dirs: string[]): { dir: string; m: ShardManifest }[] {
  if (dirs.length === 0) throw new InputError('sim merge: give the shard directories to merge');
  const shards = dirs.map((dir) => ({ dir, m: readShard(dir) }));
  const [head] = shards;
  for (const { dir, m } of shards) {
    // first: a shard of other code is named as such, not as another run
    const other = otherCode(m.key);
    if (other) throw new InputError(`sim merge: ${dir}: ${other}`);
    for (const field of Object.keys(head.m.key) as (keyof ShardKey)[]) {
      const [x, y] = [JSON.stringify(head.m.key[field]), JSON.stringify(m.key[field])];
      if (x !== y) throw new InputError(`sim merge: ${dir} is not a shard of the same run as ${head.dir}: ${field} ${y} vs ${x}`);
    }
  }
  const n = head.m.key.shards;
  const byIndex = new Map<number, string>();
  for (const { dir, m } of shards) {
    if (!Number.isInteger(m.index) || m.index < 0 || m.index >= n) throw new InputError(`sim merge: ${dir}: shard.json gives index ${JSON.stringify(m.index)}, outside 0 to ${n - 1} of its ${n} shards: the shard directory is damaged (run that shard again)`);
    const twice = byIndex.get(m.index);
    if (twice !== undefined) throw new InputError(`sim merge: shard ${m.index} of ${n} is given twice (${twice} and ${dir})`);
    byIndex.set(m.index, dir);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new InputError(`sim merge: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n} missing (indexes count from 0)`);
  // each shard holds exactly the share its index implies, so together they hold every trial once
  const { trials, chunk_size } = head.m.key;
  if (!(Number.isSafeInteger(trials) && trials >= 1 && Number.isSafeInteger(chunk_size) && chunk_size >= 1)) throw new InputError(`sim merge: ${join(head.dir, SHARD_FILES.key)}: trials ${trials} and chunk_size ${chunk_size}, expected whole numbers ≥ 1; the shard is damaged (rerun it)`);
  for (const { dir, m } of shards) {
    const share = shardShare(trials, chunk_size, { index: m.index, count: n });
    for (const field of ['chunks', 'first', 'count'] as const) {
      const [want, got] = [JSON.stringify(share[field]), JSON.stringify(m[field])];
      if (got !== want) throw new InputError(`sim merge: ${join(dir, SHARD_FILES.key)}: ${field} ${got}, expected ${want} (what shard ${m.index} of ${n} runs); the shard is damaged (rerun it)`);
    }
  }
  return shards.sort((a, b) => a.m.index - b.m.index);
}

/**
 * Why a shard cannot be merged by this sim, or null: it was written by other
 * code (another version, or other sources: src/version.ts SOURCE). The merge
 * summarises the shards' trials with its own code and records its own version
 * and source in the run, so every shard must come from the merging sim's
 * sources; that also makes them all equal to each other.
 *
 * @param k a shard's key
 * @returns the refusal, after "sim merge: <dir>: "
 */
function otherCode(k: ShardKey): string | null {
  if (k.version !== VERSION) return `written by sim ${k.version}, this is ${VERSION}; rerun the shards with this version, into empty directories`;
  if (k.source === undefined) return `written by a sim that did not record its source hash, this is source ${SOURCE}; rerun the shards with this sim, into empty directories`;
  if (k.source !== SOURCE) return `written by sim ${k.version} of source ${k.source}, this is source ${SOURCE} (other code); rerun the shards with this sim, into empty directories`;
  return null;
}

/**
 * Merge shard directories into the run directory one machine would have
 * written with the same scenario, seed, trials and chunk size: every column
 * and every summary bit for bit (the summaries run on the merged columns, as
 * in a run; the manifest records `shards`).
 *
 * @param req the shard directories and the output
 * @returns the merged run
 * @throws InputError when the shards do not make one run
 */
export async function merge(req: MergeRequest): Promise<RunOutcome> {
  const t0 = performance.now();
  const shards = checkShards(req.shards);
  const { key } = shards[0].m;
  const head = shards[0];
  const scenarioFile = join(head.dir, 'scenario.json');
  const headText = readOptional(scenarioFile);
  const scenario = keyedScenario(scenarioFile, headText, key.scenario_hash, 'does not match its shard.json');
  // every copy must be the scenario the keys name; a genuine shard's bytes equal the first's, so only another text is resolved
  for (const { dir } of shards.slice(1)) {
    const file = join(dir, 'scenario.json'), text = readOptional(file);
    if (text !== headText) keyedScenario(file, text, key.scenario_hash, `differs from ${scenarioFile}`);
  }
  const plan = buildPlan(scenario);
  // the calibration depends on the seed alone, so every shard wrote the same bytes; each file is checked in its own shard before they are compared
  const valuationDocs = plan.valuation === 'expected' ? shards.map(({ dir }) => valuationText(dir)) : null;
  const differs = valuationDocs?.findIndex((d) => d !== valuationDocs[0]) ?? -1;
  if (differs >= 0) throw new InputError(`sim merge: ${join(shards[differs].dir, VALUATION_FILE)} differs from ${join(head.dir, VALUATION_FILE)}: the shards were calibrated differently`);
  const sampler = SAMPLERS.find((k) => SAMPLER_DESCRIPTIONS[k] === key.sampler)!;
  const config = runConfig({ trials: key.trials, seed: key.seed, chunkSize: key.chunk_size, sampler, pathSample: key.path_sample, columns: key.columns, formats: key.formats as RunConfig['formats'], overrides: head.m.overrides, workers: req.workers, store: req.store });
  const wide = shards.find(({ m }) => m.plan_columns !== plan.columns.length);
  if (wide) throw new InputError(`sim merge: ${join(wide.dir, SHARD_FILES.key)}: plan_columns ${wide.m.plan_columns}, expected ${plan.columns.length} (the scenario's columns); the shard is damaged (rerun it)`);
  const rules = missingRules(plan);
  const p: Prepared = {
    t0, config, notes: scenarioNotes(plan), scenario, plan, check: checkScenario(scenario, head.m.scenario_file, config.seed),
    selected: selectColumns(config.columns, plan.columns), scenarioHash: key.scenario_hash, repaired: head.m.correlation_repair, citations: head.m.citations,
  };
  const runId = randomUUID();
  const dir = RunDir.prepare(req.out ?? defaultRunPath(config.seed, runId));
  const t1 = performance.now();
  return withPool(dir, req.signal, async (own) => {
    // the shards fix the trials and columns: only where the run is written, or the room there, can change
    const started = startPool(p, dir, req.out ?? dir.path, { capacity: config.trials, command: 'merge' });
    const coordinator = own(started.coordinator);
    for (const { dir: from, m } of shards) {
      req.signal?.throwIfAborted();
      const file = join(from, SHARD_FILES.columns);
      copyColumns(file, coordinator.store, plan.columns.length, m.count, m.first, 'read');
      // a run fails on such a value (README "Limits"), so a shard holding one was altered after it was written
      const bad = firstNonFiniteIn(rules, coordinator.store, m.first, m.count);
      if (bad) throw new InputError(`sim merge: ${file}: ${plan.columns[bad.column].name} is ${bad.value} in trial ${m.first + bad.trial}, where MODEL.md defines a finite value and no run writes one; the shard is damaged (rerun it)`);
      const paths = join(from, SHARD_FILES.paths), shape = { K: coordinator.pathK, H: plan.H, assets: plan.assets.length };
      copyPaths(paths, coordinator.pathData, shape, m.first, m.count, 'read');
      const off = firstNonFinitePath(coordinator.pathData, shape, m.first, m.count);
      if (off) throw new InputError(`sim merge: ${paths}: ${plan.assets[off.asset].name}'s ${PATH_QUANTITIES[off.quantity]} (${PATH_MEANING[PATH_QUANTITIES[off.quantity]]}) at month ${off.month} is ${off.value} in trial ${off.trial}, where a run records a finite value at every month (0 after the exit month); the shard is damaged (rerun it)`);
    }
    const t2 = performance.now();
    const times = shards.reduce((t, { m }) => ({ sample: t.sample + m.times.sample, simulate: t.simulate + m.times.simulate }), { sample: 0, simulate: 0 });
    return finish({
      ...p, ...started, dir, runId, n: config.trials, chunks: planChunks(config.trials, config.chunkSize),
      valuation: head.m.valuation, valuationDoc: valuationDocs && JSON.parse(valuationDocs[0]),
      times, clock: { t1, tc: t1, ts: t1, t2 }, scenarioFile: head.m.scenario_file, command: req.command ?? [], signal: req.signal, shards: key.shards,
    });
  });
}

/**
 * A shard's scenario.json, resolved, when it is the scenario of the shards' key (its hash).
 *
 * @param file the scenario.json
 * @param text its text, null when it does not exist
 * @param hash the key's scenario_hash
 * @param mismatch what to say when it is another scenario
 * @throws InputError when it is missing, not JSON, or another scenario
 */
function keyedScenario(file: string, text: string | null, hash: string, mismatch: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    throw new InputError(`sim merge: ${file} is ${text === null ? 'missing' : 'not JSON'}; the shard is damaged (rerun it)`);
  }
  const scenario = resolveScenario(raw, file);
  if (scenarioHashOf(scenario) !== hash) throw new InputError(`sim merge: ${file} ${mismatch} (scenario hash); the shard is damaged (rerun it)`);
  return scenario;
}

/** The fields of a valuation.json (src/valuation/file.ts ValuationFile), each with what sim writes there. */
const VALUATION_FIELDS: Record<keyof ValuationFile, (v: unknown) => boolean> = {
  valuation: (v) => v === 'expected',
  calibrationTrials: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  seed: (v) => typeof v === 'string',
  stream: (v) => typeof v === 'string',
  assets: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(Array.isArray),
};

/**
 * A shard's valuation.json as text, when it is a valuation file sim writes.
 *
 * @param dir the shard directory
 * @throws InputError naming the file when it is missing, not JSON, or lacks a field
 */
function valuationText(dir: string): string {
  const file = join(dir, VALUATION_FILE), text = readOptional(file);
  // readShard finds it missing first, unless the shard's shard.json names another valuation than its scenario
  if (text === null) throw new InputError(`${dir}: ${VALUATION_FILE} is missing; the shard is damaged (rerun it)`);
  let doc: Record<string, unknown> | null;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InputError(`sim merge: ${file} is not JSON; the shard is damaged (rerun it)`);
  }
  const bad = Object.entries(VALUATION_FIELDS).filter(([k, ok]) => !ok(doc?.[k])).map(([k]) => k);
  if (bad.length) throw new InputError(`sim merge: ${file} is not a valuation file sim writes (${bad.join(', ')} missing or of another type); the shard is damaged (rerun it)`);
  return text;
}

/** A file's text, or null when it does not exist. */
function readOptional(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
