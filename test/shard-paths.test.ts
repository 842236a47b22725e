import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathIndex } from '../src/kernel/simulate.ts';
import { PQ } from '../src/schema.ts';
import { copyPaths } from '../src/shard/files.ts';
import { firstNonFinitePath } from '../src/shard/first-non-finite.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-shard-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// a path sample of 5 trials over months 0..2 of two assets; the shard holds trials 2 to 4
const shape = { K: 5, H: 2, assets: 2 };
const sample = () => Float64Array.from({ length: shape.assets * 3 * (shape.H + 1) * shape.K }, (_, i) => i % 7);

describe("a shard's part of the path sample", () => {
  it('every value finite: none found, and paths.f64 holds the shard\'s trials of each row in order', () => {
    const data = sample();
    expect(firstNonFinitePath(data, shape, 2, 3)).toBeNull();
    const file = join(root, 'paths.f64');
    copyPaths(file, data, shape, 2, 3, 'write');
    const bytes = readFileSync(file);
    const written = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    expect(written.length).toBe(2 * 3 * 3 * 3);
    expect(written[pathIndex(3, shape.H, 1, PQ.V, 2) + 1]).toBe(data[pathIndex(shape.K, shape.H, 1, PQ.V, 2) + 3]);
  });

  it('names the asset, quantity, month and trial of the first value that is not finite, NaN as well as Infinity', () => {
    const data = sample();
    data[pathIndex(shape.K, shape.H, 1, PQ.M, 0) + 4] = -Infinity;
    data[pathIndex(shape.K, shape.H, 1, PQ.V, 2) + 3] = NaN;
    expect(firstNonFinitePath(data, shape, 2, 3)).toEqual({ asset: 1, quantity: PQ.V, month: 2, trial: 3, value: NaN });
  });

  it("reads only the shard's trials: another shard's value, or trials beyond the sample, are not its own", () => {
    const data = sample();
    data[pathIndex(shape.K, shape.H, 0, PQ.C, 1) + 1] = Infinity;
    expect(firstNonFinitePath(data, shape, 2, 3)).toBeNull();
    expect(firstNonFinitePath(data, shape, 0, 2)).toMatchObject({ asset: 0, quantity: PQ.C, month: 1, trial: 1, value: Infinity });
    expect(firstNonFinitePath(data, shape, 5, 4)).toBeNull();
  });

  it('a paths.f64 longer than the shard\'s part is refused, as a shorter one is', () => {
    const file = join(root, 'long.f64');
    copyPaths(file, sample(), shape, 2, 3, 'write');
    appendFileSync(file, Buffer.alloc(8));
    expect(() => copyPaths(file, sample(), shape, 2, 3, 'read')).toThrow(`${file}: 440 bytes, not the 432 of this shard's part of the path sample; the shard is damaged (rerun it)`);
  });
});
