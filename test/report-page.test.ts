import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
  it('a run of one trial claims no CI of the mean: a dash, not "$161.3M – $161.3M" (summary.json has mean_se null)', async () => {
    const r = await run({ ...base, trials: 1, out: join(root, 'one') });
    const html = page(r.dir);
    const mean = r.summaries.get('portfolio.writedown')!.mean;
    expect(Number.isFinite(mean) && mean > 0).toBe(true);
    // the headline row: the mean's cell, then its CI's
    expect(html).toMatch(/data-column="portfolio.writedown" data-field="mean">[^<]+<\/td><td>—<\/td>/);
    // policy differences: the table's CI column and the chart's interval ends
    expect(html).toMatch(/<td>five-year<\/td><td>-?\$[\d.]+[KMB]<\/td><td>—<\/td>/);
    const chart = html.slice(html.indexOf('"policy-differences":{"kind":"intervals"'));
    expect(chart.slice(0, chart.indexOf(']}'))).not.toMatch(/"(lo|hi)":-?[\d.]/);
  });

  it('a run of one trial says "1 trial", not "1 trials"', async () => {
    const r = await run({ ...base, trials: 1, out: join(root, 'one-trial') });
    const html = page(r.dir);
    expect(html).toContain('72 months · 1 trial · seed 3');
    expect(html).toContain('Curves from 1 trial.');
    expect(html).not.toMatch(/\b1 trials\b/);
  });

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

  it('a stop at any turn of rebuilding the page (what `between` throws) passes on as it is, never as a damaged file, and leaves the page as it was', async () => {
    const r = await run({ ...base, trials: 1024, out: join(root, 'stopped') });
    const before = page(r.dir);
    let turns = 0;
    await writeRunReport(r.dir, async () => void turns++);
    // before and after each Arrow file, after each batch of sensitivity.arrow, after each of the page's sections
    expect(turns).toBeGreaterThanOrEqual(12);
    for (let k = 1; k <= turns; k++) {
      const stop = new Error(`stopped at turn ${k}`);
      let n = 0;
      await expect(writeRunReport(r.dir, async () => {
        if (++n === k) throw stop;
      })).rejects.toBe(stop);
    }
    expect(page(r.dir)).toBe(before);
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
    // a file given as the run directory is named as such, not as a page that cannot be written inside it
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    err.mockClear();
    expect(await main(['node', 'sim', 'report', file])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toBe(`sim: ${file}: not a run directory (a file)`);
    expect(readFileSync(file, 'utf8')).toBe('x');
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

/** `main` with stderr captured: its exit code and what it printed there. */
async function sim(...args: string[]): Promise<{ code: number; stderr: string }> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  const out = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const code = await main(['node', 'sim', ...args]);
    return { code, stderr: err.mock.calls.flat().join('\n') };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

describe('where sim report and sim compare write, and what they read', () => {
  let a: string, b: string;
  beforeAll(async () => {
    a = (await run({ ...base, trials: 1024, out: join(root, 'a') })).dir;
    b = (await run({ ...base, trials: 1024, out: join(root, 'b'), overrides: [...base.overrides, 'h100.rentalPrice.mode=2.6'] })).dir;
  });
  /** A copy of run a to damage. */
  const copy = (name: string) => {
    const dir = join(root, name);
    cpSync(a, dir, { recursive: true });
    return dir;
  };

  it('sim compare --out refuses a run\'s file, a directory, a missing directory or a file sim did not write (exit 2), and leaves it as it was', async () => {
    const trials = readFileSync(join(a, 'trials.arrow'));
    const foreign = join(root, 'notes.html');
    writeFileSync(foreign, '<p>my notes</p>');
    const cases: [string, RegExp][] = [
      [join(a, 'trials.arrow'), /inside the run directory .*, which holds only what its run wrote/],
      [join(a, REPORT_FILE), /inside the run directory/],
      [root, /a directory is there/],
      [join(root, 'no-such-dir', 'c.html'), /the directory .*no-such-dir does not exist/],
      [foreign, /not overwritten: it is not a page sim wrote/],
      // a directory the page cannot be written into (sysfs refuses new files, even to root): refused before the runs are read, as a run's --out is
      ['/sys/compare.html', /cannot write there \(EACCES\)$/],
    ];
    for (const [out, message] of cases) {
      const r = await sim('compare', a, b, '--out', out);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^sim: --out ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
    expect(readFileSync(join(a, 'trials.arrow')).equals(trials)).toBe(true);
    expect(readFileSync(foreign, 'utf8')).toBe('<p>my notes</p>');
    expect((await sim('report', a)).code).toBe(0); // the run is whole
  });

  it('sim compare --out overwrites an earlier comparison or report, or an empty file', async () => {
    const out = join(root, 'c.html');
    expect((await sim('compare', a, b, '--out', out)).code).toBe(0);
    expect((await sim('compare', b, a, '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('the first, b, is the baseline');
    const old = join(root, 'old-report.html');
    cpSync(join(a, REPORT_FILE), old);
    expect((await sim('compare', a, b, '--out', old)).code).toBe(0);
    const empty = join(root, 'empty.html');
    writeFileSync(empty, '');
    expect((await sim('compare', a, b, '--out', empty)).code).toBe(0);
    expect(readFileSync(empty, 'utf8')).toContain('Write-down risk compared');
  });

  it('sim report refuses a report.html that is not a page sim wrote, or a directory there (exit 2)', async () => {
    const notes = copy('notes-report');
    writeFileSync(join(notes, REPORT_FILE), 'my notes');
    const r = await sim('report', notes);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sim: ${join(notes, REPORT_FILE)}: not overwritten: it is not a page sim wrote (it does not begin like report.html); move it away first`);
    expect(readFileSync(join(notes, REPORT_FILE), 'utf8')).toBe('my notes');
    const dir = copy('dir-report');
    rmSync(join(dir, REPORT_FILE));
    mkdirSync(join(dir, REPORT_FILE));
    expect(await sim('report', dir)).toEqual({ code: 2, stderr: `sim: ${join(dir, REPORT_FILE)}: a directory is there, not a file the page can replace` });
  });

  it('sim report names a damaged Arrow file and what it should be, exits 2 and writes nothing', async () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['paths.arrow', (d) => writeFileSync(join(d, 'paths.arrow'), readFileSync(join(a, 'paths.arrow')).subarray(0, 1000)), /does not end with the Arrow file magic/],
      ['sensitivity.arrow', (d) => writeFileSync(join(d, 'sensitivity.arrow'), readFileSync(join(a, 'sensitivity.arrow')).subarray(0, 3000)), /does not end with the Arrow file magic/],
      ['trials.arrow', (d) => cpSync(join(a, 'summary.json'), join(d, 'trials.arrow')), /does not begin with the Arrow file magic/],
      ['summary.arrow', (d) => writeFileSync(join(d, 'summary.arrow'), readFileSync(join(a, 'summary.arrow')).subarray(0, 3000)), /does not end with the Arrow file magic/],
      ['sensitivity.arrow', (d) => cpSync(join(a, 'summary.arrow'), join(d, 'sensitivity.arrow')), /it has no column 'output'/],
      // another run's file, of another trial count or of the same: each table names the run that wrote it
      ['trials.arrow', (d) => cpSync(join(root, 'plain', 'trials.arrow'), join(d, 'trials.arrow')), /run [0-9a-f-]+ wrote it, not this directory's run [0-9a-f-]+/],
      ['trials.arrow', (d) => cpSync(join(b, 'trials.arrow'), join(d, 'trials.arrow')), /run [0-9a-f-]+ wrote it, not this directory's run/],
      ['paths.arrow', (d) => cpSync(join(b, 'paths.arrow'), join(d, 'paths.arrow')), /run [0-9a-f-]+ wrote it, not this directory's run/],
      ['sensitivity.arrow', (d) => cpSync(join(b, 'sensitivity.arrow'), join(d, 'sensitivity.arrow')), /run [0-9a-f-]+ wrote it, not this directory's run/],
    ];
    for (const [k, [file, damage, why]] of cases.entries()) {
      const dir = copy(`damaged-${k}`);
      damage(dir);
      const before = readFileSync(join(dir, REPORT_FILE));
      const r = await sim('report', dir);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^sim: ${join(dir, file)}: not an Arrow IPC file as sim writes it \\(.+\\); was it edited or cut short\\?$`));
      expect(r.stderr).toMatch(why);
      expect(readFileSync(join(dir, REPORT_FILE)).equals(before)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
      expect((await sim('compare', dir, b, '--out', join(root, `damaged-${k}.html`))).code).toBe(2);
    }
  });

  it('sim report refuses a run missing a file its manifest lists (exit 2), rather than a page with fewer charts', async () => {
    // summary.arrow too, which the page does not read: a damaged run is refused whole
    for (const gone of [['sensitivity.arrow'], ['trials.arrow', 'paths.arrow'], ['summary.arrow']]) {
      const dir = copy(`missing-${gone.join('-')}`);
      for (const f of gone) rmSync(join(dir, f));
      const first = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files as string[]).find((f) => gone.includes(f))!;
      const r = await sim('report', dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`sim: ${join(dir, first)}: missing, though manifest.json lists it among the run's files: the run directory is damaged (restore the file, or run again)`);
      expect((await sim('compare', dir, b, '--out', join(root, `missing-${gone.join('-')}.html`))).code).toBe(2);
    }
  });

  it('sim report and sim compare refuse JSON files that parse but are not what a run writes, naming the file and the key (exit 2)', async () => {
    const cases: [string, string, string][] = [
      ['manifest.json', '[]', 'an object at the top level, got a list'],
      ['manifest.json', 'null', 'an object at the top level, got null'],
      ['manifest.json', '{}', "'version' is missing or of the wrong type"],
      ['summary.json', '{"trials": 10}', "'columns' is missing or of the wrong type"],
      ['scenario.json', 'null', 'an object at the top level, got null'],
      ['scenario.json', '{"assets": 3}', "'assets' is missing or of the wrong type"],
    ];
    for (const [k, [file, text, why]] of cases.entries()) {
      const dir = copy(`shape-${k}`);
      writeFileSync(join(dir, file), text);
      const r = await sim('report', dir);
      expect(r.code, `${file} ${text}`).toBe(2);
      expect(r.stderr).toBe(`sim: ${join(dir, file)}: not the JSON a run writes (${why}); was it edited or cut short?`);
      expect((await sim('compare', dir, b, '--out', join(root, `shape-${k}.html`))).code).toBe(2);
    }
  });

  it('a run without Arrow files or input columns says what the page leaves out, on the page and on stderr', async () => {
    const parquet = join(root, 'parquet');
    const r = await sim('report', parquet);
    expect(r.code).toBe(0);
    for (const f of ['sensitivity.arrow', 'paths.arrow', 'trials.arrow']) expect(r.stderr).toContain(`sim: warning: ${f}: the run wrote none (--format parquet), and the report reads only Arrow files; left out: `);
    expect(page(parquet)).toContain('Left out of this page');
    expect(page(parquet)).toContain('paths.arrow: the run wrote none (--format parquet)');
    const outputs = await sim('report', join(root, 'outputs'));
    expect(outputs.stderr).toMatch(/^sim: warning: trials\.arrow: 43 of the \d+ columns the charts draw are not in it \(h100\.rentalPrice, .*; --columns outputs\); left out: their charts$/);
    expect(page(join(root, 'plain'))).not.toContain('Left out of this page');
    const compared = await sim('compare', a, parquet, '--out', join(root, 'with-parquet.html'));
    expect(compared.code).toBe(0);
    expect(readFileSync(join(root, 'with-parquet.html'), 'utf8')).toContain('parquet: trials.arrow: the run wrote none');
    expect(readFileSync(join(root, 'with-parquet.html'), 'utf8')).not.toContain('differences are paired trial by trial');
  });
});
