import { parseDocument, type ScalarTag, type Tags } from 'yaml';
import { MAX_YAML_ALIASES, quote } from './limits.ts';

/**
 * YAML as a scenario reads it, in a file or after `--set PATH=`: one
 * document, keys once per mapping, merge keys (<<), YAML 1.2's !!float, and
 * aliases expanded to a bound. Anything else is a YamlProblem, never a
 * value the reader guessed at and never a warning on stderr.
 */

/**
 * YAML 1.2's `!!float` for every float the core schema writes, integers
 * included: the yaml package resolves `!!float 72` to the string '72' (its
 * float test wants a point or an exponent). An explicit tag resolves by the
 * last tag of its name, so this one comes after the schema's own.
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

/** What is wrong with a YAML text (`message`), what a reader expected instead (`expected`), and where (line and column from 1) when the parser says. */
export class YamlProblem extends Error {
  constructor(message: string, readonly pos?: { line: number; col: number }, readonly expected = `valid YAML (${message})`) {
    super(message);
  }
}

/**
 * Parse one YAML document into plain values.
 *
 * @param text the YAML
 * @returns its value (undefined for an empty document)
 * @throws YamlProblem for a syntax error, a second document, a tag YAML does not know, an alias with no anchor or beyond MAX_YAML_ALIASES
 * @example readYaml('a: !!float 72') // { a: 72 }
 */
export function readYaml(text: string): unknown {
  // logLevel 'error': the package's warnings would reach stderr as Node warnings; the ones that matter are refused below
  const doc = parseDocument(text, { uniqueKeys: true, merge: true, customTags: (tags: Tags) => [...tags, FLOAT_TAG], logLevel: 'error' });
  const err = doc.errors[0];
  // the parser's recursion runs out of stack on thousands of nested lists or mappings; a scenario needs five levels
  const tooDeep = (message: string) => /Maximum call stack size exceeded/.test(message) ? 'YAML nested less deeply: the parser ran out of stack here (a scenario needs about five levels)' : undefined;
  if (err) {
    const deep = tooDeep(err.message);
    if (deep) throw new YamlProblem('Maximum call stack size exceeded', err.linePos?.[0], deep);
    const message = err.code === 'MULTIPLE_DOCS' ? 'one document, but a second begins here: ---' : err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlProblem(message, err.linePos?.[0]);
  }
  const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tag) throw new YamlProblem(`a tag YAML knows, not ${/tag: (\S+)/.exec(tag.message)?.[1] ?? 'this one'}; write the value without it`, tag.linePos?.[0]);
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw new YamlProblem((e as Error).message, undefined, tooDeep((e as Error).message));
    // an alias to nothing, or the package's guard against alias bombs
    const message = quote(e.message);
    throw new YamlProblem(message, undefined, /^Unresolved alias/.test(e.message)
      ? `YAML whose every alias (*name) follows its anchor (&name): ${message}`
      : `YAML whose aliases (*name) expand to at most ${MAX_YAML_ALIASES.toLocaleString('en-US')} nodes (README "Limits"): ${message}`);
  }
}
