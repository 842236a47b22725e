import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { money, probability, riskTable, trialsText } from '../src/output/report.ts';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { hardware } from './helpers.ts';
import { widest } from '../src/report/drivers.ts';
import { groupBy } from '../src/report/group-by.ts';

describe('probability on the terminal', () => {
  it('never rounds a few trials to a false 0 % or 100 %', () => {
    expect(probability(2 / 200_000, 200_000)).toBe('<0.1% (2)');
    expect(probability(199_992 / 200_000, 200_000)).toBe('>99.9% (8 not)');
    expect(probability(0.99996, 100_000)).toBe('>99.9% (4 not)');
  });
  it('prints exact 0 %, 100 % and ordinary shares as they are', () => {
    expect(probability(0, 1000)).toBe('0.0%');
    expect(probability(1, 1000)).toBe('100.0%');
    expect(probability(0.738, 1000)).toBe('73.8%');
    expect(probability(NaN, 0)).toBe('—');
  });
});

describe('money on the terminal and the page', () => {
  // the page's own formatter (src/report/client.js), taken out of its script
  const client = readFileSync(new URL('../src/report/client.js', import.meta.url), 'utf8');
  const pageMoney = new Function(`${client.match(/const money = \(x\) => \{[\s\S]*?\n {2}\};/)![0]} return money;`)() as (x: number) => string;

  it('keeps its K/M/B steps', () => {
    expect(money(812_000)).toBe('$812K');
    expect(money(45_300_000)).toBe('$45.3M');
    expect(money(1_270_000_000)).toBe('$1.27B');
    expect(money(-706)).toBe('-$706');
  });
  it('never prints a run of digits or an exponent before a suffix (a negative discount rate over 600 months: V[0] ~ 1e103)', () => {
    expect(money(3.4e12)).toBe('$3.40T');
    expect(money(999.4e12)).toBe('$999.40T');
    expect(money(1.0976086092087963e103)).toBe('$1.10e+103');
    expect(money(-2.5e16)).toBe('-$2.50e+16');
    for (const x of [1e21, 1e30, 1.0976086092087963e103, 3.149275393374253e103]) expect(money(x)).not.toMatch(/e\+\d+B|\d{7}/);
  });
  it('the page formats amounts as the terminal does', () => {
    for (const x of [0, 999, 812_000, 45_300_000, 1.27e9, 3.4e12, 2.5e16, 1.1e103, -3.4e12, -1.1e103]) expect(pageMoney(x)).toBe(money(x));
  });
});

describe('a count of trials', () => {
  it('is singular for one', () => {
    expect(trialsText(1)).toBe('1 trial');
    expect(trialsText(100_000)).toBe('100,000 trials');
  });
});

describe('groupBy', () => {
  it('keeps first-seen group order and row order within a group', () => {
    const rows = [{ s: 'b', x: 1 }, { s: 'a', x: 2 }, { s: 'b', x: 3 }, { s: 'a', x: 4 }];
    const g = groupBy(rows, (r) => r.s);
    expect([...g.keys()]).toEqual(['b', 'a']);
    expect(g.get('b')!.map((r) => r.x)).toEqual([1, 3]);
    expect(g.get('a')!.map((r) => r.x)).toEqual([2, 4]);
    expect(groupBy([], (r) => r).size).toBe(0);
  });
});

describe('the terminal table of an edge run prints no NaN', () => {
  const root = mkdtempSync(join(tmpdir(), 'sim-report-edges-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The terminal table of a run of `scenario` (a file, or an object written to one), held to what every table must be: no NaN, no run of blank lines. */
  async function tableOf(name: string, scenario: string | object, req: { trials: number; overrides?: string[] }): Promise<string> {
    const file = typeof scenario === 'string' ? scenario : join(root, `${name}.json`);
    if (typeof scenario !== 'string') writeFileSync(file, JSON.stringify(scenario));
    const text = riskTable(await run({ scenarioFile: file, workers: 1, out: join(root, name), report: false, ...req }));
    expect(text).not.toMatch(/NaN/);
    expect(text).not.toContain('\n\n\n');
    return text;
  }

  it('--trials 1 on the default scenario: achieved rank correlations are a dash and why, not NaN', async () => {
    const text = await tableOf('one', DEFAULT_SCENARIO, { trials: 1, overrides: ['calibrationTrials=256'] });
    expect(text).toContain('h100.rentalPrice ~ h100.resaleDecay: -0.60 → — (one trial has no rank correlation)');
    // the tornado says why it is missing, and leaves no run of blank lines where it was (tableOf)
    expect(text).toContain('What drives portfolio.writedown: nothing to rank (one trial ranks nothing)');
  }, 60_000);

  it('an input drawn from a uniform with min = max, correlated with another: a dash and why', async () => {
    const text = await tableOf('point', {
      valuation: 'pathwise',
      correlations: [['gpu.rentalPrice', 'gpu.resaleDecay', 0.5]],
      assets: [hardware({ rentalPrice: { dist: 'uniform', min: 2, max: 2 }, resaleDecay: { dist: 'uniform', min: 0.2, max: 0.6 } })],
    }, { trials: 50 });
    expect(text).toContain('gpu.rentalPrice ~ gpu.resaleDecay: 0.50 → — (an input that takes one value has no rank correlation)');
    // no rent: every trial sells at t = 0 at its full resale value, and loses nothing
    expect(text).toContain('What drives portfolio.writedown: nothing to rank (portfolio.writedown is the same in every trial)');
  }, 60_000);

  it('names the standard as readers write it: IFRS, US GAAP', async () => {
    for (const [standard, name] of [['ifrs', 'IFRS'], ['usgaap', 'US GAAP']]) {
      const text = await tableOf(standard, { standard, valuation: 'pathwise', assets: [hardware({})] }, { trials: 20 });
      expect(text.split('\n')[0]).toContain(` · 20 trials · seed 1 · ${name} · pathwise valuation · `);
    }
  }, 60_000);
});

describe('widest (the tornado\'s rows)', () => {
  it('equals a stable sort by falling |swing| of the finite swings, cut to top', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 200; round++) {
      // few distinct widths, both signs, NaN and ±Infinity: ties everywhere
      const swing = Float64Array.from({ length: 1 + Math.floor(random() * 60) }, () => [NaN, Infinity, -Infinity][Math.floor(random() * 12)] ?? (Math.floor(random() * 7) - 3));
      const rows = Array.from(swing, (_, i) => i).filter(() => random() < 0.8);
      const top = 1 + Math.floor(random() * 12);
      const want = rows.filter((i) => Number.isFinite(swing[i])).sort((a, b) => Math.abs(swing[b]) - Math.abs(swing[a])).slice(0, top);
      expect(widest(swing, rows, top), `round ${round}`).toEqual(want);
    }
    expect(widest(Float64Array.of(1, -3, NaN, 3), [0, 1, 2, 3], 2)).toEqual([1, 3]);
  });
});
