import type { ScalarTag, Tags } from 'yaml';
import { quote } from './limits.ts';

/**
 * YAML 1.2's `!!float` for every float the core schema writes, integers
 * included: the yaml package resolves `!!float 72` to the string '72' (its
 * float test wants a point or an exponent), which a scenario would then
 * refuse as "a number, got the string '72'".
 */
const FLOAT_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  resolve(s, onError) {
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
    if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
    onError(`!!float cannot read ${quote(s)}`);
    return s;
  },
};

/**
 * The yaml package's tags with `!!float` as YAML 1.2 reads it: an explicit
 * tag resolves by the last tag of its name, so this one comes last.
 *
 * @param tags the schema's own tags
 * @returns them, and FLOAT_TAG
 * @example parseDocument('a: !!float 72', { customTags: withFloatTag }).toJS() // { a: 72 }
 */
export function withFloatTag(tags: Tags): Tags {
  return [...tags, FLOAT_TAG];
}
