import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioCitations } from '../src/scenario/citations.ts';
import { prepare } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';

const MINIMAL = fileURLToPath(new URL('./fixtures/minimal.yaml', import.meta.url));
const commented = readFileSync(MINIMAL, 'utf8')
  .replace('rentalPrice: {dist: pert, min: 1.5, mode: 2.2, max: 3.5}', 'rentalPrice: {dist: pert, min: 1.5, mode: 2.2, max: 3.5}  # F7: on-demand rent')
  .replace('utilization: [0.8, 0.6, 0.3]', 'utilization:   # F6: tiers\n      - 0.8   # first tier\n      - 0.6\n      - 0.3');

describe('scenarioCitations', () => {
  it('takes the comment beside each input, a tier its own or its list\'s, and --set over both', () => {
    const c = scenarioCitations('s.yaml', commented, ['gpu.pue.max=1.5']);
    expect(c['gpu.rentalPrice']).toBe('F7: on-demand rent');
    expect(c['gpu.utilization.0']).toBe('first tier');
    expect(c['gpu.utilization.1']).toBe('F6: tiers');
    expect(c['gpu.pue']).toBe('set by --set gpu.pue.max=1.5'); // no comment: the --set is what it cites
    expect(scenarioCitations('s.yaml', commented, ['gpu.rentalPrice.mode=2'])['gpu.rentalPrice']).toBe('set by --set gpu.rentalPrice.mode=2');
    expect(scenarioCitations('s.json', '{"assets": []}', [])).toEqual({});
  });
  it('a run takes its citations from the scenario text it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cite-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, commented);
    try {
      expect(prepare({ scenarioFile: file }).citations['gpu.rentalPrice']).toBe('F7: on-demand rent');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // the built-in default says where every uncertain input comes from
    const p = prepare({ scenarioFile: DEFAULT_SCENARIO });
    for (const j of p.plan.sensitivity.inputs) expect(p.citations[p.plan.columns[j].name], p.plan.columns[j].name).toBeTruthy();
  });
});
