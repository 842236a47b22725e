import { statfsSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { InputError } from './errors.ts';
import { trialBatches, type Format } from './output/write-run.ts';
import type { Plan } from './plan.ts';
import { availableMemory, GIB, MEMORY_BUDGET, type RunConfig } from './run-config.ts';
import { chunksOf } from './sampling/chunk-plan.ts';
import type { Scenario } from './scenario/types.ts';
import { PATH_QUANTITIES } from './schema.ts';
import { BANDS } from './stats/path-bands.ts';
import { SUMMARY_FIELDS } from './stats/summarize.ts';
import { FEATURES } from './valuation/basis.ts';

/** What a run will hold in memory and write to disk, in bytes, estimated before it starts. */
export interface ResourceNeeds {
  /** the --out path as given, for messages */
  out: string;
  /** a directory on the file system the run writes to */
  dir: string;
  store: 'memory' | 'spill';
  /** the column store (columns and input ranks) */
  storeBytes: number;
  /** the trials table's values (what --format parquet builds in memory) */
  trialsBytes: number;
  formats: Format[];
  /** every file the run writes into its directory besides the spilled columns, by part (diskNeeds) */
  files: DiskPart[];
  /** beside a memory store: the shared path sample, and the worker threads' chunk buffers and scratch */
  paths: number;
  workers: number;
  /** the coherence check's trials, when the run checks its scenario while the pool runs */
  check?: number;
  /** the sensitivity table's key outputs and uncertain inputs: a row per pair, built in the main thread's heap */
  sensitivity?: { outputs: number; inputs: number };
  /** whose needs these are, for the advice: `sim merge` cannot change what its shards fixed (trials, columns, formats, path sample) */
  command?: 'run' | 'merge';
}

/** What each command can change when a run does not fit: memory (with a memory store or not), the Parquet table, the disk. */
const ADVICE = {
  run: {
    memory: (store: boolean) => `use ${store ? '--store spill, ' : ''}a smaller --path-sample or --chunk-size, fewer --workers or fewer --trials`,
    parquet: 'use --format arrow, fewer --columns or fewer --trials',
    disk: 'use fewer --trials or --columns, or another --out',
  },
  merge: {
    memory: (store: boolean) => `use ${store ? '--store spill or ' : ''}fewer --workers, or merge on a machine with more memory`,
    parquet: 'the shards ask for it: run them again with --format arrow',
    disk: 'free space there, or use another --out',
  },
};

const MIB = 2 ** 20;
/**
 * Main-thread heap a row of the sensitivity table takes: its two names in
 * the run's table, then as strings again where the report reads the file
 * back. 500 cohorts, 3,006,000 rows, with the report: a heap peak of 550 MB,
 * about 180 bytes a row with the summaries.
 */
export const SENSITIVITY_ROW_HEAP = 200;
/** Share of V8's heap limit the sensitivity table may take: the summaries, summary.json and the report need the rest. */
const SENSITIVITY_HEAP_SHARE = 0.75;
/** Bytes as a person reads them: GiB to a tenth, MiB below one GiB. */
const gb = (bytes: number) => (bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.ceil(bytes / MIB)} MiB`);

/**
 * Refuse, before any trial runs, a run that cannot fit: memory (a memory
 * store, the path sample, the workers' buffers) beyond the machine's, a Parquet trials table (built whole in memory)
 * above MEMORY_BUDGET, or files that need more disk than is free where the
 * run is written. Found otherwise, these end a run hours in with an
 * allocation failure or ENOSPC.
 *
 * @param n what the run needs
 * @param free bytes free for this user at n.dir (default: the file system's count)
 * @throws InputError naming the limit, what the run needs and what to change
 * @example checkResources({ out: 'runs/x', dir: 'runs', store: 'spill', storeBytes: 141e9, trialsBytes: 1e9, formats: ['arrow'], paths: 9e7, workers: 5e7 }) // throws on a disk with 78 GB free
 */
export function checkResources(n: ResourceNeeds, free = freeBytes(n.dir)): void {
  const store = n.store === 'memory' ? n.storeBytes : 0, check = n.check ?? 0, advice = ADVICE[n.command ?? 'run'];
  if (store + n.paths + n.workers + check > availableMemory()) {
    const parts = [...(store ? [`columns ${gb(store)}`] : []), `path sample ${gb(n.paths)}`, `worker buffers ${gb(n.workers)}`, ...(check ? [`coherence check ${gb(check)}`] : [])].join(', ');
    throw new InputError(`this run needs about ${gb(store + n.paths + n.workers + check)} of memory (${parts}), more than the ${gb(availableMemory())} this process may use; ${advice.memory(store > 0)}`);
  }
  const rows = n.sensitivity ? n.sensitivity.outputs * n.sensitivity.inputs : 0, heap = SENSITIVITY_HEAP_SHARE * getHeapStatistics().heap_size_limit;
  if (rows * SENSITIVITY_ROW_HEAP > heap) {
    throw new InputError(`the sensitivity table would have ${rows.toLocaleString('en-US')} rows (${n.sensitivity!.outputs.toLocaleString('en-US')} key outputs × ${n.sensitivity!.inputs.toLocaleString('en-US')} uncertain inputs: it grows with the square of the number of assets), about ${gb(rows * SENSITIVITY_ROW_HEAP)} of the main thread's JavaScript heap, more than the ${gb(heap)} it may take; split the portfolio into runs of fewer assets, or raise node's heap limit (NODE_OPTIONS=--max-old-space-size=MiB)`);
  }
  if (n.formats.includes('parquet') && n.trialsBytes > MEMORY_BUDGET) {
    throw new InputError(`--format parquet builds the trials table in memory: ${gb(n.trialsBytes)} is above the ${gb(MEMORY_BUDGET)} limit; ${advice.parquet}`);
  }
  // the spilled columns and every file sit in the temporary directory together (it is renamed onto --out, on the same file system)
  const spill = n.store === 'spill' ? n.storeBytes : 0;
  const disk = spill + n.files.reduce((t, f) => t + f.bytes, 0);
  if (disk > free) {
    const parts = [...(spill ? [`spilled columns ${gb(spill)}`] : []), ...n.files.filter((f) => f.bytes > 0).map((f) => `${f.part} ${gb(f.bytes)}`)].join(', ');
    throw new InputError(`--out ${n.out}: this run needs about ${gb(disk)} of disk (${parts}) but ${gb(free)} is free there; ${advice.disk}`);
  }
}

/** Bytes an unprivileged user may still write on the file system holding `dir`. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** One part of what a run writes, named as the refusal names it. */
export interface DiskPart {
  part: string;
  bytes: number;
}

/**
 * Arrow IPC files (ArrowFileSink, apache-arrow 21), measured and rounded up: a
 * file's magic, framing and footer; a field's flatbuffer in the schema besides
 * its name and metadata (the footer repeats the schema); a record batch's
 * message framing, header and footer block; a field's node and buffers in a
 * batch header, and each buffer's padding to 8 bytes.
 */
const ARROW_FILE_BYTES = 1024;
const ARROW_FIELD_BYTES = 128;
const ARROW_BATCH_BYTES = 256;
const ARROW_BATCH_FIELD_BYTES = 96;
/** Table-level key-value metadata of a table (run id, seed, sampler, caveat, method: about 2 KB), in each file once or twice. */
const TABLE_METADATA_BYTES = 16 * 1024;
/** Field metadata (unit, role, a description) of a column of the small tables. */
const FIELD_METADATA_BYTES = 128;

/**
 * Parquet files (hyparquet-writer 0.17 defaults, as writeTable calls it):
 * row groups of 1,000 rows then 100,000, pages of 1 MiB, Snappy, statistics
 * and an offset index. Per column chunk its footer entry (path, encodings,
 * sizes, offsets), per page its header and offset-index entry, per field its
 * schema element, and the file's magic and footer framing.
 */
const PARQUET_ROW_GROUPS = [1000, 100_000];
const PARQUET_PAGE_BYTES = 2 ** 20;
const PARQUET_CHUNK_BYTES = 256;
const PARQUET_PAGE_HEADER_BYTES = 96;
const PARQUET_FIELD_BYTES = 64;
const PARQUET_FILE_BYTES = 1024;

/** The longest number JSON.stringify writes: -2.2250738585072014e-308. */
const JSON_NUMBER_CHARS = 24;
/** summary.json's lines besides its columns (table metadata, method texts, trials, valuation kind). */
const SUMMARY_JSON_HEAD_BYTES = 16 * 1024;
/** A manifest's or shard.json's fields that do not grow with the scenario (timings, sampler, caveat, files, command). */
const MANIFEST_BYTES = 32 * 1024;
/** Per asset in a manifest: its valuation summary (manifest and summary.json) and the coherence check's warnings about it. */
const MANIFEST_ASSET_BYTES = 4 * 1024;
/** report.html besides its data: the inlined d3 and Observable Plot (about 0.5 MB), the page script and styles. */
const REPORT_PAGE_BYTES = 2 ** 20;

/** A column of a table as its bound needs it: type, name and field-metadata bytes, and for text the bytes over all rows. */
interface FieldBound {
  type: 'float64' | 'int32' | 'utf8';
  name: number;
  meta: number;
  text?: number;
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const utf8 = (s: string) => Buffer.byteLength(s);

/** The bytes a column takes in a record batch of `rows` rows: values, offsets and text, a validity bitmap (NaN as null) for float64. */
function arrowBody(f: FieldBound, rows: number, text: number): number {
  if (f.type === 'float64') return pad8(8 * rows) + pad8(Math.ceil(rows / 8));
  if (f.type === 'int32') return pad8(4 * rows);
  return pad8(4 * (rows + 1)) + pad8(text);
}

/**
 * An upper bound of an Arrow file's bytes.
 *
 * @param fields the columns
 * @param batches rows of each record batch (text columns: one batch)
 */
function arrowBytes(fields: FieldBound[], batches: number[]): number {
  const schema = TABLE_METADATA_BYTES + fields.reduce((t, f) => t + ARROW_FIELD_BYTES + f.name + f.meta, 0);
  const rows = batches.reduce((t, r) => t + r, 0);
  const batch = (r: number) => ARROW_BATCH_BYTES + fields.reduce((t, f) => t + ARROW_BATCH_FIELD_BYTES + arrowBody(f, r, f.text ?? 0), 0);
  return ARROW_FILE_BYTES + 2 * schema + (rows === 0 ? batch(0) : batches.reduce((t, r) => t + batch(r), 0));
}

/**
 * An upper bound of a Parquet file's bytes: every value plain (a dictionary is
 * kept only when smaller), definition levels bit-packed at worst, and
 * hyparquet-writer's Snappy at its worst: a literal header of at most 5 bytes,
 * and a literal longer than 60 bytes (2-byte header and up) is followed by a
 * copy of 4 bytes or more written in 3 at most, so incompressible pages grow
 * by under 1/64, plus the length varint and the last literal's header.
 *
 * @param fields the columns
 * @param rows the table's rows
 */
function parquetBytes(fields: FieldBound[], rows: number): number {
  const groups: number[] = [];
  for (let left = rows, i = 0; left > 0 || groups.length === 0; i++) {
    const size = Math.min(left, PARQUET_ROW_GROUPS[Math.min(i, PARQUET_ROW_GROUPS.length - 1)]);
    groups.push(size);
    left -= size;
  }
  const snappy = (n: number) => 16 + n + Math.ceil(n / 64);
  const chunk = (f: FieldBound, r: number) => {
    // text columns: at most all of their text in one group, 4 bytes of length per value
    const values = f.type === 'float64' ? 8 * r : f.type === 'int32' ? 4 * r : 4 * r + (f.text ?? 0);
    const pages = Math.max(1, Math.ceil(values / PARQUET_PAGE_BYTES));
    // min and max statistics: 8 bytes each, or the longest text
    const stats = 2 * (f.type === 'utf8' ? (f.text ?? 0) : 8);
    return PARQUET_CHUNK_BYTES + f.name + stats + pages * (PARQUET_PAGE_HEADER_BYTES + 8 + snappy(0)) + snappy(values) - snappy(0) + Math.ceil(r / 8) + 8 * pages;
  };
  const schema = fields.reduce((t, f) => t + PARQUET_FIELD_BYTES + 2 * f.name + f.meta, 0);
  return PARQUET_FILE_BYTES + TABLE_METADATA_BYTES + schema + groups.reduce((t, r) => t + fields.reduce((u, f) => u + chunk(f, r), 0), 0);
}

/** A table's files in every format asked for. */
function tableBytes(formats: Format[], fields: FieldBound[], rows: number, arrowBatches: number[] = [rows]): number {
  return (formats.includes('arrow') ? arrowBytes(fields, arrowBatches) : 0) + (formats.includes('parquet') ? parquetBytes(fields, rows) : 0);
}

/** Pretty-printed JSON's bytes (writeJson: two-space indent, a final newline). */
const jsonBytes = (value: unknown) => utf8(JSON.stringify(value, null, 2)) + 1;

/** What diskNeeds reads of a prepared run. */
export interface DiskPlan {
  plan: Plan;
  scenario: Scenario;
  config: Pick<RunConfig, 'formats' | 'report' | 'chunkSize' | 'pathSample' | 'overrides' | 'columns'>;
  /** plan columns written to the trials files (--columns) */
  selected: number[];
  citations: Record<string, string>;
  repaired: unknown;
}

/**
 * Every file a run, a shard or a merge writes into its directory, from its
 * plan: exact where the size is known before the run (scenario.json, a
 * shard's columns and path sample), else a tight upper bound of the values
 * and the files' framing (trials, summary, sensitivity and paths tables,
 * summary.json, valuation.json), and a bounded allowance for what does not
 * grow with the scenario (the manifest's fixed fields, report.html's scripts).
 *
 * @param p the prepared run
 * @param o `capacity`: the trials the run (or the shard) holds; a shard's `trials` (the run's) and `first` trial, and `shard` for a shard directory
 * @returns the parts, named as a refusal names them
 * @example diskNeeds(prepared, { capacity: 20_000 }) // [{ part: 'trials files', bytes: 1.03e8 }, { part: 'report and summaries', bytes: 4.9e6 }]
 */
export function diskNeeds(p: DiskPlan, o: { capacity: number; trials?: number; first?: number; shard?: boolean }): DiskPart[] {
  const { plan, scenario, config } = p;
  const B = Float64Array.BYTES_PER_ELEMENT;
  const assets = plan.assets.length;
  const H = plan.H;
  const scenarioJson = jsonBytes(scenario);
  // valuation.json: per asset a fit per month (t ≤ H): t, trials, r2 and r2U, the features' mean and scale, the basis and its coefficients (beta, betaU)
  const basis = 1 + FEATURES + (FEATURES * (FEATURES + 1)) / 2;
  const line = (chars: number) => 10 + chars + 2; // inside an array of a fit: ten spaces, the value, a comma and a newline
  const fit = 512 + 2 * FEATURES * line(JSON_NUMBER_CHARS) + 2 * basis * line(JSON_NUMBER_CHARS) + basis * line(utf8(`"x${FEATURES}*x${FEATURES}"`));
  const valuationJson = plan.valuation === 'expected' ? 1024 + plan.assets.reduce((t, a) => t + utf8(a.name) + 16 + (H + 1) * fit, 0) : 0;
  // a manifest or shard.json: its fixed fields, then what grows with the scenario, indented up to twice as deep as here
  const manifest = MANIFEST_BYTES + assets * MANIFEST_ASSET_BYTES
    + 2 * jsonBytes({ citations: p.citations, overrides: config.overrides, columns: config.columns, repaired: p.repaired, inputs: plan.sensitivity.inputs.map((j) => plan.columns[j].name) })
    + plan.correlations.reduce((t, [a, b]) => t + 2 * (utf8(a) + utf8(b)) + 3 * JSON_NUMBER_CHARS + 160, 0);
  if (o.shard) {
    // columns.f64: every plan column of the shard's trials; paths.f64: its trials' part of the path sample (src/shard/files.ts)
    const K = Math.min(config.pathSample, o.trials ?? o.capacity), first = o.first ?? 0;
    const sampled = Math.max(0, Math.min(first + o.capacity, K) - Math.min(first, K));
    return [
      { part: 'shard columns', bytes: plan.columns.length * o.capacity * B },
      { part: 'path sample', bytes: assets * PATH_QUANTITIES.length * (H + 1) * sampled * B },
      { part: 'scenario and shard files', bytes: scenarioJson + valuationJson + manifest },
    ];
  }
  const { formats } = config;
  const f64 = (name: string, meta = FIELD_METADATA_BYTES): FieldBound => ({ type: 'float64', name: utf8(name), meta });
  const text = (name: string, values: string[], repeat = 1): FieldBound => ({ type: 'utf8', name: utf8(name), meta: FIELD_METADATA_BYTES, text: repeat * values.reduce((t, v) => t + utf8(v), 0) });
  // trials: `trial`, then the selected columns with their unit and role, in record batches of whole chunks (trialsWriter)
  const trialFields: FieldBound[] = [
    { type: 'int32', name: utf8('trial'), meta: FIELD_METADATA_BYTES },
    ...p.selected.map((j) => f64(plan.columns[j].name, utf8(`unit${plan.columns[j].unit}role${plan.columns[j].role}`))),
  ];
  const batches = trialBatches(chunksOf(o.capacity, config.chunkSize), p.selected.length).map((b) => b.count);
  const trials = tableBytes(formats, trialFields, o.capacity, batches);
  // summary: a row per plan column and per paired comparison (USD, loss): column, role, unit, then SUMMARY_FIELDS
  const rows = [...plan.columns, ...plan.comparisons.map((c) => ({ name: c.name, unit: 'USD', role: 'loss' }))];
  const summary = tableBytes(formats, [
    text('column', rows.map((r) => r.name)), text('role', rows.map((r) => r.role)), text('unit', rows.map((r) => r.unit)),
    ...SUMMARY_FIELDS.map((f) => f64(f)),
  ], rows.length);
  // summary.json: per row its name, role and unit and a line per summary field
  const summaryJson = SUMMARY_JSON_HEAD_BYTES + assets * MANIFEST_ASSET_BYTES + rows.reduce((t, r) => t + utf8(JSON.stringify(r.name)) + 8 + 7
    + utf8(r.role) + 20 + utf8(r.unit) + 20 + SUMMARY_FIELDS.reduce((u, f) => u + f.length + 12 + JSON_NUMBER_CHARS, 0), 0);
  // sensitivity: a row per key output and uncertain input
  const outputs = plan.sensitivity.outputs.map((j) => plan.columns[j].name), inputs = plan.sensitivity.inputs.map((j) => plan.columns[j].name);
  const sensitivityFields = [
    text('output', outputs, inputs.length), text('input', inputs, outputs.length),
    ...['spearman', 'variance_share', 'mean_bottom_decile', 'mean_top_decile', 'swing'].map((f) => f64(f)),
  ];
  const sensitivity = tableBytes(formats, sensitivityFields, outputs.length * inputs.length);
  // paths: a row per series (each asset, the portfolio), quantity and month t = 0 … H, with BANDS
  const series = [...plan.assets.map((a) => a.name), 'portfolio'], months = H + 1;
  const pathFields: FieldBound[] = [
    { type: 'int32', name: 1, meta: FIELD_METADATA_BYTES }, text('series', series, PATH_QUANTITIES.length * months), text('quantity', [...PATH_QUANTITIES], series.length * months),
    ...BANDS.map((b) => f64(b)),
  ];
  const pathRows = series.length * PATH_QUANTITIES.length * months;
  const paths = tableBytes(formats, pathFields, pathRows);
  // report.html: its scripts, then data that summarise summary.json, the path bands and the sensitivity (each section shows fewer numbers than they hold)
  const report = config.report ? REPORT_PAGE_BYTES + summaryJson + arrowBytes(pathFields, [pathRows]) + arrowBytes(sensitivityFields, [outputs.length * inputs.length]) : 0;
  return [
    { part: 'trials files', bytes: trials },
    { part: 'report and summaries', bytes: summary + summaryJson + sensitivity + paths + scenarioJson + valuationJson + manifest + report },
  ];
}
