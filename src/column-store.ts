import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the per-trial columns of a run live, shared by the coordinator and
 * the workers. `memory`: one SharedArrayBuffer per column (reads are views,
 * no copy). `spill`: one file of float64 per column under `dir`, written at
 * each chunk's offset by the worker that ran it and read back one column at a
 * time, so memory stays bounded whatever the number of trials.
 */
export type StoreSpec = { kind: 'memory'; buffers: SharedArrayBuffer[] } | { kind: 'spill'; dir: string; count: number };

/** An open store: the coordinator and every worker open their own from the same StoreSpec. */
export interface ColumnStore {
  /** put `data` into column j from trial `start` on */
  write(j: number, start: number, data: Float64Array): void;
  /** trials [start, start + count) of column j: a view (memory) or read into `into` (spill) */
  read(j: number, start: number, count: number, into: Float64Array): Float64Array;
  close(): void;
}

const BYTES = Float64Array.BYTES_PER_ELEMENT;

/**
 * Allocate a store: the shared buffers, or empty column files under `dir`.
 *
 * @param kind memory or spill
 * @param count columns
 * @param capacity trials each column holds
 * @param dir where spilled columns go (created); unused in memory
 * @returns a spec any thread can open
 */
export function createStoreSpec(kind: 'memory' | 'spill', count: number, capacity: number, dir: string): StoreSpec {
  if (kind === 'memory') return { kind, buffers: Array.from({ length: count }, () => new SharedArrayBuffer(BYTES * capacity)) };
  mkdirSync(dir, { recursive: true });
  for (let j = 0; j < count; j++) closeSync(openSync(join(dir, `${j}.f64`), 'w'));
  return { kind, dir, count };
}

/**
 * Open a store in this thread: views on the shared buffers, or one file descriptor per column.
 *
 * @param spec from createStoreSpec
 * @returns the open store; close it to release spilled files' descriptors
 */
export function openStore(spec: StoreSpec): ColumnStore {
  if (spec.kind === 'memory') {
    const cols = spec.buffers.map((b) => new Float64Array(b));
    return {
      write: (j, start, data) => cols[j].set(data, start),
      read: (j, start, count) => cols[j].subarray(start, start + count),
      close: () => {},
    };
  }
  const fds = Array.from({ length: spec.count }, (_, j) => openSync(join(spec.dir, `${j}.f64`), 'r+'));
  return {
    write: (j, start, data) => {
      for (let done = 0; done < data.byteLength; ) done += writeSync(fds[j], data, done, data.byteLength - done, BYTES * start + done);
    },
    read: (j, start, count, into) => {
      const out = into.subarray(0, count);
      for (let done = 0; done < out.byteLength; ) {
        const got = readSync(fds[j], out, done, out.byteLength - done, BYTES * start + done);
        if (got === 0) throw new Error(`column store: column ${j} ends before trial ${start + count}`);
        done += got;
      }
      return out;
    },
    close: () => fds.forEach((fd) => closeSync(fd)),
  };
}
