import { describe, expect, it } from 'vitest';
import { probability } from '../src/output/report.ts';

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
