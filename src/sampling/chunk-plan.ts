/** A run of consecutive trials sampled and simulated together. */
export interface Chunk {
  index: number;
  /** first trial of the chunk */
  start: number;
  count: number;
}

/** Default trials per chunk: several milliseconds of work, and part of the reproducibility key. */
export const DEFAULT_CHUNK_SIZE = 4096;

/**
 * Fixed-size chunks in trial order, one at a time: for a caller that reads
 * them once (a run of a million one-trial chunks would otherwise hold a
 * million objects, which costs the garbage collector more than making them).
 *
 * @param trials total trials
 * @param chunkSize trials per chunk (the last may be shorter)
 * @yields the chunks, in trial order
 * @example [...chunksOf(10, 4)] // [{index 0, start 0, count 4}, {1, 4, 4}, {2, 8, 2}]
 */
export function* chunksOf(trials: number, chunkSize: number): Generator<Chunk> {
  for (let index = 0, start = 0; start < trials; index++, start += chunkSize) {
    yield { index, start, count: Math.min(chunkSize, trials - start) };
  }
}

/**
 * Fixed-size chunks in trial order. Each chunk draws from its own stream,
 * so results depend on (seed, chunk size), never on which worker ran it.
 *
 * @param trials total trials
 * @param chunkSize trials per chunk (the last may be shorter)
 * @returns the chunks, in trial order
 * @example planChunks(10, 4) // [{index 0, start 0, count 4}, {1, 4, 4}, {2, 8, 2}]
 */
export function planChunks(trials: number, chunkSize: number): Chunk[] {
  return Array.from(chunksOf(trials, chunkSize));
}
