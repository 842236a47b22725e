import { join } from './reader.ts';

/**
 * The key path of the first key repeated within one JSON object. JSON.parse
 * keeps the last of two equal keys without a word, so a scenario would run
 * on a value its author may not have meant.
 *
 * @param text JSON that JSON.parse accepts
 * @returns the path of the second occurrence, or null when every object's keys are unique
 * @example duplicateJsonKey('{"assets": [{"units": 1, "units": 2}]}') // 'assets[0].units'
 */
export function duplicateJsonKey(text: string): string | null {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return JSON.parse(text.slice(start, ++i)) as string;
  };
  // an explicit stack, so nesting depth cannot overflow the call stack
  const stack: { path: string; keys: Set<string> | null; index: number }[] = [];
  let path = '';
  for (;;) {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      stack.push({ path, keys: c === '{' ? new Set() : null, index: 0 });
    } else if (c === '"') string();
    else while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++; // number, true, false or null
    // after a value (or an opening bracket): close what ends here, then find the next slot
    for (;;) {
      space();
      const top = stack.at(-1);
      if (!top) return null;
      const ch = text[i];
      if (ch === '}' || ch === ']') {
        i++;
        stack.pop();
        continue;
      }
      if (ch === ',') i++;
      space();
      if (text[i] === '}' || text[i] === ']') continue;
      if (top.keys) {
        const key = string();
        path = join(top.path, key);
        if (top.keys.has(key)) return path;
        top.keys.add(key);
        space();
        i++; // the colon
      } else path = join(top.path, top.index++);
      break;
    }
  }
}
