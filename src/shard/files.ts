import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnStore } from '../column-store.ts';
import { InputError } from '../errors.ts';
import { fileError } from '../output/file-error.ts';
import { PATH_QUANTITIES } from '../schema.ts';
import { pathIndex } from '../kernel/simulate.ts';
import type { Manifest, ValuationSummary } from '../run.ts';
import { VALUATION_FILE } from '../valuation/file.ts';
import type { ShardSpec } from './spec.ts';

/** What a shard directory holds besides scenario.json and valuation.json. */
export const SHARD_FILES = { key: 'shard.json', columns: 'columns.f64', paths: 'paths.f64' } as const;

/**
 * Every file runShard writes into a shard directory: SHARD_FILES, scenario.json,
 * and valuation.json when its shard.json says the expected valuation.
 *
 * @param m the shard's manifest
 * @example shardFiles(m) // ['shard.json', 'columns.f64', 'paths.f64', 'scenario.json', 'valuation.json']
 */
export function shardFiles(m: ShardManifest): string[] {
  return [...Object.values(SHARD_FILES), 'scenario.json', ...(m.valuation?.valuation === 'expected' ? [VALUATION_FILE] : [])];
}

/** Bump when the layout of a shard directory changes: a merge refuses shards of another format. */
export const SHARD_FORMAT = 1;

/** The settings every shard of a run must share; the merge compares them field by field. */
export interface ShardKey {
  engine: 'sim';
  format: number;
  version: string;
  /** the hash of the sources of the sim that wrote the shard (absent in shards of sims before it was recorded) */
  source?: string;
  scenario_hash: string;
  seed: string;
  sampler: string;
  chunk_size: number;
  trials: number;
  path_sample: number;
  columns: string;
  formats: string[];
  shards: number;
}

/** shard.json: the key, which share this shard ran, and what the merged manifest needs from it. */
export interface ShardManifest {
  key: ShardKey;
  index: number;
  /** [first, end) chunk indices */
  chunks: [number, number];
  /** the shard's first trial, and how many it ran */
  first: number;
  count: number;
  /** plan columns in columns.f64, and the trials of the path sample (K) */
  plan_columns: number;
  path_k: number;
  scenario_file: string;
  overrides: string[];
  correlation_repair: Manifest['correlation_repair'];
  citations: Record<string, string>;
  valuation: ValuationSummary;
  /** worker-seconds spent sampling and simulating this shard's chunks */
  times: { sample: number; simulate: number };
  created_at: string;
  command: string[];
}

const BYTES = Float64Array.BYTES_PER_ELEMENT;
/** Trials copied at a time between a store and a shard file. */
const BLOCK = 65_536;

/**
 * Copy a shard's columns between a store and one file, column after column
 * (the spill store's layout), a block at a time: 'write' the file from a
 * shard's store (its trials from row 0), or 'read' it into the merged run's
 * store at row `first` (the shard's trials' place in the whole run).
 *
 * @param file the shard's columns.f64
 * @param store the store
 * @param columns how many columns
 * @param count the shard's trials
 * @param row where they start in the store: 0 in a shard's own, `first` in the merged run's
 * @param direction 'write' the file, or 'read' it
 */
export function copyColumns(file: string, store: ColumnStore, columns: number, count: number, row: number, direction: 'write' | 'read'): void {
  const fd = openSync(file, direction === 'write' ? 'w' : 'r');
  const block = new Float64Array(Math.min(BLOCK, Math.max(count, 1)));
  try {
    let at = 0;
    for (let j = 0; j < columns; j++) {
      for (let start = 0; start < count; start += block.length) {
        const n = Math.min(block.length, count - start);
        const part = direction === 'write' ? store.read(j, row + start, n, block) : block.subarray(0, n);
        transfer(fd, part, at, direction, file);
        if (direction === 'read') store.write(j, row + start, part);
        at += part.byteLength;
      }
    }
  } catch (e) {
    throw e instanceof InputError ? e : fileError(file, e);
  } finally {
    closeSync(fd);
  }
}

/** Write `data` to, or fill it from, the file at byte `at`, however many calls it takes. */
function transfer(fd: number, data: Float64Array, at: number, direction: 'write' | 'read', file: string): void {
  for (let done = 0; done < data.byteLength; ) {
    const n = direction === 'write' ? writeSync(fd, data, done, data.byteLength - done, at + done) : readSync(fd, data, done, data.byteLength - done, at + done);
    if (n === 0) throw new InputError(`${file}: shorter than its ${SHARD_FILES.key} says; the shard is damaged (rerun it)`);
    done += n;
  }
}

/**
 * The trials of [first, first + count) that fall in the path sample, as a range of sample rows.
 *
 * @example pathRows(8000, 4000, 10000) // [8000, 10000]
 */
function pathRows(first: number, count: number, K: number): [number, number] {
  return [Math.min(first, K), Math.min(first + count, K)];
}

