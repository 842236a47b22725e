/**
 * Pathwise recoverable amounts with the option to exit (MODEL.md "Recoverable
 * amount", `pathwise`), by backward induction over one trial's own future:
 *   V[t] = max(S[t], d·(CF[t+1] + V[t+1]))          discounted (IAS 36)
 *   exit at t ⇔ S[t] ≥ d·(CF[t+1] + V[t+1])         the holder's rule (a tie exits)
 *   Zu[t] = S[t] if exit at t, else CF[t+1] + Zu[t+1]
 *   W[t] = max(S[t], CF[t+1] + Zu[t+1])              undiscounted (ASC 360), the holder's own plan
 * Models (no market) are never tested for exit: V keeps its max (with S = 0,
 * a floor at 0 as the formula reads), but their exit month is H and Zu runs on.
 *
 * @param CF cash flows, t = 1..H
 * @param S net disposal value, t = 0..H
 * @param d monthly discount factor
 * @param H horizon in months
 * @param canExit whether the holder may sell (hardware), or not (models)
 * @param V discounted recoverable amount, filled for t = 0..H
 * @param W undiscounted recoverability amount, filled for t = 0..H; null where nothing reads it (IFRS), which spares its half of the loop
 * @returns exitMonth: the first t with an exit, else H
 */
export function recoverable(CF: Float64Array, S: Float64Array, d: number, H: number, canExit: boolean, V: Float64Array, W: Float64Array | null): number {
  V[H] = S[H];
  if (W) W[H] = S[H];
  // V[t + 1] and Zu[t + 1] carried in locals: each month waits on the last, and a store then a load of it would add to that wait
  let v = S[H], zu = S[H];
  let exit = H;
  for (let t = H - 1; t >= 0; t--) {
    const cf = CF[t + 1], s = S[t];
    const hold = d * (cf + v);
    // Math.max compiles to a max instruction where a ternary branches; the exit test keeps the tie rule
    v = Math.max(s, hold);
    V[t] = v;
    const sell = canExit && s >= hold;
    if (sell) exit = t;
    if (W) {
      const holdU = cf + zu;
      W[t] = Math.max(s, holdU);
      zu = sell ? s : holdU;
    }
  }
  return exit;
}

/** First t ≥ 1 with Σ CF[1..t] + S[t] ≥ K, else NaN. */
export function paybackMonth(CF: Float64Array, S: Float64Array, K: number, H: number): number {
  let cum = 0;
  for (let t = 1; t <= H; t++) {
    cum += CF[t];
    if (cum + S[t] >= K) return t;
  }
  return NaN;
}
