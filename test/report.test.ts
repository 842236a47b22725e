import { describe, expect, it } from 'vitest';
import { probability, trialsText } from '../src/output/report.ts';
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

describe('a count of trials', () => {
  it('is singular for one', () => {
    expect(trialsText(1)).toBe('1 trial');
    expect(trialsText(100_000)).toBe('100,000 trials');
  });
});

describe('groupBy (the report reads millions of sensitivity rows)', () => {
  it('keeps first-seen group order and row order within a group', () => {
    const rows = [{ s: 'b', x: 1 }, { s: 'a', x: 2 }, { s: 'b', x: 3 }, { s: 'a', x: 4 }];
    const g = groupBy(rows, (r) => r.s);
    expect([...g.keys()]).toEqual(['b', 'a']);
    expect(g.get('b')!.map((r) => r.x)).toEqual([1, 3]);
    expect(g.get('a')!.map((r) => r.x)).toEqual([2, 4]);
    expect(groupBy([], (r) => r).size).toBe(0);
  });
});
