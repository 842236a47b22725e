/**
 * Impairment with reset and the loss at exit (MODEL.md "Impairment with
 * reset"), for one book schedule in one trial.
 *
 * B: un-reset schedule B(a(t)); tests: sorted test months; e: exitMonth.
 * Writes into `res`: res[k] = cumulative losses up to and including
 * tests[k], then res[K] = total losses, res[K + 1] = first month with a loss
 * (NaN if none), where K = tests.length. When `events` is given, each
 * test loss also records the carrying-amount state it leaves (see carryingPath).
 */
export function impairment(
  B: Float64Array, salvage: number,
  V: Float64Array, W: Float64Array, M: Float64Array, S: Float64Array,
  tests: Int32Array, e: number, H: number, usgaap: boolean, res: Float64Array, events?: Float64Array,
): void {
  if (events) events[0] = 0;
  let sal = salvage, kappa = 1, total = 0, first = NaN;
  let exited = e >= H; // holding to H: every test month is tested, no loss at exit
  const K = tests.length;
  for (let k = 0; k < K; k++) {
    const t = tests[k];
    if (!exited && t >= e) {
      // the sale at e replaces any test at or after it
      const loss = sal + kappa * (B[e] - salvage) - S[e];
      if (loss > 0) {
        total += loss;
        if (first !== first) first = e;
      }
      exited = true;
    }
    if (t < e || e >= H) {
      const C = sal + kappa * (B[t] - salvage);
      let loss = 0;
      if (usgaap) {
        if (C > W[t]) loss = C - (M[t] > V[t] ? M[t] : V[t]);
      } else if (C > V[t]) loss = C - V[t];
      if (loss > 0) {
        total += loss;
        if (first !== first) first = t;
        const X = C - loss;
        sal = salvage < X ? salvage : X;
        const den = B[t] - salvage;
        kappa = den !== 0 ? (X - sal) / den : 0;
        if (events) {
          const at = 1 + 3 * events[0]++;
          events[at] = t;
          events[at + 1] = sal;
          events[at + 2] = kappa;
        }
      }
    }
    res[k] = total;
  }
  if (!exited) {
    const loss = sal + kappa * (B[e] - salvage) - S[e];
    if (loss > 0) {
      total += loss;
      if (first !== first) first = e;
    }
  }
  res[K] = total;
  res[K + 1] = first;
}

/**
 * Monthly carrying amount C[t] for t = 0..H from the states `impairment`
 * recorded: after any loss at t; at the exit month e < H the sale leaves
 * min(C, S[e]); after e the asset is gone (0).
 */
export function carryingPath(B: Float64Array, salvage: number, S: Float64Array, events: Float64Array, e: number, H: number, out: Float64Array): void {
  let sal = salvage, kappa = 1, next = 0;
  const count = events[0];
  for (let t = 0; t <= H; t++) {
    while (next < count && events[1 + 3 * next] <= t) {
      sal = events[2 + 3 * next];
      kappa = events[3 + 3 * next];
      next++;
    }
    const C = sal + kappa * (B[t] - salvage);
    out[t] = e >= H || t < e ? C : t === e ? (C < S[e] ? C : S[e]) : 0;
  }
}
