import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/errors.ts';
import { firstNonFinite, missingRules } from '../src/kernel/finite.ts';
import { firstNonFiniteIn } from '../src/shard/first-non-finite.ts';
import { buildPlan } from '../src/plan.ts';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../src/scenario/load.ts';
import { MAX_LIST_ITEMS, MAX_QUOTED_CHARS, MAX_SCENARIO_BYTES } from '../src/scenario/limits.ts';
import { resolveScenario } from '../src/scenario/resolve.ts';
import { hardware, model, simulateInline } from './helpers.ts';
import { BIN } from './cli-process.ts';

// Issue 17: hostile but plausible input ends in one clear line (exit 2), never a hang, a crash or exit 0 with NaN.
const root = mkdtempSync(join(tmpdir(), 'sim-hostile-'));
const file = (name: string, data: string | Buffer) => {
  const path = join(root, name);
  writeFileSync(path, data);
  return path;
};
const defaultRaw = () => parse(readFileSync(DEFAULT_SCENARIO, 'utf8'));

/** The CLI in a child process, so a read that blocks cannot hang the test runner. */
function sim(args: string[], timeout = 5000) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout, killSignal: 'SIGKILL' });
  return { code: r.status, stderr: r.stderr.trim(), ms: Date.now() - t0 };
}

