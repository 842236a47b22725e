import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { ScenarioError } from '../errors.ts';
import { MAX_SCENARIO_BYTES } from './limits.ts';
import { PRESETS } from './presets.ts';

/**
 * Read a scenario file as UTF-8 text, refusing at once what would block or
 * exhaust memory: only a regular file of at most MAX_SCENARIO_BYTES is read
 * (a FIFO, a device or a directory is named, never opened for a blocking
 * read), a UTF-8 byte-order mark is dropped, and UTF-16 or bytes that are not
 * UTF-8 are refused.
 *
 * @param file the scenario file
 * @returns its text
 * @throws ScenarioError naming the file and why it cannot be read
 * @example readScenarioFile('scenarios/default.yaml').startsWith('#') // true
 */
export function readScenarioFile(file: string): string {
  const fail = (expected: string): never => {
    throw new ScenarioError(file, '', expected);
  };
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    // a mistyped built-in or command (`sim optimist`, `sim chek`) lands here too
    if (code(e) === 'ENOENT') return fail(`a readable scenario file (ENOENT: there is none, and the built-in scenarios are ${PRESETS.join(', ')}; \`sim --help\` lists the commands)`);
    return fail(`a readable scenario file (${code(e)})`);
  }
  if (st.isDirectory()) fail('a readable scenario file (EISDIR)');
  checkRegular(st, fail);
  let fd: number;
  try {
    // non-blocking: should the path turn into a FIFO after the stat, opening it still returns at once
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(`a readable scenario file (${code(e)})`);
  }
  try {
    checkRegular(fstatSync(fd), fail);
    // one byte more than the limit tells a file that grew since the stat
    const buf = Buffer.alloc(Math.min(st.size, MAX_SCENARIO_BYTES) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, n);
    if (n > MAX_SCENARIO_BYTES) tooLarge(n, fail);
    return decodeUtf8(buf.subarray(0, n), fail);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    return fail(`a readable scenario file (${code(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** Refuse anything but a regular file, by what it is, and a file above the size limit. */
function checkRegular(st: Stats, fail: (expected: string) => never): void {
  const kind = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : st.isDirectory() ? 'a directory' : null;
  if (kind) fail(`a regular scenario file, but this is ${kind} (a scenario is read whole before the run starts)`);
  if (st.size > MAX_SCENARIO_BYTES) tooLarge(st.size, fail);
}

const MIB = 2 ** 20;

function tooLarge(bytes: number, fail: (expected: string) => never): never {
  return fail(`a scenario file of at most ${MAX_SCENARIO_BYTES / MIB} MiB (README "Limits"), but this one has ${(bytes / MIB).toFixed(1)} MiB or more`);
}

/** UTF-8 text without its byte-order mark; UTF-16 (by its mark or a NUL in its first character) and anything else that is not UTF-8 text are refused. */
function decodeUtf8(bytes: Buffer, fail: (expected: string) => never): string {
  const bom16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (bom16 || (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0))) fail('expected UTF-8 text, but this file looks like UTF-16; save it as UTF-8');
  const notText = () => fail('expected UTF-8 text, but this file has bytes that are not UTF-8 text (is it binary, or in another encoding?)');
  if (bytes.includes(0)) notText();
  try {
    // TextDecoder drops a leading byte-order mark by default
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return notText();
  }
}
