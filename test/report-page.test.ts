import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/run.ts';
import { DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { REPORT_FILE, writeFileAtomic, writeRunReport } from '../src/report/build.ts';
import { main } from '../src/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'sim-report-page-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// pathwise: no calibration, so these runs take a second or two
const base = { scenarioFile: DEFAULT_SCENARIO, seed: '3', chunkSize: 1024, overrides: ['valuation=pathwise'] };
const page = (dir: string) => readFileSync(join(dir, REPORT_FILE), 'utf8');

describe('report.html built from the run directory', () => {
  it('is rebuilt byte for byte by sim report, and shows sim check warnings once the manifest has them', async () => {
    const r = await run({ ...base, trials: 2048, out: join(root, 'plain') });
    const first = page(r.dir);
    expect(first).toContain('<table class="headline">');
    expect(first).toContain('F7: $3.50 on-demand'); // the scenario file's comment beside h100.rentalPrice
    expect(first).not.toMatch(/https?:\/\/[^"'\s]*\.(js|css)/); // nothing to fetch
    await writeRunReport(r.dir);
    expect(page(r.dir)).toBe(first);
    const manifest = JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(r.dir, 'manifest.json'), JSON.stringify({ ...manifest, check: { warnings: ['h100.resaleFloor <b>above</b> resaleDecay implies'] } }));
    await writeRunReport(r.dir);
    expect(page(r.dir)).toContain('sim check warnings');
    expect(page(r.dir)).toContain('h100.resaleFloor &#60;b&#62;above&#60;/b&#62; resaleDecay implies');
  });

  it('draws the convergence trace of a --precision run', async () => {
    const r = await run({ ...base, trials: 1024, precision: 0.02, maxTrials: 8192, out: join(root, 'precision') });
    expect(r.manifest.convergence!.trace.map((t) => t.trials)).toEqual([1024, 2048, 4096, 8192].slice(0, r.manifest.convergence!.trace.length));
    expect(page(r.dir)).toContain('data-chart="convergence"');
  });

  it('still has the headline and facts without Arrow files or input columns, and --no-report writes none', async () => {
    const parquet = await run({ ...base, trials: 1024, formats: ['parquet'], out: join(root, 'parquet') });
    expect(page(parquet.dir)).toContain('<table class="headline">');
    expect(page(parquet.dir)).not.toContain('data-chart="exceedance-');
    const outputs = await run({ ...base, trials: 1024, columns: 'outputs', out: join(root, 'outputs') });
    expect(page(outputs.dir)).toContain('data-chart="exceedance-portfolio"');
    expect(page(outputs.dir)).not.toContain('data-chart="input-');
    const none = await run({ ...base, trials: 1024, report: false, out: join(root, 'none') });
    expect(() => page(none.dir)).toThrow();
    expect(none.manifest.files).not.toContain(REPORT_FILE);
  });

  it('sim report and sim compare refuse a directory that holds no run (exit 2)', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'sim', 'report', root])).toBe(2);
    expect(await main(['node', 'sim', 'compare', root, root, '--out', join(root, 'c.html')])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/not a run directory \(no manifest\.json\)/);
    err.mockRestore();
  });

  it('a page that cannot be written is named, not its temporary sibling', () => {
    const page = join(root, 'no-such-dir', 'compare.html');
    expect(() => writeFileAtomic(page, '<p>x</p>')).toThrow(`cannot write ${page} (ENOENT)`);
  });

  it('sim report names a manifest.json that is not JSON (edited or cut short)', async () => {
    const dir = join(root, 'cut');
    mkdirSync(dir);
    for (const f of ['manifest.json', 'summary.json', 'scenario.json']) writeFileSync(join(dir, f), '{}');
    writeFileSync(join(dir, 'manifest.json'), '{"trials": 10');
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'sim', 'report', dir])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(new RegExp(`^sim: ${join(dir, 'manifest.json')}: not the JSON a run writes \\(.+\\); was it edited or cut short\\?$`));
    err.mockRestore();
  });
});
