import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { HARDWARE_INPUTS, MODEL_INPUTS } from '../schema.ts';

const INPUT_KEYS = new Set<string>([...HARDWARE_INPUTS, ...MODEL_INPUTS]);

/**
 * The figure each input cites: the comment beside it in a YAML scenario file
 * (`rentalPrice: {…}   # F7: $3.50 on-demand`), by input column name; a
 * utilization tier's own comment, else the one on `utilization:`. An input a
 * `--set` changed cites the --set instead. JSON files have no comments.
 *
 * @param file the scenario file's name (its kind)
 * @param text its text, as the run read it (readScenarioFile, with its limits): the file is read once
 * @param overrides the run's `--set PATH=VALUE` texts
 * @returns comment by column name (`h100.rentalPrice`, `h100.utilization.0`)
 * @example scenarioCitations(DEFAULT_SCENARIO, readScenarioFile(DEFAULT_SCENARIO), [])['h100.rentalPrice'] // 'F7: $3.50 on-demand, …'
 */
export function scenarioCitations(file: string, text: string, overrides: readonly string[]): Record<string, string> {
  if (file.toLowerCase().endsWith('.json')) return {};
  const doc = parseDocument(text);
  const assets = doc.get('assets');
  const out: Record<string, string> = {};
  if (!isSeq(assets)) return out;
  const comment = (n: unknown) => ((n as Node | null)?.comment ?? '').trim();
  for (const asset of assets.items) {
    if (!isMap(asset)) continue;
    const name = asset.get('name');
    if (typeof name !== 'string') continue;
    for (const pair of asset.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!INPUT_KEYS.has(key)) continue;
      if (isSeq(pair.value)) {
        const shared = comment(pair.key) || ((pair.value.commentBefore ?? '').trim());
        pair.value.items.forEach((tier, k) => (out[`${name}.${key}.${k}`] = comment(tier) || shared));
      } else out[`${name}.${key}`] = comment(pair.value) || comment(pair.key);
    }
  }
  for (const o of overrides) {
    const path = o.slice(0, o.indexOf('='));
    for (const input of Object.keys(out)) if (path === input || path.startsWith(`${input}.`)) out[input] = `set by --set ${o}`;
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v));
}
