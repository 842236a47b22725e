/**
 * The spread of features over the trials in a fit, several features in one
 * pass: each feature's sum runs trial by trial as it would alone (so the
 * figures are the same bit for bit), but the features' additions no longer
 * wait on one another. The loop is generated once per number of features,
 * as moments.ts does for its sums.
 */

/** A feature's mean, range and sum of squared deviations over the trials with a positive norm, and whether it takes at most two values (every value its min or its max). */
export interface Spread { mean: number; min: number; max: number; ss: number; twoValues: boolean }

/** The generated passes (see spreadsOf). */
type Spreads = (rows: Float64Array[], norm: Float64Array, trials: number) => Spread[];

/** The two passes over the trials for `k` features: sums and ranges, then squared deviations and values other than min or max. */
function spreadsOf(k: number): Spreads {
  const each = (line: (f: number) => string) => Array.from({ length: k }, (_, f) => line(f)).join('\n');
  const loop = (body: string) => `for (let i = 0; i < n; i++) {\nif (!(norm[i] > 0)) continue;\n${each((f) => `const x${f} = r${f}[i];`)}\n${body}\n}`;
  const source = [
    'const n = norm.length;',
    each((f) => `const r${f} = rows[${f}]; let sum${f} = 0, min${f} = Infinity, max${f} = -Infinity, ss${f} = 0, others${f} = 0;`),
    loop(each((f) => `sum${f} += x${f}; min${f} = x${f} < min${f} ? x${f} : min${f}; max${f} = x${f} > max${f} ? x${f} : max${f};`)),
    each((f) => `const mean${f} = trials > 0 ? sum${f} / trials : 0;`),
    loop(each((f) => `ss${f} += (x${f} - mean${f}) ** 2; if (x${f} !== min${f} && x${f} !== max${f}) others${f}++;`)),
    `return [${each((f) => `{ mean: mean${f}, min: min${f}, max: max${f}, ss: ss${f}, twoValues: others${f} === 0 },`)}];`,
  ];
  // the source is built from the feature count and nothing else
  return new Function('rows', 'norm', 'trials', source.join('\n')) as Spreads;
}
const generated = new Map<number, Spreads>();

/**
 * The spread of each row over the trials with a positive norm.
 *
 * @param rows one feature each, one value per trial
 * @param norm a trial is in the fit where norm > 0
 * @param trials how many trials have norm > 0
 * @returns one Spread per row
 * @example spreads([Float64Array.of(1, 3, 5)], Float64Array.of(1, 1, 0), 2) // [{ mean: 2, min: 1, max: 3, ss: 2, twoValues: true }]
 */
export function spreads(rows: Float64Array[], norm: Float64Array, trials: number): Spread[] {
  let pass = generated.get(rows.length);
  if (!pass) generated.set(rows.length, (pass = spreadsOf(rows.length)));
  return pass(rows, norm, trials);
}
