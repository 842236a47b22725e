/** What `impairment` leaves for one book in one trial; reused across trials. */
export interface BookResult {
  /** cumulative losses up to and including each test month */
  cumulative: Float64Array;
  /** all losses over the horizon (impairments and the loss at a sale) */
  total: number;
  /** first month with a loss, NaN if none */
  first: number;
  /** C[0] before any loss at t = 0 */
  carrying0: number;
  /** the loss recognised at t = 0 */
  charge0: number;
  /** what the book loses in year k = 1..⌈H/12⌉ (depreciation, failures, losses, the result of a sale) */
  chargeY: Float64Array;
  /** the book of units failing in months 1..exit */
  failure: number;
}

/**
 * @param tests the number of test months
 * @param H horizon in months
 * @returns an empty result to reuse
 */
export function createBookResult(tests: number, H: number): BookResult {
  return { cumulative: new Float64Array(tests), total: 0, first: NaN, carrying0: 0, charge0: 0, chargeY: new Float64Array(Math.ceil(H / 12)), failure: 0 };
}

/**
 * The books of the units in service month by month (MODEL.md "Impairment with
 * reset"): C[t] = f[t]·(sal' + κ·(B[t] − salvage)); the book of units failing
 * in month t leaves as a failure loss at the state in force during that month;
 * impairment tests at the test months before the exit month (all of them when
 * held to H); at a sale at e < H the loss max(0, C[e] − S[e]), nothing after.
 * A loss resets the schedule's shape on x = X / f[t].
 *
 * @param B book schedule, t = 0..H (un-reset; for the units in service at t = 0), in units of `scale` USD
 * @param scale USD per unit of B (the book cost K0 for a tabulated schedule, 1 for one already in USD)
 * @param salvage the schedule's salvage value in USD
 * @param f share of the t = 0 units still in service, t = 0..H
 * @param V discounted recoverable amount (IFRS)
 * @param W undiscounted recoverability amount (US GAAP)
 * @param M market value
 * @param S net disposal value
 * @param tests test months, strictly increasing (the scenario is checked for it)
 * @param e exit month (H when held to the horizon)
 * @param H horizon in months
 * @param usgaap US GAAP (else IFRS)
 * @param res where the results go
 * @param path when given, C[t] after any loss at t, min(C, S) at the sale, 0 after it
 */
export function impairment(
  B: Float64Array, scale: number, salvage: number, f: Float64Array,
  V: Float64Array, W: Float64Array, M: Float64Array, S: Float64Array,
  tests: Int32Array, e: number, H: number, usgaap: boolean, res: BookResult, path?: Float64Array,
): void {
  let sal = salvage, kappa = 1, total = 0, first = NaN, failure = 0, charge0 = 0, yearStart = 0;
  let k = 0;
  // the month that closes the current year (12, 24, …, or H), counted rather than t % 12 every month
  let yearEnd = Math.min(12, H), year = 0;
  // the next month with more to do than a failure loss (t = 0, a test, a year's end, the sale): the months between run straight through
  let event = 0;
  // every unit still in service at every month (a model; a cohort without failures): no month adds a failure loss (f[t − 1] − f[t] = 0), so without a path the months between events are skipped
  let steady = !path;
  for (let t = 0; t <= H && steady; t++) steady = f[t] === 1;
  const chargeY = res.chargeY;
  // a loop, not fill(): a call into the runtime costs more than the few years it clears
  for (let y = 0; y < chargeY.length; y++) chargeY[y] = 0;
  for (let t = 0; t <= H; t++) {
    const Bt = scale * B[t];
    const base = sal + kappa * (Bt - salvage);
    if (t > 0) failure += (f[t - 1] - f[t]) * base;
    if (t !== event) {
      if (path) path[t] = f[t] * base;
      else if (steady) t = event - 1;
      continue;
    }
    const C = f[t] * base;
    if (t === 0) res.carrying0 = C;
    let after = C;
    if (t === e && e < H) {
      // the sale replaces any test at or after e
      const loss = C - S[e];
      if (loss > 0) {
        total += loss;
        if (Number.isNaN(first)) first = e;
        if (t === 0) charge0 = loss;
        after = S[e];
      }
      if (t === 0) yearStart = after;
      res.chargeY[year] = yearStart - S[e];
      for (; k < tests.length; k++) res.cumulative[k] = total;
      if (path) {
        path[t] = after;
        path.fill(0, t + 1, H + 1);
      }
      break;
    }
    if (k < tests.length && tests[k] === t) {
      let loss = 0;
      if (usgaap) {
        if (C > W[t]) loss = C - (M[t] > V[t] ? M[t] : V[t]);
      } else if (C > V[t]) loss = C - V[t];
      if (loss > 0) {
        total += loss;
        if (Number.isNaN(first)) first = t;
        if (t === 0) charge0 = loss;
        after = C - loss;
        const x = after / f[t]; // f[t] > 0: a loss needs C > 0
        sal = salvage < x ? salvage : x;
        const den = Bt - salvage;
        kappa = den !== 0 ? (x - sal) / den : 0;
      }
      res.cumulative[k++] = total;
    }
    if (path) path[t] = after;
    if (t === 0) yearStart = after;
    else if (t === yearEnd) {
      res.chargeY[year++] = yearStart - after;
      yearStart = after;
      yearEnd = Math.min(yearEnd + 12, H);
    }
    event = Math.min(yearEnd > t ? yearEnd : H + 1, k < tests.length ? tests[k] : H + 1, e > t && e < H ? e : H + 1);
  }
  res.total = total;
  res.first = first;
  res.charge0 = charge0;
  res.failure = failure;
}
