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
 * Fixed-size chunks in trial order. Each chunk draws from its own stream,
 * so results depend on (seed, chunk size), never on which worker ran it.
 *
 * @param trials total trials
 * @param chunkSize trials per chunk (the last may be shorter)
 * @returns the chunks, in trial order
 * @example planChunks(10, 4) // [{index 0, start 0, count 4}, {1, 4, 4}, {2, 8, 2}]
 */
export function planChunks(trials: number, chunkSize: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (let index = 0, start = 0; start < trials; index++, start += chunkSize) {
    chunks.push({ index, start, count: Math.min(chunkSize, trials - start) });
  }
  return chunks;
}
