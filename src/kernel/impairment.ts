/**
 * Impairment with reset and the loss at exit (MODEL.md "Impairment with
 * reset"), for one book schedule in one trial.
 *
 * B: un-reset schedule B(a(t)); tests: sorted test months; e: exitMonth.
 * Writes into `res`: res[k] = cumulative losses up to and including
 * tests[k], then res[K] = total losses, res[K + 1] = first month with a loss
 * (NaN if none), where K = tests.length.
 */
export function impairment(
  B: Float64Array, salvage: number,
  V: Float64Array, W: Float64Array, M: Float64Array, S: Float64Array,
  tests: Int32Array, e: number, H: number, usgaap: boolean, res: Float64Array,
): void {
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
