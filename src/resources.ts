import { statfsSync } from 'node:fs';
import { InputError } from './errors.ts';
import type { Format } from './output/write-run.ts';
import { availableMemory, GIB, MEMORY_BUDGET } from './run-config.ts';

/** What a run will hold in memory and write to disk, in bytes, estimated before it starts. */
export interface ResourceNeeds {
  /** the --out path as given, for messages */
  out: string;
  /** a directory on the file system the run writes to */
  dir: string;
  store: 'memory' | 'spill';
  /** the column store (columns and input ranks) */
  storeBytes: number;
  /** the trials table's values, once per format */
  trialsBytes: number;
  formats: Format[];
  /** beside a memory store: the shared path sample, and the worker threads' chunk buffers and scratch */
  paths: number;
  workers: number;
  /** the coherence check's trials, when the run checks its scenario while the pool runs */
  check?: number;
}

const MIB = 2 ** 20;
/** Bytes as a person reads them: GiB to a tenth, MiB below one GiB. */
const gb = (bytes: number) => (bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.ceil(bytes / MIB)} MiB`);

/**
 * Refuse, before any trial runs, a run that cannot fit: memory (a memory
 * store, the path sample, the workers' buffers) beyond the machine's, a Parquet trials table (built whole in memory)
 * above MEMORY_BUDGET, or files that need more disk than is free where the
 * run is written. Found otherwise, these end a run hours in with an
 * allocation failure or ENOSPC.
 *
 * @param n what the run needs
 * @param free bytes free for this user at n.dir (default: the file system's count)
 * @throws InputError naming the limit, what the run needs and what to change
 * @example checkResources({ out: 'runs/x', dir: 'runs', store: 'spill', storeBytes: 141e9, trialsBytes: 1e9, formats: ['arrow'], paths: 9e7, workers: 5e7 }) // throws on a disk with 78 GB free
 */
export function checkResources(n: ResourceNeeds, free = freeBytes(n.dir)): void {
  const store = n.store === 'memory' ? n.storeBytes : 0, check = n.check ?? 0;
  if (store + n.paths + n.workers + check > availableMemory()) {
    const parts = [...(store ? [`columns ${gb(store)}`] : []), `path sample ${gb(n.paths)}`, `worker buffers ${gb(n.workers)}`, ...(check ? [`coherence check ${gb(check)}`] : [])].join(', ');
    throw new InputError(`this run needs about ${gb(store + n.paths + n.workers + check)} of memory (${parts}), more than the ${gb(availableMemory())} this process may use; use ${store ? '--store spill, ' : ''}a smaller --path-sample or --chunk-size, fewer --workers or fewer --trials`);
  }
  if (n.formats.includes('parquet') && n.trialsBytes > MEMORY_BUDGET) {
    throw new InputError(`--format parquet builds the trials table in memory: ${gb(n.trialsBytes)} is above the ${gb(MEMORY_BUDGET)} limit; use --format arrow, fewer --columns or fewer --trials`);
  }
  const spill = n.store === 'spill' ? n.storeBytes : 0;
  const files = n.trialsBytes * n.formats.length;
  if (spill + files > free) {
    const parts = [...(spill ? [`spilled columns ${gb(spill)}`] : []), `trials files ${gb(files)}`].join(', ');
    throw new InputError(`--out ${n.out}: this run needs about ${gb(spill + files)} of disk (${parts}) but ${gb(free)} is free there; use fewer --trials or --columns, or another --out`);
  }
}

/** Bytes an unprivileged user may still write on the file system holding `dir`. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}
