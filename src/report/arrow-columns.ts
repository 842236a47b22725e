import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Message, RecordBatchReader, Type, type Schema, type Utf8, type Vector } from 'apache-arrow';

/** Arrow's continuation marker before each message's metadata length. */
const CONTINUATION = -1;
/** "ARROW1" and two bytes of padding open an Arrow file. */
const FILE_MAGIC_BYTES = 8;
/** "ARROW1", which opens an Arrow IPC file and ends it after the footer. */
const MAGIC = 'ARROW1';

/**
 * Why a file cannot be a whole Arrow IPC file, from its first and last bytes
 * alone: apache-arrow's reader fails on a file cut short or replaced with
 * messages that say nothing of the file ("Cannot read properties of null").
 *
 * @param file the file
 * @returns null when it opens and ends with the Arrow magic, else what is wrong
 * @example arrowFileProblem('runs/x/summary.json') // 'it does not begin with the Arrow file magic ARROW1'
 */
export function arrowFileProblem(file: string): string | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const at = (pos: number) => {
      const b = Buffer.alloc(MAGIC.length);
      return readSync(fd, b, 0, b.length, pos) === b.length ? b.toString('latin1') : '';
    };
    if (size < FILE_MAGIC_BYTES + MAGIC.length || at(0) !== MAGIC) return `it does not begin with the Arrow file magic ${MAGIC}`;
    if (at(size - MAGIC.length) !== MAGIC) return `it does not end with the Arrow file magic ${MAGIC} after its footer`;
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Some float64 columns of the first trials of an Arrow file, NaN where the file holds null. */
export interface TrialColumns {
  /** trials read (≤ maxTrials) */
  n: number;
  /** trials the file holds (every batch's length summed) */
  total: number;
  columns: Map<string, Float64Array>;
  /** the run that wrote the file (its table metadata's run_id), when it says */
  runId?: string;
}

/**
 * Read only the wanted float64 columns of an Arrow IPC file, batch by batch,
 * seeking to their buffers: the report needs ~100 of trials.arrow's 600+
 * columns, and reading the whole file (500 MB at 100,000 trials) would cost
 * the run most of a second. Columns the file lacks (`--columns`) are left out.
 *
 * @param file an Arrow IPC file without compression or dictionaries (trials.arrow)
 * @param names the columns wanted
 * @param maxTrials stop after the batch that reaches this many trials
 * @returns the columns read, and how many trials they hold
 * @example (await readTrialColumns('runs/x/trials.arrow', ['portfolio.writedown'], 100_000)).columns.get('portfolio.writedown')
 */
export async function readTrialColumns(file: string, names: readonly string[], maxTrials: number): Promise<TrialColumns> {
  const schema = await fileSchema(file);
  const fd = openSync(file, 'r');
  try {
    const read = (pos: number, length: number) => {
      const b = new Uint8Array(length);
      if (readSync(fd, b, 0, length, pos) !== length) throw new Error(`${file}: truncated at byte ${pos}`);
      return b;
    };
    let pos = FILE_MAGIC_BYTES;
    /** The next message: its decoded metadata and where its body starts, or null at the end of the stream. */
    const next = () => {
      let len = new DataView(read(pos, 4).buffer).getInt32(0, true);
      pos += 4;
      if (len === CONTINUATION) {
        len = new DataView(read(pos, 4).buffer).getInt32(0, true);
        pos += 4;
      }
      if (len === 0) return null;
      const message = Message.decode(read(pos, len));
      const body = pos + len;
      pos = body + Number(message.bodyLength);
      return { message, body };
    };
    const wanted = new Set(names);
    // buffers per field in a record batch: validity and values, plus offsets for strings
    let buffer = 0;
    const slots = schema.fields.map((f, field) => {
      const at = { name: f.name, field, buffer, float: f.type.typeId === Type.Float };
      buffer += f.type.typeId === Type.Utf8 ? 3 : 2;
      return at;
    }).filter((s) => wanted.has(s.name) && s.float);
    const parts = new Map(slots.map((s) => [s.name, [] as Float64Array[]]));
    let n = 0, total = 0;
    for (let m = next(); m; m = next()) {
      if (!m.message.isRecordBatch()) continue; // a schema message, when a writer puts one first
      const batch = m.message.header();
      total += batch.length;
      if (n >= maxTrials) continue;
      for (const s of slots) {
        const validity = batch.buffers[s.buffer], values = batch.buffers[s.buffer + 1];
        const bytes = read(m.body + values.offset, values.length);
        const x = new Float64Array(bytes.buffer, 0, batch.length);
        if (batch.nodes[s.field].nullCount > 0) {
          const bits = read(m.body + validity.offset, validity.length);
          for (let i = 0; i < batch.length; i++) if (!(bits[i >> 3] & (1 << (i & 7)))) x[i] = NaN;
        }
        parts.get(s.name)!.push(x);
      }
      n += batch.length;
    }
    const columns = new Map([...parts].map(([name, p]) => [name, joined(p)]));
    return { n, total, columns, runId: schema.metadata.get('run_id') };
  } finally {
    closeSync(fd);
  }
}

