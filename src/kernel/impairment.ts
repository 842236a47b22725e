/** Where `impairment` leaves one book's losses; reused across trials. */
export interface ImpairmentResult {
  /** cumulative losses up to and including each test month */
  cumulative: Float64Array;
  /** all losses over the horizon */
  total: number;
  /** first month with a loss, NaN if none */
  first: number;
}

/** The carrying-amount state each test loss leaves, in month order (struct of arrays, preallocated). */
export interface LossEvents {
  count: number;
  t: Float64Array;
  sal: Float64Array;
  kappa: Float64Array;
}

/**
 * @param tests the number of test months
 * @returns an empty result to reuse
 */
export function createImpairmentResult(tests: number): ImpairmentResult {
  return { cumulative: new Float64Array(tests), total: 0, first: NaN };
}

/**
 * @param tests the number of test months (at most one loss each)
 * @returns an empty event record to reuse
 */
export function createLossEvents(tests: number): LossEvents {
  return { count: 0, t: new Float64Array(tests), sal: new Float64Array(tests), kappa: new Float64Array(tests) };
}

/**
 * Impairment tests with reset, and the loss at exit (MODEL.md "Impairment with
 * reset"), for one book schedule in one trial.
 *
 * @param B un-reset schedule B(a(t)), t = 0..H
 * @param salvage the book's salvage value
 * @param V discounted recoverable amount (IFRS)
 * @param W undiscounted recoverability amount (US GAAP)
 * @param M market value
 * @param S net disposal value
 * @param tests sorted test months
 * @param e exit month (H when held to the horizon)
 * @param H horizon in months
 * @param usgaap US GAAP (else IFRS)
 * @param res where the losses go
 * @param events when given, each test loss records the state it leaves (see carryingPath)
 */
export function impairment(
  B: Float64Array, salvage: number,
  V: Float64Array, W: Float64Array, M: Float64Array, S: Float64Array,
  tests: Int32Array, e: number, H: number, usgaap: boolean, res: ImpairmentResult, events?: LossEvents,
): void {
  if (events) events.count = 0;
  let sal = salvage, kappa = 1, total = 0, first = NaN;
  let exited = e >= H; // holding to H: every test month is tested, no loss at exit
  for (let k = 0; k < tests.length; k++) {
    const t = tests[k];
    if (!exited && t >= e) {
      // the sale at e replaces any test at or after it
      const loss = sal + kappa * (B[e] - salvage) - S[e];
      if (loss > 0) {
        total += loss;
        if (Number.isNaN(first)) first = e;
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
        if (Number.isNaN(first)) first = t;
        const X = C - loss;
        sal = salvage < X ? salvage : X;
        const den = B[t] - salvage;
        kappa = den !== 0 ? (X - sal) / den : 0;
        if (events) {
          const at = events.count++;
          events.t[at] = t;
          events.sal[at] = sal;
          events.kappa[at] = kappa;
        }
      }
    }
    res.cumulative[k] = total;
  }
  if (!exited) {
    const loss = sal + kappa * (B[e] - salvage) - S[e];
    if (loss > 0) {
      total += loss;
      if (Number.isNaN(first)) first = e;
    }
  }
  res.total = total;
  res.first = first;
}

/**
 * Monthly carrying amount C[t] for t = 0..H from the states `impairment`
 * recorded: after any loss at t; at the exit month e < H the sale leaves
 * min(C, S[e]); after e the asset is gone (0).
 *
 * @param B un-reset schedule
 * @param salvage the book's salvage value
 * @param S net disposal value
 * @param events the states recorded by `impairment`
 * @param e exit month
 * @param H horizon in months
 * @param out C[t], t = 0..H
 */
export function carryingPath(B: Float64Array, salvage: number, S: Float64Array, events: LossEvents, e: number, H: number, out: Float64Array): void {
  let sal = salvage, kappa = 1, next = 0;
  for (let t = 0; t <= H; t++) {
    while (next < events.count && events.t[next] <= t) {
      sal = events.sal[next];
      kappa = events.kappa[next];
      next++;
    }
    const C = sal + kappa * (B[t] - salvage);
    if (e >= H || t < e) out[t] = C;
    else if (t === e) out[t] = C < S[e] ? C : S[e];
    else out[t] = 0;
  }
}
