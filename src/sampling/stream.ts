import seedrandom from 'seedrandom';

/**
 * The uniform stream of one chunk: seedrandom's xor4096 (built for Monte
 * Carlo; `.double()` has 53 bits and is never 0), keyed by seed and chunk
 * index. Building one costs microseconds, so it is done once per chunk.
 *
 * @param seed the run's seed
 * @param chunkIndex the chunk
 * @returns a function giving the next uniform in (0, 1)
 * @example chunkStream('1', 0)() // 0.7793380535784759, on every machine
 */
export function chunkStream(seed: string, chunkIndex: number): () => number {
  const rng = seedrandom.xor4096(`${seed}:${chunkIndex}`);
  return () => rng.double();
}