/**
 * One column from its record batches' parts, in order.
 *
 * @param parts the parts
 * @returns them end to end
 * @example joined([Float64Array.of(1, 2), Float64Array.of(3)]) // Float64Array [1, 2, 3]
 */
export function joined(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The schema from the file's footer (apache-arrow's file writer puts it there only); the reader reads no batch for it. */
async function fileSchema(file: string): Promise<Schema> {
  const handle = await open(file, 'r');
  try {
    return (await RecordBatchReader.from(handle).then((r) => r.open())).schema;
  } finally {
    await handle.close();
  }
}

/**
 * A text column's values, each distinct one decoded once: a sensitivity table
 * of 500 assets names 6,000 inputs across 3 million rows, and decoding every
 * value (Vector.toArray) took 1.2–1.7 s a column and its garbage collection.
 * Equal byte strings are found by an FNV-1a hash, then compared byte for byte.
 *
 * @param v a Utf8 column
 * @param out where its values go, appended (a file's batches one after the other)
 * @param seen the names decoded so far, kept across the calls for one column's batches
 * @returns `out`, with the column's values appended in order, null where the column has none
 * @example utf8Values(table.getChild('input')!)[0] // 'h100.rentalPrice'
 */
export function utf8Values(v: Vector<Utf8>, out: (string | null)[] = [], seen: Utf8Names = new Map()): (string | null)[] {
  const decoder = new TextDecoder();
  let last: { bytes: Uint8Array; text: string } | undefined;
  for (const d of v.data) {
    const values = d.values, offsets = d.valueOffsets;
    for (let i = 0; i < d.length; i++) {
      if (d.nullCount > 0 && !d.getValid(i)) {
        out.push(null);
        continue;
      }
      const a = offsets[i], b = offsets[i + 1];
      // a run of one value (a sorted or grouped column) needs no lookup
      if (last && sameBytes(last.bytes, values, a, b)) {
        out.push(last.text);
        continue;
      }
      let h = 0x811c9dc5;
      for (let j = a; j < b; j++) h = Math.imul(h ^ values[j], 0x01000193);
      let bucket = seen.get(h);
      if (!bucket) seen.set(h, (bucket = []));
      last = undefined;
      for (const e of bucket) {
        if (sameBytes(e.bytes, values, a, b)) {
          last = e;
          break;
        }
      }
      if (!last) bucket.push((last = { bytes: values.slice(a, b), text: decoder.decode(values.subarray(a, b)) }));
      out.push(last.text);
    }
  }
  return out;
}

/** The names utf8Values decoded, by the FNV-1a hash of their bytes. */
export type Utf8Names = Map<number, { bytes: Uint8Array; text: string }[]>;

/** Whether `bytes` equals values[a..b). */
function sameBytes(bytes: Uint8Array, values: Uint8Array, a: number, b: number): boolean {
  if (bytes.length !== b - a) return false;
  for (let j = 0; j < bytes.length; j++) if (bytes[j] !== values[a + j]) return false;
  return true;
}
