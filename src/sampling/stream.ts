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

/**
 * The uniform stream of one input in one chunk, keyed by seed, chunk index and
 * the input's column name: adding, removing or reordering other inputs (a
 * utilization tier, an asset) leaves this input's draws unchanged, so runs of
 * scenario variants can be compared trial by trial.
 *
 * @param seed the run's seed
 * @param chunkIndex the chunk
 * @param name the input's column name, e.g. `h100.rentalPrice`
 * @returns a function giving the next uniform in (0, 1)
 * @example inputStream('1', 0, 'h100.rentalPrice')() // the same number whatever else the scenario holds
 */
export function inputStream(seed: string, chunkIndex: number, name: string): () => number {
  const rng = seedrandom.xor4096(`${seed}:${chunkIndex}:${name}`);
  return () => rng.double();
}
