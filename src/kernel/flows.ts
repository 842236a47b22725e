/** Per-month paths of one asset in one trial, t = 0..H. Allocated once per worker. */
export interface Flows {
  /** surviving units (hardware): n[0] always, later months only where asked (FILL.units and above) */
  n: Float64Array;
  /** utilization of the tier in use (hardware), where asked (FILL.units and above) */
  u: Float64Array;
  /** cash flow received at the end of month t (CF[0] = 0) */
  CF: Float64Array;
  /** market value */
  M: Float64Array;
  /** net disposal value */
  S: Float64Array;
  /** discounted recoverable amount (IAS 36) */
  V: Float64Array;
  /** undiscounted recoverability amount (ASC 360) */
  W: Float64Array;
  /** the trial's units-of-production book, in USD */
  B: Float64Array;
  /** f[t] = n[t] / n[0]: the share of the units in service at t = 0 still in service (0 when n[0] = 0: every unit failed before t = 0; 1 for a model) */
  f: Float64Array;
  /** hardware: today's margin per surviving unit, cf[t] (t = 0 too), where asked (FILL.observed); model: revenue R[t] (t = 0 too), where asked */
  rate: Float64Array;
  /** hardware: months since the newest generation shipped, a(t) − shipAge, where asked (FILL.observed) */
  sinceShip: Float64Array;
}

export function allocateFlows(H: number): Flows {
  const f = () => new Float64Array(H + 1);
  return { n: f(), u: f(), CF: f(), M: f(), S: f(), V: f(), W: f(), B: f(), f: f(), rate: f(), sinceShip: f() };
}
