import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceHash } from '../../src/source-hash.mjs';

/**
 * The deployment files as written, with only the trial count lowered: the
 * Dockerfile's production install and entry point, the Kubernetes Job's
 * arguments and environment for every index, its merge Job's command, and the
 * Slurm array and merge scripts with the variables Slurm sets (trial counts
 * lowered). No container
 * runtime or scheduler runs here; what each would execute does.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sim-deploy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }), 120_000);
const TRIALS = '3000';
/** The trial counts lowered: --trials, and a small calibration (every shard calibrates). */
const lower = (args: string[]) => [...args.map((a, i) => (args[i - 1] === '--trials' ? TRIALS : a)), '--calibration-trials', '1024'];

/** The image: the Dockerfile's COPY lines into /opt/sim, then its RUN lines there in order (less `npm cache`, which only shrinks an image). */
function buildImage(): { app: string; entry: string[] } {
  const lines = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8').split('\n');
  const app = join(root, 'opt-sim');
  mkdirSync(app);
  for (const l of lines) {
    if (l.startsWith('COPY ')) {
      const parts = l.split(/\s+/).slice(1);
      const dest = parts.pop()!;
      for (const src of parts) cpSync(join(ROOT, src), dest === './' ? join(app, src) : join(app, dest), { recursive: true });
    } else if (l.startsWith('RUN ')) {
      for (const cmd of l.slice(4).split('&&').map((c) => c.trim().split(/\s+/))) if (cmd.slice(0, 2).join(' ') !== 'npm cache') execFileSync(cmd[0], cmd.slice(1), { cwd: app, stdio: 'pipe' });
    }
  }
  // the image runs the bundle it was built with, not the sources through tsx
  expect(readdirSync(join(app, 'dist')).filter((f) => f.endsWith('-cli.mjs'))).toHaveLength(1);
  const entry = JSON.parse(lines.find((x) => x.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length)) as string[];
  return { app, entry: entry.map((a) => a.replace('/opt/sim', app)) };
}

const run = (cmd: string[], cwd: string, env: Record<string, string> = {}) => spawnSync(cmd[0], cmd.slice(1), { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });

describe('deploy/', () => {
  const image = buildImage();

  it('kubernetes: the Indexed Job with each JOB_COMPLETION_INDEX, then the merge Job', () => {
    const data = join(root, 'k8s');
    mkdirSync(data);
    const [, job] = parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes/indexed-job.yaml'), 'utf8')).map((d) => d.toJS());
    const c = job.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(Number(env.SIM_SHARD_COUNT)).toBe(job.spec.completions);
    for (let i = 0; i < job.spec.completions; i++) {
      const args = lower(c.args.map((a: string) => a.replace('$(JOB_COMPLETION_INDEX)', String(i)).replace(/^\/data/, data)));
      const r = run([...image.entry, ...args], data, { ...env, JOB_COMPLETION_INDEX: String(i) });
      expect(r.status, r.stderr).toBe(0);
    }
    const [merge] = parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes/merge-job.yaml'), 'utf8')).map((d) => d.toJS());
    const m = merge.spec.template.spec.containers[0].command as string[];
    const r = run([m[0], m[1], m[2].replaceAll('/opt/sim', image.app).replaceAll('/data', data)], data);
    expect(r.status, r.stderr).toBe(0);
    // the image's bundle, built at image build time, records the sources it was built from: these
    expect(JSON.parse(readFileSync(join(data, 'run', 'manifest.json'), 'utf8'))).toMatchObject({ shards: job.spec.completions, trials: Number(TRIALS), source: sourceHash(ROOT) });
  }, 600_000);

  it('slurm: the array script for each task, then the merge script', () => {
    const work = join(root, 'slurm');
    cpSync(image.app, work, { recursive: true });
    const script = (name: string) => readFileSync(join(ROOT, 'deploy/slurm', name), 'utf8').replace(/--trials \d+/, `--trials ${TRIALS} --calibration-trials 1024`);
    const array = script('sim-array.sbatch');
    const [lo, hi] = /#SBATCH --array=(\d+)-(\d+)/.exec(array)!.slice(1).map(Number);
    for (let id = lo; id <= hi; id++) {
      const r = run(['bash', '-c', array], work, { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(lo), SLURM_ARRAY_TASK_COUNT: String(hi - lo + 1), SLURM_CPUS_PER_TASK: '1' });
      expect(r.status, r.stderr).toBe(0);
    }
    const r = run(['bash', '-c', script('sim-merge.sbatch')], work);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(work, 'run', 'trials.arrow'))).toBe(true);
    expect(readdirSync(join(work, 'shards')).filter((d) => /^\d+$/.test(d))).toHaveLength(hi - lo + 1);
  }, 600_000);
});
