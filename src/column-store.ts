import { closeSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileError } from './output/file-error.ts';

/**
 * Where the per-trial columns of a run live, shared by the coordinator and
 * the workers. `memory`: shared buffers of about 64 MiB, each holding whole
 * columns side by side (reads are views, no copy): blocks that size, not a
 * buffer per column, are what glibc backs with huge pages (bin/sim.mjs), and
 * the first touch of fresh memory is most of what storing a column costs.
 * `spill`: one sparse file of float64 for all columns, column j from byte
 * 8·j·capacity on, written at each chunk's offset by the worker that ran it
 * and read back one column at a time, so memory stays bounded whatever the
 * number of trials, and each thread holds one file descriptor per store
 * whatever the number of columns.
 */
export type StoreSpec = { kind: 'memory'; blocks: SharedArrayBuffer[]; count: number; perBlock: number; capacity: number } | { kind: 'spill'; file: string; capacity: number };

/** An open store: the coordinator and every worker open their own from the same StoreSpec. */
export interface ColumnStore {
  /** put `data` into column j from trial `start` on */
  write(j: number, start: number, data: Float64Array): void;
  /** trials [start, start + count) of column j: a view (memory), or read into `into` (spill; a new array when not given) */
  read(j: number, start: number, count: number, into?: Float64Array): Float64Array;
  close(): void;
}

const BYTES = Float64Array.BYTES_PER_ELEMENT;
/** A memory store's block: 32 huge pages of 2 MiB (one column a block where a column is larger). */
const BLOCK_BYTES = 64 * 1024 * 1024;

/**
 * Allocate a store: the shared buffers, or the spill file (sparse, its final size at once).
 *
 * @param kind memory or spill
 * @param count columns
 * @param capacity trials each column holds
 * @param file where spilled columns go (its directory is created); unused in memory
 * @returns a spec any thread can open
 * @throws Error naming the file when it cannot be created at its size (EFBIG under a file-size limit)
 * @example createStoreSpec('spill', 608, 1e6, 'run/.columns/columns.f64') // { kind: 'spill', file, capacity: 1e6 }
 */
export function createStoreSpec(kind: 'memory' | 'spill', count: number, capacity: number, file: string): StoreSpec {
  if (kind === 'memory') {
    const perBlock = Math.max(1, Math.min(count, Math.floor(BLOCK_BYTES / (BYTES * Math.max(1, capacity)))));
    const blocks = Array.from({ length: Math.ceil(count / perBlock) }, (_, b) => new SharedArrayBuffer(BYTES * capacity * Math.min(perBlock, count - b * perBlock)));
    return { kind, blocks, count, perBlock, capacity };
  }
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, BYTES * count * capacity);
  } catch (e) {
    throw fileError(file, e);
  } finally {
    closeSync(fd);
  }
  return { kind, file, capacity };
}

/**
 * Open a store in this thread: views on the shared buffers, or one file descriptor on the spill file.
 *
 * @param spec from createStoreSpec
 * @returns the open store; close it to release the spill file's descriptor
 * @example openStore(spec).read(3, 0, 4096, new Float64Array(4096))
 */
export function openStore(spec: StoreSpec): ColumnStore {
  if (spec.kind === 'memory') {
    const { blocks, perBlock, capacity } = spec;
    const cols = Array.from({ length: spec.count }, (_, j) => new Float64Array(blocks[Math.floor(j / perBlock)], BYTES * capacity * (j % perBlock), capacity));
    return {
      write: (j, start, data) => cols[j].set(data, start),
      read: (j, start, count) => cols[j].subarray(start, start + count),
      close: () => {},
    };
  }
  const fd = openSync(spec.file, 'r+');
  const at = (j: number, start: number) => BYTES * (j * spec.capacity + start);
  return {
    write: (j, start, data) => {
      try {
        for (let done = 0; done < data.byteLength; ) done += writeSync(fd, data, done, data.byteLength - done, at(j, start) + done);
      } catch (e) {
        throw fileError(spec.file, e); // ENOSPC, EFBIG: say which file filled the disk
      }
    },
    read: (j, start, count, into = new Float64Array(count)) => {
      const out = into.subarray(0, count);
      for (let done = 0; done < out.byteLength; ) {
        const got = readSync(fd, out, done, out.byteLength - done, at(j, start) + done);
        if (got === 0) throw new Error(`column store: ${spec.file} ends before trial ${start + count} of column ${j}`);
        done += got;
      }
      return out;
    },
    close: () => closeSync(fd),
  };
}
