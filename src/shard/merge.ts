import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkScenario } from '../check/check.ts';
import { InputError } from '../errors.ts';
import { defaultRunPath, RunDir } from '../output/run-dir.ts';
import { selectColumns } from '../output/select-columns.ts';
import { buildPlan } from '../plan.ts';
import { runConfig, type RunConfig } from '../run-config.ts';
import { finish, scenarioHashOf, startPool, withPool, type Prepared, type RunOutcome } from '../run.ts';
import { planChunks } from '../sampling/chunk-plan.ts';
import { SAMPLERS, SAMPLER_DESCRIPTIONS } from '../sampling/sample-chunk.ts';
import { resolveScenario } from '../scenario/resolve.ts';
import { VALUATION_FILE } from '../valuation/file.ts';
import { VERSION } from '../version.ts';
import { copyColumns, copyPaths, readShard, SHARD_FILES, type ShardKey, type ShardManifest } from './files.ts';

/** What `sim merge` takes: the shard directories, and where and how to write the run. */
export interface MergeRequest extends Partial<Pick<RunConfig, 'workers' | 'store'>> {
  shards: string[];
  out?: string;
  command?: string[];
  signal?: AbortSignal;
}

/**
 * Check that the shards are the parts of one run: the same key, every index from 0 to n − 1 once.
 *
 * @param dirs the shard directories as given
 * @returns their manifests, in index order
 * @throws InputError naming the field that differs, the missing index or the duplicated one
 */
export function checkShards(dirs: string[]): { dir: string; m: ShardManifest }[] {
  if (dirs.length === 0) throw new InputError('sim merge: give the shard directories to merge');
  const shards = dirs.map((dir) => ({ dir, m: readShard(dir) }));
  const [head] = shards;
  const self = (k: ShardKey) => (k.version === VERSION ? null : `written by sim ${k.version}, this is ${VERSION}`);
  for (const { dir, m } of shards) {
    for (const field of Object.keys(head.m.key) as (keyof ShardKey)[]) {
      const [x, y] = [JSON.stringify(head.m.key[field]), JSON.stringify(m.key[field])];
      if (x !== y) throw new InputError(`sim merge: ${dir} is not a shard of the same run as ${head.dir}: ${field} ${y} vs ${x}`);
    }
    const stale = self(m.key);
    if (stale) throw new InputError(`sim merge: ${dir}: ${stale}; rerun the shards with this version`);
  }
  const n = head.m.key.shards;
  const byIndex = new Map<number, string>();
  for (const { dir, m } of shards) {
    const twice = byIndex.get(m.index);
    if (twice !== undefined) throw new InputError(`sim merge: shard ${m.index} of ${n} is given twice (${twice} and ${dir})`);
    byIndex.set(m.index, dir);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new InputError(`sim merge: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n} missing (indexes count from 0)`);
  return shards.sort((a, b) => a.m.index - b.m.index);
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
  const scenario = resolveScenario(JSON.parse(readFileSync(scenarioFile, 'utf8')), scenarioFile);
  if (scenarioHashOf(scenario) !== key.scenario_hash) throw new InputError(`sim merge: ${scenarioFile} does not match its shard.json (scenario hash); the shard is damaged`);
  const valuationDocs = shards.map(({ dir }) => readOptional(join(dir, VALUATION_FILE)));
  const differs = valuationDocs.findIndex((d) => d !== valuationDocs[0]);
  if (differs >= 0) throw new InputError(`sim merge: ${shards[differs].dir}/${VALUATION_FILE} differs from ${head.dir}'s: the shards were calibrated differently`);
  const sampler = SAMPLERS.find((k) => SAMPLER_DESCRIPTIONS[k] === key.sampler)!;
  const config = runConfig({ trials: key.trials, seed: key.seed, chunkSize: key.chunk_size, sampler, pathSample: key.path_sample, columns: key.columns, formats: key.formats as RunConfig['formats'], overrides: head.m.overrides, workers: req.workers, store: req.store });
  const plan = buildPlan(scenario);
  const p: Prepared = {
    t0, config, notes: [], scenario, plan, check: checkScenario(scenario, head.m.scenario_file, config.seed),
    selected: selectColumns(config.columns, plan.columns), scenarioHash: key.scenario_hash, repaired: head.m.correlation_repair, citations: head.m.citations,
  };
  const runId = randomUUID();
  const dir = RunDir.prepare(req.out ?? defaultRunPath(config.seed, runId));
  const t1 = performance.now();
  return withPool(dir, req.signal, async (own) => {
    const started = startPool(p, dir, req.out ?? dir.path, { capacity: config.trials });
    const coordinator = own(started.coordinator);
    for (const { dir: from, m } of shards) {
      req.signal?.throwIfAborted();
      copyColumns(join(from, SHARD_FILES.columns), coordinator.store, plan.columns.length, m.count, m.first, 'read');
      copyPaths(join(from, SHARD_FILES.paths), coordinator.pathData, { K: coordinator.pathK, H: plan.H, assets: plan.assets.length }, m.first, m.count, 'read');
    }
    const t2 = performance.now();
    const times = shards.reduce((t, { m }) => ({ sample: t.sample + m.times.sample, simulate: t.simulate + m.times.simulate }), { sample: 0, simulate: 0 });
    return finish({
      ...p, ...started, dir, runId, n: config.trials, chunks: planChunks(config.trials, config.chunkSize),
      valuation: head.m.valuation, valuationDoc: valuationDocs[0] === null ? null : JSON.parse(valuationDocs[0]),
      times, clock: { t1, tc: t1, ts: t1, t2 }, scenarioFile: head.m.scenario_file, command: req.command ?? [], signal: req.signal, shards: key.shards,
    });
  });
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