describe('absurd numbers (item 9): refused naming the key, or a result with every value MODEL.md defines', () => {
  const HARDWARE_KEYS = ['units', 'unitCost', 'ageMonths', 'powerKw', 'idlePowerFraction', 'opexPerUnitMonth', 'disposalCost', 'rentalPrice', 'priceCompression',
    'firstSupersededAge', 'cadenceMonths', 'generationShock', 'resaleDecay', 'resaleFloor', 'resaleHaircut', 'failureRate', 'powerPrice', 'pue'];
  const MODEL_KEYS = ['trainingCost', 'releaseMonth', 'rampMonths', 'lifespanMonths', 'peakMonthlyRevenue', 'tokenPriceCompression', 'tailFraction', 'servingCostRatio'];
  const ABSURD = [1e308, -1e308, 5e-324, 1e-300, 1e20, 1e15, 0];
  const cases = [
    ...HARDWARE_KEYS.flatMap((k) => ABSURD.map((v) => ['hardware', k, v] as const)),
    ...MODEL_KEYS.flatMap((k) => ABSURD.map((v) => ['model', k, v] as const)),
  ];

  it.each(['pathwise', 'expected'])('every numeric key of a cohort and a model (%s valuation)', (valuation) => {
    for (const [kind, key, v] of cases) {
      const asset = kind === 'hardware' ? hardware({ units: 50_000, unitCost: 31_250, rentalPrice: 2, powerKw: 1, powerPrice: 0.1, [key]: v }) : model({ trainingCost: 1e8, peakMonthlyRevenue: 1e7, servingCostRatio: 0.3, [key]: v });
      const raw = { valuation, calibrationTrials: 64, horizonMonths: 60, assets: [asset] };
      let result;
      try {
        result = simulateInline(raw, 16);
      } catch (e) {
        expect(e, `${key} = ${v}`).toBeInstanceOf(ScenarioError);
        expect((e as Error).message, `${key} = ${v}`).toContain(`assets[0].${key}`);
        continue;
      }
      const { plan, rows } = result;
      const buf = Float64Array.from(plan.columns.flatMap((c) => rows.map((r) => r[c.name])));
      const bad = firstNonFinite(missingRules(plan), buf, rows.length);
      expect(bad && `${plan.columns[bad.column].name} = ${bad.value}`, `${key} = ${v}`).toBeNull();
    }
  });

  it('every numeric key of the scenario and of a policy', () => {
    const policy = (o: Record<string, unknown>) => ({ method: 'units-of-production', usefulLifeMonths: 60, plannedUtilization: 0.5, ...o });
    const cases: [string, (v: number) => Record<string, unknown>][] = [
      ['discountRate', (v) => ({ discountRate: v })],
      ['horizonMonths', (v) => ({ horizonMonths: v })],
      ['calibrationTrials', (v) => ({ calibrationTrials: v })],
      ['testMonths[0]', (v) => ({ testMonths: [v] })],
      ['policies.p.usefulLifeMonths', (v) => ({ policies: { p: policy({ usefulLifeMonths: v }) } })],
      ['policies.p.plannedUtilization', (v) => ({ policies: { p: policy({ plannedUtilization: v }) } })],
      ['policies.p.salvagePct', (v) => ({ policies: { p: policy({ salvagePct: v }) } })],
      ['policies.p.factor', (v) => ({ policies: { p: { method: 'declining-balance', usefulLifeMonths: 60, factor: v } } })],
    ];
    for (const [key, make] of cases) {
      for (const v of [1e308, -1e308, 5e-324, 1e-300, 1e20, 0, 1]) {
        const raw = { valuation: 'pathwise', ...make(v), assets: [hardware({ units: 50_000, unitCost: 31_250, rentalPrice: 2, powerKw: 1, powerPrice: 0.1 }), model()] };
        try {
          const { plan, rows } = simulateInline(raw, 16);
          const buf = Float64Array.from(plan.columns.flatMap((c) => rows.map((r) => r[c.name])));
          const bad = firstNonFinite(missingRules(plan), buf, rows.length);
          expect(bad && `${plan.columns[bad.column].name} = ${bad.value}`, `${key} = ${v}`).toBeNull();
        } catch (e) {
          expect(e, `${key} = ${v}`).toBeInstanceOf(ScenarioError);
          expect((e as ScenarioError).path, `${key} = ${v}`).toBe(key);
        }
      }
    }
  });

  it('the issue\'s cases are refused with the supported range', () => {
    const set = (asset: number, key: string, v: number) => {
      const raw = defaultRaw();
      raw.assets[asset][key] = v;
      return () => resolveScenario(raw, 's.yaml');
    };
    expect(set(0, 'units', 1e308)).toThrow('s.yaml: assets[0].units: a number within (0, 1e9], got 1e+308');
    expect(set(0, 'unitCost', 1e308)).toThrow('assets[0].unitCost: a number within [1e-6, 1e15], got 1e+308');
    expect(set(2, 'trainingCost', 1e308)).toThrow('assets[2].trainingCost: a number within [0, 1e15], got 1e+308');
    expect(set(0, 'cadenceMonths', 5e-324)).toThrow('assets[0].cadenceMonths: cadenceMonths ≥ 1, got 5e-324');
  });

  it.each([
    ['utilization', [{ dist: 'beta', alpha: 1e-300, beta: 1e-300 }], 'utilization[0]: a distribution whose draws are finite numbers, but this beta draws NaN at the 2⁻⁵³ quantile'],
    ['firstSupersededAge', { dist: 'weibull', shape: 1e-3, scale: 1e10 }, 'firstSupersededAge: a distribution whose draws are finite numbers, but this weibull draws Infinity at the 1 − 2⁻⁵³ quantile'],
    ['resaleDecay', { dist: 'lognormal', median: 1e300, sigma: 100 }, 'resaleDecay: a distribution whose draws are finite numbers, but this lognormal draws Infinity'],
    ['rentalPrice', { dist: 'lognormal', median: 2, sigma: 5 }, 'rentalPrice: rentalPrice within [0, 1e15], but this lognormal reaches 1.34e+18 at its 1 − 2⁻⁵³ quantile'],
  ])('a distribution of %s whose draws are not finite numbers is refused', (key, spec, expected) => {
    expect(() => resolveScenario({ assets: [hardware({ [key]: spec })] }, 's.yaml')).toThrow(`s.yaml: assets[0].${expected}`);
  });

  it('missing values are allowed only where MODEL.md defines none', () => {
    const plan = buildPlan(resolveScenario({ assets: [hardware({ ageMonths: 12 })], testMonths: [0, 12] }, 't.yaml'));
    const rules = missingRules(plan);
    const a = plan.assets[0];
    const count = 2;
    const buf = new Float64Array(plan.columns.length * count).fill(1);
    const at = (column: number, trial: number, v: number) => (buf[column * count + trial] = v);
    at(a.books[0].out.first_impairment_month, 0, NaN);
    at(a.out.payback_month, 1, NaN);
    at(a.out.npv, 0, NaN); // not acquired now
    at(a.out.exit_month, 1, 5);
    at(a.out.recoverable_m[1], 1, NaN); // recoverable_m12 after an exit at month 5
    // the same rule over a store's columns (sim merge), trial 1 alone: the exit month read from its own column
    const store = { read: (j: number, start: number, n: number) => buf.subarray(j * count + start, j * count + start + n), write: () => {}, close: () => {} };
    expect(firstNonFinite(rules, buf, count)).toBeNull();
    expect(firstNonFiniteIn(rules, store, 1, 1)).toBeNull();
    at(a.out.recoverable_m[0], 1, NaN); // recoverable_m0 before that exit
    expect(firstNonFinite(rules, buf, count)).toEqual({ column: a.out.recoverable_m[0], trial: 1, value: NaN });
    expect(firstNonFiniteIn(rules, store, 1, 1)).toEqual({ column: a.out.recoverable_m[0], trial: 0, value: NaN });
    at(a.out.recoverable_m[0], 1, 1);
    at(a.books[0].out.writedown, 0, Infinity);
    expect(firstNonFinite(rules, buf, count)).toEqual({ column: a.books[0].out.writedown, trial: 0, value: Infinity });
    expect(firstNonFiniteIn(rules, store, 0, count)).toEqual({ column: a.books[0].out.writedown, trial: 0, value: Infinity });
    at(a.books[0].out.writedown, 0, 1);
    at(plan.columns.findIndex((c) => c.role === 'input'), 1, NaN); // a sampled input is never missing
    expect(firstNonFiniteIn(rules, store, 0, count)).toEqual({ column: plan.columns.findIndex((c) => c.role === 'input'), trial: 1, value: NaN });
  });

  afterEach(() => {
    delete process.env.SIM_FAULT;
  });

  it('a value that is still not finite fails the run naming the column (exit 1), and no run directory appears', async () => {
    process.env.SIM_FAULT = 'nan:1';
    const out = join(root, 'nan');
    const err = await run({ scenarioFile: DEFAULT_SCENARIO, overrides: ['valuation=pathwise'], trials: 2000, chunkSize: 500, workers: 1, out }).catch((e) => e);
    expect(err).not.toBeInstanceOf(ScenarioError);
    expect(err.message).toMatch(/^chunk 1 \(trials 500–999\) failed: portfolio@\S+ is NaN in trial 999, where MODEL.md defines a finite value/);
    expect(() => readFileSync(join(out, 'summary.json'))).toThrow();
  });
});

