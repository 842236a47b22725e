/**
 * Pathwise recoverable amounts with the option to exit (MODEL.md
 * "Recoverable amount"), by backward induction:
 *   V[t] = max(S[t], d·(CF[t+1] + V[t+1]))   discounted (IAS 36)
 *   W[t] = max(S[t],    CF[t+1] + W[t+1])    undiscounted (ASC 360)
 * Returns exitMonth: the first t where selling is at least as good as holding, else H.
 */
export function recoverable(CF: Float64Array, S: Float64Array, d: number, H: number, V: Float64Array, W: Float64Array): number {
  V[H] = S[H];
  W[H] = S[H];
  let exit = H;
  for (let t = H - 1; t >= 0; t--) {
    const hold = d * (CF[t + 1] + V[t + 1]);
    if (S[t] >= hold) {
      V[t] = S[t];
      exit = t;
    } else V[t] = hold;
    const holdW = CF[t + 1] + W[t + 1];
    W[t] = S[t] > holdW ? S[t] : holdW;
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
