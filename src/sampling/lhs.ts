/** Feistel rounds: four make a keyed pseudo-random permutation (Luby–Rackoff). */
const ROUNDS = 4;
// The multipliers are stored as int32 (`| 0`; Math.imul reads the same bits), so the round function stays in integer ops as with literals.
/** 2³² / φ, the golden-ratio Weyl increment: spreads consecutive round keys over all 32 bits. */
const GOLDEN_GAMMA = 0x9e3779b9 | 0;
/** MurmurHash3's fmix32 multipliers: every input bit flips each output bit with probability ≈ ½. */
const FMIX_C1 = 0x85ebca6b | 0;
const FMIX_C2 = 0xc2b2ae35 | 0;

/**
 * Latin hypercube without an N×d permutation table: input j of trial i
 * falls in stratum π_j(i) of N equal-probability strata, where π_j is a
 * keyed pseudo-random permutation of 0..N−1 (a 4-round Feistel network on
 * the next even power of two, cycle-walked into range). Any chunk computes
 * its own strata, so the design does not depend on the worker count, and
 * every stratum is hit exactly once per input.
 *
 * @param i the trial, 0 ≤ i < N
 * @param N the number of strata (all trials of the run)
 * @param key the input's permutation key
 * @param half bits per Feistel half, `halfBits(N)`
 * @returns the stratum π_key(i) in 0..N−1
 * @example stratum(0, 10, 12345, halfBits(10)) // a stratum in 0..9, each hit once over i = 0..9
 */
export function stratum(i: number, N: number, key: number, half: number): number {
  const mask = (1 << half) - 1;
  let x = i;
  do {
    let L = x >>> half, R = x & mask;
    for (let r = 0; r < ROUNDS; r++) {
      const F = mix(R ^ Math.imul(key + r, GOLDEN_GAMMA)) & mask;
      const t = R;
      R = (L ^ F) & mask;
      L = t;
    }
    x = ((L << half) | R) >>> 0;
  } while (x >= N);
  return x;
}

/**
 * Bits per Feistel half: the smallest h with 4^h ≥ N.
 *
 * @param N the number of strata
 * @returns h ≥ 1
 * @example halfBits(1000) // 5 (a 10-bit domain of 1024)
 */
export function halfBits(N: number): number {
  let h = 1;
  while (2 ** (2 * h) < N) h++;
  return h;
}

/** MurmurHash3's 32-bit finaliser, the Feistel round function. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), FMIX_C1);
  x = Math.imul(x ^ (x >>> 13), FMIX_C2);
  return (x ^ (x >>> 16)) >>> 0;
}