describe('parsers (item 8)', () => {
  it('a UTF-8 byte-order mark is accepted in JSON and YAML', () => {
    const json = file('bom.json', `\ufeff${JSON.stringify(defaultRaw())}`);
    const yaml = file('bom.yaml', `\ufeff${readFileSync(DEFAULT_SCENARIO, 'utf8')}`);
    expect(loadScenario(json).assets).toHaveLength(5);
    expect(loadScenario(yaml)).toEqual(loadScenario(json));
  });

  it('UTF-16 is refused with "expected UTF-8", binary as not UTF-8 text, quoting nothing', () => {
    const text = readFileSync(DEFAULT_SCENARIO, 'utf8');
    const le = file('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = file('utf16-no-bom.yaml', Buffer.from(text, 'utf16le'));
    expect(() => loadScenario(le)).toThrow(`${le}: (top level): expected UTF-8 text, but this file looks like UTF-16; save it as UTF-8`);
    expect(() => loadScenario(be)).toThrow('looks like UTF-16');
    const binary = file('binary.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));
    expect(() => loadScenario(binary)).toThrow('expected UTF-8 text, but this file has bytes that are not UTF-8 text');
  });

  it('YAML merge keys work', () => {
    // JSON is a YAML flow mapping: anchor one cohort, merge it into a second that changes two keys
    const text = `assets:\n  - &a ${JSON.stringify(hardware({ name: 'a' }))}\n  - <<: *a\n    name: b\n    units: 10\n`;
    const s = loadScenario(file('merge.yaml', text));
    expect(s.assets.map((a) => a.name)).toEqual(['a', 'b']);
    expect({ ...s.assets[1], name: 'a', units: 1 }).toEqual(s.assets[0]);
  });

  it('YAML 1.2 `!!float` reads integers too (the yaml package made `!!float 72` a string); a value it cannot read is refused where it stands', () => {
    const text = readFileSync(DEFAULT_SCENARIO, 'utf8');
    const tagged = (v: string) => file('float.yaml', text.replace(/^horizonMonths: \S+/m, `horizonMonths: ${v}`));
    const plain = loadScenario(DEFAULT_SCENARIO);
    expect(loadScenario(tagged('!!float 72'))).toEqual(plain);
    expect(loadScenario(tagged('!!float 7.2e1'))).toEqual(plain);
    expect(() => loadScenario(tagged('!!float .inf'))).toThrow('horizonMonths: a finite number, got Infinity');
    expect(() => loadScenario(tagged('!!float 0x48'))).toThrow('line 8, column 16: valid YAML (!!float cannot read 0x48)');
    expect(loadScenario(DEFAULT_SCENARIO, { overrides: ['horizonMonths=!!float 72'] })).toEqual(plain);
    expect(() => loadScenario(DEFAULT_SCENARIO, { overrides: ['horizonMonths=!!float y'] })).toThrow(/--set horizonMonths=!!float y: expected a YAML value after '=' \(!!float cannot read y/);
  });

  it('other tags, a second document and an alias with no anchor are refused where they stand; dates and binary data are named as such', () => {
    const text = readFileSync(DEFAULT_SCENARIO, 'utf8');
    const at = (v: string, name = 'tags.yaml') => file(name, text.replace(/^horizonMonths: \S+/m, `horizonMonths: ${v}`));
    expect(() => loadScenario(at('!foo 72'))).toThrow('line 8, column 16: valid YAML (a tag YAML knows, not !foo; write the value without it)');
    expect(() => loadScenario(at('*nope'))).toThrow('(top level): YAML whose every alias (*name) follows its anchor (&name): Unresolved alias');
    expect(() => loadScenario(at('!!timestamp 2024-01-01'))).toThrow('horizonMonths: a number, got a date');
    expect(() => loadScenario(at('!!binary AAAA'))).toThrow('horizonMonths: a number, got binary data');
    expect(() => loadScenario(file('two.yaml', `${text}---\nhorizonMonths: 60\n`))).toThrow(/line \d+, column 1: valid YAML \(one document, but a second begins here: ---\)/);
    expect(() => loadScenario(DEFAULT_SCENARIO, { overrides: ['discountRate=!foo 0.1'] })).toThrow("--set discountRate=!foo 0.1: expected a YAML value after '=' (a tag YAML knows, not !foo; write the value without it)");
  });

  it('YAML nested thousands deep is named as such, not as a stack overflow', () => {
    const flow = file('deep-flow.yaml', `horizonMonths: 72\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(() => loadScenario(flow)).toThrow(/deep-flow\.yaml: line 2, column \d+: YAML nested less deeply: the parser ran out of stack here \(a scenario needs about five levels\)$/);
    const block = file('deep-block.yaml', `horizonMonths: 72\nx:\n${Array.from({ length: 2500 }, (_, i) => `${' '.repeat(i + 1)}- \n`).join('')}`);
    expect(() => loadScenario(block)).toThrow(/deep-block\.yaml: line \d+, column \d+: YAML nested less deeply/);
  });

  it('--set reads YAML as the file does: merge keys work there too', () => {
    const merged = loadScenario(DEFAULT_SCENARIO, { overrides: ['h100.rentalPrice={<<: {dist: pert, min: 1.5, mode: 2.2, max: 3.2}}'] });
    expect(merged).toEqual(loadScenario(DEFAULT_SCENARIO, { overrides: ['h100.rentalPrice={dist: pert, min: 1.5, mode: 2.2, max: 3.2}'] }));
  });

  it('a mapping key that is a list neither warns on stderr nor passes: it is an unknown key', () => {
    const r = sim(['check', file('list-key.yaml', '? [a, b]\n: 1\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sim: ${join(root, 'list-key.yaml')}: [ a, b ]: unknown key; allowed here: assets, horizonMonths, discountRate, standard, valuation, calibrationTrials, testMonths, policies, correlations`);
  });

  it(`a file above ${MAX_SCENARIO_BYTES / 2 ** 20} MiB is refused naming the limit, without reading it`, () => {
    const big = file('big.yaml', `# ${'x'.repeat(MAX_SCENARIO_BYTES)}\nassets: []\n`);
    expect(() => loadScenario(big)).toThrow(/a scenario file of at most 4 MiB \(README "Limits"\), but this one has 4\.0 MiB or more$/);
  });

  it(`an empirical list of more than ${MAX_LIST_ITEMS.toLocaleString('en-US')} samples is refused`, () => {
    const raw = defaultRaw();
    raw.assets[2].peakMonthlyRevenue = { dist: 'empirical', samples: Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => 1e6 + i) };
    const f = file('samples.json', JSON.stringify(raw));
    expect(() => loadScenario(f)).toThrow('assets[2].peakMonthlyRevenue.samples: a list of at most 100,000 items (README "Limits"), got 100,001');
  });

  it(`a long value is quoted to ${MAX_QUOTED_CHARS} characters`, () => {
    const raw = defaultRaw();
    raw.standard = 'y'.repeat(1_000_000);
    raw.assets[0]['z'.repeat(1000)] = 1;
    const e = (() => {
      try {
        loadScenario(file('long.json', JSON.stringify(raw)));
      } catch (err) {
        return err as Error;
      }
    })()!;
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain(`'${'y'.repeat(MAX_QUOTED_CHARS)}…(1,000,000 characters)'`);
  });
});

describe('special files (item 10): a clear line within 5 s, never a blocking read', () => {
  it.each([
    ['a FIFO with no writer', () => {
      const fifo = join(root, 'fifo.yaml');
      spawnSync('mkfifo', [fifo]);
      return fifo;
    }, 'a regular scenario file, but this is a FIFO'],
    ['/dev/zero', () => '/dev/zero', 'a regular scenario file, but this is a device'],
    ['a directory', () => root, 'a readable scenario file (EISDIR)'],
  ])('%s', (_, path, expected) => {
    const r = sim(['run', path(), '--out', join(root, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.ms).toBeLessThan(5000);
  });
});

describe('names are data (item 7)', () => {
  it('policies and assets named __proto__, constructor and toString are kept, with their columns', async () => {
    const raw = defaultRaw();
    // written as text: an object literal's __proto__ would set its prototype
    const policies = [['__proto__', 'six-year'], ['constructor', 'five-year'], ['toString', 'three-year']].map(([k, p]) => `  ${k}: ${JSON.stringify(raw.policies[p])}`);
    const text = stringify({ ...raw, correlations: [], policies: {}, assets: [{ ...raw.assets[0], name: '__proto__' }, { ...raw.assets[2], name: 'constructor' }] })
      .replace('policies: {}', `policies:\n${policies.join('\n')}`);
    const r = await run({ scenarioFile: file('names.yaml', text), overrides: ['valuation=pathwise'], trials: 500, workers: 1, out: join(root, 'names') });
    const scenario = JSON.parse(readFileSync(join(r.dir, 'scenario.json'), 'utf8'));
    expect(Object.keys(scenario.policies)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(scenario.assets.map((a: { name: string }) => a.name)).toEqual(['__proto__', 'constructor']);
    const summary = JSON.parse(readFileSync(join(r.dir, 'summary.json'), 'utf8'));
    for (const c of ['__proto__@__proto__.writedown', '__proto__@toString.writedown', 'portfolio@constructor.writedown', 'constructor.writedown']) expect(summary.columns[c].count).toBe(500);
  });

  it('an asset or policy name is at most 100 characters, and the refusal quotes 80 of it', () => {
    const named = (name: string, policy = 'p') => {
      const raw = parse(readFileSync(new URL('./fixtures/minimal.yaml', import.meta.url), 'utf8'));
      raw.assets[0].name = name;
      raw.policies = { [policy]: { method: 'straight-line', usefulLifeMonths: 48 } };
      return file(`name-${name.length}-${policy.length}.json`, JSON.stringify(raw));
    };
    expect(loadScenario(named('a'.repeat(100))).assets[0].name).toHaveLength(100);
    expect(() => loadScenario(named('a'.repeat(2_000_000)))).toThrow(`assets[0].name: a name of at most 100 characters (it is repeated in every column name, warning and page that shows the asset), got '${'a'.repeat(80)}…(2,000,000 characters)'`);
    expect(() => loadScenario(named('h', 'p'.repeat(101)))).toThrow('a name of at most 100 characters');
  });

  it('--set through a key named __proto__ sets data, never a prototype', () => {
    const f = file('plain.json', JSON.stringify(defaultRaw()));
    expect(() => loadScenario(f, { overrides: ['h100.__proto__.polluted=1'] })).toThrow('assets[0].__proto__: unknown key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('--set errors name the --set that caused them', () => {
  const minimal = fileURLToPath(new URL('./fixtures/minimal.yaml', import.meta.url));

  it('a key set inside a mapping makes its siblings wrong: the error names that --set', () => {
    expect(() => loadScenario(DEFAULT_SCENARIO, { overrides: ['h100.kind=model'] })).toThrow(/assets\[0\]\.units: unknown key; .* \(set by --set h100\.kind=model\)$/);
    expect(() => loadScenario(DEFAULT_SCENARIO, { overrides: ['h100.utilization[3].mode=0.7'] })).toThrow(/assets\[0\]\.utilization\[3\]\.dist: .* \(set by --set h100\.utilization\[3\]\.mode=0\.7\)$/);
  });

  it('an error the file has without the --set is not blamed on it', () => {
    const f = file('bad-sibling.yaml', readFileSync(minimal, 'utf8').replace('name: gpu', 'name: gpu\n    bogus: 1'));
    expect(() => loadScenario(f, { overrides: ['gpu.pue=1.2'] })).toThrow(/assets\[0\]\.bogus: unknown key; allowed here: [^(]*$/);
  });

  it('a list index is [N] or .N with N a whole number; a missing list is created as a list', () => {
    for (const bad of ['gpu.utilization[-1]=0.5', 'gpu.utilization[ 0 ]=0.5']) {
      expect(() => loadScenario(minimal, { overrides: [bad] })).toThrow(`--set ${bad}: expected a list index as [N] or .N`);
    }
    expect(() => loadScenario(minimal, { overrides: ['correlations[0]=[a, b, 0.3]'] })).toThrow(/correlations\[0\]\[0\]: the name of an uncertain input/);
    expect(() => loadScenario(minimal, { overrides: ['correlations[0]=[gpu.pue, gpu.powerPrice, 0.3, 0.4]'] })).toThrow(/correlations\[0\]: \[input, input, rank correlation\], got a list of 4/);
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