/** The path sample's dimensions: trials recorded (K), horizon and assets. */
export interface PathShape {
  K: number;
  H: number;
  assets: number;
}

/** One (asset, quantity, month) row of a shard's part of the path sample. */
export interface ShardPathRow {
  asset: number;
  /** a PQ offset */
  quantity: number;
  month: number;
  /** the shard's trials' slice of the row, in place: trial first + i at i */
  row: Float64Array;
}

/**
 * A shard's part of the path sample row by row, in the order of its
 * paths.f64: each asset, quantity and month, its trials' slice (empty when
 * they all fall beyond the sample).
 *
 * @param data the path sample (PathSink layout)
 * @param shape K, H and the number of assets
 * @param first the shard's first trial
 * @param count its trials
 * @example for (const { row } of shardPathRows(data, shape, 1000, 2000)) row[0] // trial 1000's value
 */
export function* shardPathRows(data: Float64Array, shape: PathShape, first: number, count: number): Generator<ShardPathRow> {
  const { K, H, assets } = shape;
  const [a0, a1] = pathRows(first, count, K);
  for (let asset = 0; asset < assets; asset++)
    for (let quantity = 0; quantity < PATH_QUANTITIES.length; quantity++)
      for (let month = 0; month <= H; month++) {
        const at = pathIndex(K, H, asset, quantity, month);
        yield { asset, quantity, month, row: data.subarray(at + a0, at + a1) };
      }
}

/**
 * Copy a shard's part of the path sample (each asset, quantity and month: its trials' slice) to a file, or back.
 *
 * @param file paths.f64
 * @param data the pool's path sample (PathSink layout)
 * @param shape K, H and the number of assets
 * @param first the shard's first trial
 * @param count its trials
 * @param direction 'write' the file from data, 'read' data from the file
 */
export function copyPaths(file: string, data: Float64Array, shape: PathShape, first: number, count: number, direction: 'write' | 'read'): void {
  const fd = openSync(file, direction === 'write' ? 'w' : 'r');
  try {
    let at = 0;
    for (const { row } of shardPathRows(data, shape, first, count)) {
      transfer(fd, row, at, direction, file);
      at += row.byteLength;
    }
    // a longer file holds values no row of this shard's part would read: written for another shape, or damaged
    const size = direction === 'read' ? fstatSync(fd).size : at;
    if (size !== at) throw new InputError(`${file}: ${size} bytes, not the ${at} of this shard's part of the path sample; the shard is damaged (rerun it)`);
  } catch (e) {
    throw e instanceof InputError ? e : fileError(file, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read and check a shard directory's shard.json, that every file a shard
 * writes is there (shardFiles), and that its columns file has the size it
 * says: all before a merge reads any of them.
 *
 * @param dir a shard directory
 * @returns its manifest
 * @throws InputError when it is not a complete shard of a format this version reads, naming a missing file
 */
export function readShard(dir: string): ShardManifest {
  let m: ShardManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, SHARD_FILES.key), 'utf8')) as ShardManifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${dir}: not a shard directory (${code === 'ENOENT' ? `no ${SHARD_FILES.key}; write one with sim run … --shard i/n --out ${dir}` : `${SHARD_FILES.key} unreadable: ${code ?? (e as Error).message}`})`);
  }
  if (m?.key?.engine !== 'sim' || m.key.format !== SHARD_FORMAT) throw new InputError(`${dir}: ${SHARD_FILES.key} is not a shard of format ${SHARD_FORMAT} (sim ${m?.key?.version ?? '?'} wrote it)`);
  // a shard is written whole or not at all (README "Running on a cluster"), so a file missing was removed since
  const found = shardFiles(m).map((f) => ({ f, stat: statSync(join(dir, f), { throwIfNoEntry: false }) }));
  const missing = found.filter(({ stat }) => !stat).map(({ f }) => f), other = found.find(({ stat }) => stat && !stat.isFile());
  if (missing.length) throw new InputError(`${dir}: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; the shard is damaged (rerun it)`);
  if (other) throw new InputError(`${dir}: ${other.f} is not a file; the shard is damaged (rerun it)`);
  const size = found.find(({ f }) => f === SHARD_FILES.columns)!.stat!.size;
  if (size !== BYTES * m.plan_columns * m.count) throw new InputError(`${dir}: ${SHARD_FILES.columns} holds ${size} bytes, not the ${BYTES * m.plan_columns * m.count} its ${SHARD_FILES.key} says; the shard is damaged (rerun it)`);
  return m;
}

/**
 * Whether a directory holds a shard of the same run and index, which a rerun of that shard may replace.
 *
 * @param dir the --out of a shard
 * @param key the rerun's key
 * @param s the rerun's shard
 */
export function sameShard(dir: string, key: ShardKey, s: ShardSpec): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, SHARD_FILES.key), 'utf8')) as ShardManifest;
    return m.index === s.index && JSON.stringify(m.key) === JSON.stringify(key);
  } catch {
    return false;
  }
}
