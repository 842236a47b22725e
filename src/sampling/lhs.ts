/**
 * Latin hypercube without an N×d permutation table: input j of trial i
 * falls in stratum π_j(i) of N equal-probability strata, where π_j is a
 * keyed pseudo-random permutation of 0..N−1 (a 4-round Feistel network on
 * the next even power of two, cycle-walked into range). Any chunk computes
 * its own strata, so the design does not depend on the worker count, and
 * every stratum is hit exactly once per input.
 */
export function stratum(i: number, N: number, key: number, half: number): number {
  const mask = (1 << half) - 1;
  let x = i;
  do {
    let L = x >>> half, R = x & mask;
    for (let r = 0; r < 4; r++) {
      const F = mix(R ^ Math.imul(key + r, 0x9e3779b9)) & mask;
      const t = R;
      R = (L ^ F) & mask;
      L = t;
    }
    x = ((L << half) | R) >>> 0;
  } while (x >= N);
  return x;
}

/** Bits per Feistel half: the smallest h with 4^h ≥ N. */
export function halfBits(N: number): number {
  let h = 1;
  while (2 ** (2 * h) < N) h++;
  return h;
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
