import { rmSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { RunDir } from '../output/run-dir.ts';
import { writeJson } from '../output/write-run.ts';
import { prepare, startPool, valuationOf, withPool, type RunRequest, type Unchecked } from '../run.ts';
import { SAMPLER_DESCRIPTIONS } from '../sampling/sample-chunk.ts';
import { VALUATION_FILE } from '../valuation/file.ts';
import { SOURCE, VERSION } from '../version.ts';
import { copyColumns, copyPaths, sameShard, SHARD_FILES, SHARD_FORMAT, type ShardKey, type ShardManifest } from './files.ts';
import { shardShare, type ShardSpec } from './spec.ts';

/** What a finished shard returns. */
export interface ShardOutcome {
  dir: string;
  manifest: ShardManifest;
  /** what the shard's run warns of (a capped --workers, the scenario's notes): the merged run records the scenario's again */
  warnings: string[];
}

/**
 * The key every shard of one run shares: what makes their trials parts of the same run.
 *
 * @param p the prepared run
 * @param count the number of shards
 * @returns the key
 */
export function shardKey(p: Unchecked, count: number): ShardKey {
  const c = p.config;
  return {
    engine: 'sim', format: SHARD_FORMAT, version: VERSION, source: SOURCE, scenario_hash: p.scenarioHash, seed: c.seed, sampler: SAMPLER_DESCRIPTIONS[c.sampler],
    chunk_size: c.chunkSize, trials: c.trials, path_sample: c.pathSample, columns: c.columns, formats: c.formats, shards: count,
  };
}

/**
 * Run one shard's share of the chunks into a shard directory (README
 * "Running on a cluster"): its trials' columns, its part of the path sample,
 * the scenario, the calibration and shard.json. Written like a run directory
 * (complete or not at all); a rerun of the same shard replaces it.
 *
 * @param req the run's settings, `shard` and `out` (the shard directory)
 * @returns the shard directory and its manifest
 * @throws InputError for --precision (its stopping point needs every trial) or a missing --out
 */
export async function runShard(req: RunRequest & { shard: ShardSpec }): Promise<ShardOutcome> {
  const p = prepare(req);
  const { config, plan } = p;
  if (config.precision !== undefined) throw new InputError('--precision cannot be split into shards: when to stop depends on every trial; give --trials');
  if (req.out === undefined) throw new InputError('--shard needs --out: the shard directory `sim merge` will read');
  const key = shardKey(p, req.shard.count);
  const { mine, chunks, first, count } = shardShare(config.trials, config.chunkSize, req.shard);
  const dir = RunDir.prepare(req.out, (path) => sameShard(path, key, req.shard));
  return withPool(dir, req.signal, async (own) => {
    const started = startPool(p, dir, req.out!, { capacity: Math.max(count, 1), trials: config.trials, first, shard: true });
    const coordinator = own(started.coordinator);
    const calibrations = plan.valuation === 'expected' ? await coordinator.calibrate() : null;
    let done = 0;
    const times = await coordinator.simulate(mine, (c) => {
      done += c.count;
      req.onProgress?.(done, count);
    });
    req.signal?.throwIfAborted();
    copyColumns(dir.file(SHARD_FILES.columns), coordinator.store, plan.columns.length, count, 0, 'write');
    copyPaths(dir.file(SHARD_FILES.paths), coordinator.pathData, { K: coordinator.pathK, H: plan.H, assets: plan.assets.length }, first, count, 'write');
    const { valuation, valuationDoc } = valuationOf(plan, config.seed, calibrations);
    writeJson(dir.file('scenario.json'), p.scenario);
    if (valuationDoc) writeJson(dir.file(VALUATION_FILE), valuationDoc);
    const manifest: ShardManifest = {
      key, index: req.shard.index, chunks, first, count, plan_columns: plan.columns.length, path_k: coordinator.pathK,
      scenario_file: req.scenarioFile, overrides: config.overrides, correlation_repair: p.repaired, citations: p.citations, valuation, times,
      created_at: new Date().toISOString(), command: req.command ?? [],
    };
    writeJson(dir.file(SHARD_FILES.key), manifest); // last: a directory with shard.json is complete
    await coordinator.close();
    rmSync(started.spillDir, { recursive: true, force: true });
    dir.commit();
    return { dir: dir.path, manifest, warnings: p.notes };
  });
}
