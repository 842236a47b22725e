import { totalmem } from 'node:os';
import { availableParallelism } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../src/cli.ts';
import { InputError } from '../src/errors.ts';
import type { Plan } from '../src/plan.ts';
import { capacity, checkPlanLimits, chooseStore, flag, MEMORY_BUDGET, RUN_DEFAULTS, runConfig, STORE_BUDGET, availableMemory } from '../src/run-config.ts';
import { SOBOL_MAX_DIMENSIONS } from '../src/sampling/sobol.ts';

describe('RunConfig', () => {
  it('fills every default of a run', () => {
    expect(runConfig({})).toEqual({
      trials: 100_000, seed: '1', workers: availableParallelism(), chunkSize: 4096, sampler: 'random', precision: undefined,
      maxTrials: 1_000_000, pathSample: 10_000, columns: 'all', store: 'auto', formats: ['arrow'], overrides: [], repairCorrelations: false, report: true,
    });
  });

  it('keeps what is given, treats undefined as not given, and ignores what is not a setting', () => {
    const c = runConfig({ trials: undefined, seed: 'x', precision: 0.01, ...{ scenarioFile: 'a.yaml', quiet: true } });
    expect(c.trials).toBe(100_000);
    expect(c.seed).toBe('x');
    expect(c.maxTrials).toBe(1_000_000); // a precision run without maxTrials stops here
    expect(capacity(c)).toBe(1_000_000);
    expect(Object.keys(c).sort()).toEqual(Object.keys(RUN_DEFAULTS).sort());
  });

  it('never shares the default arrays', () => {
    runConfig({}).formats.push('parquet');
    expect(RUN_DEFAULTS.formats).toEqual(['arrow']);
  });

  it.each([
    [{ trials: 0 }, '--trials must be a whole number from 1 to 2,000,000,000'],
    [{ chunkSize: 1.5 }, '--chunk-size must be a whole number'],
    [{ maxTrials: NaN }, '--max-trials must be a whole number'],
    [{ workers: 1000 }, '--workers must be a whole number from 1 to 256'],
    [{ seed: 'a/b' }, '--seed must be 1–64 letters'],
    [{ precision: 1 }, '--precision must be a number between 0 and 1'],
    [{ sampler: 'lhs' as const, precision: 0.1 }, '--sampler lhs stratifies a fixed number of trials'],
  ])('refuses %j', (req, message) => {
    expect(() => runConfig(req)).toThrow(InputError);
    expect(() => runConfig(req)).toThrow(message);
  });

  it('is where the command line takes its defaults from', () => {
    const run = buildProgram().commands.find((c) => c.name() === 'run')!;
    const defaults = Object.fromEntries(run.options.map((o) => [o.attributeName(), o.defaultValue]));
    const { formats, overrides, precision, ...rest } = RUN_DEFAULTS;
    expect(defaults).toMatchObject({ ...rest, format: formats, set: overrides });
    expect(defaults.precision).toBe(precision);
    for (const key of Object.keys(RUN_DEFAULTS) as (keyof typeof RUN_DEFAULTS)[]) {
      if (key !== 'formats' && key !== 'overrides') expect(run.options.some((o) => o.long === flag(key)), key).toBe(true);
    }
  });
});

describe('limits checked before a run', () => {
  const planWith = (uncertain: number) => ({ sensitivity: { inputs: new Array(uncertain).fill(0), outputs: [] } }) as unknown as Plan;

  it(`refuses --sampler sobol over more than ${SOBOL_MAX_DIMENSIONS} uncertain inputs, naming the limit`, () => {
    const sobol = runConfig({ sampler: 'sobol' });
    expect(() => checkPlanLimits(sobol, planWith(SOBOL_MAX_DIMENSIONS))).not.toThrow();
    expect(() => checkPlanLimits(sobol, planWith(SOBOL_MAX_DIMENSIONS + 1))).toThrow(InputError);
    expect(() => checkPlanLimits(sobol, planWith(1080))).toThrow('--sampler sobol draws at most 1,024 uncertain inputs');
    for (const sampler of ['random', 'lhs'] as const) expect(() => checkPlanLimits(runConfig({ sampler }), planWith(1080))).not.toThrow();
  });

  it('keeps columns in memory up to the memory budget with --store auto', () => {
    expect(chooseStore('auto', STORE_BUDGET)).toBe('memory');
    expect(chooseStore('auto', STORE_BUDGET + 1)).toBe('spill');
    expect(chooseStore('memory', 2 * STORE_BUDGET)).toBe('memory');
    expect(STORE_BUDGET).toBeGreaterThanOrEqual(MEMORY_BUDGET);
    expect(STORE_BUDGET).toBe(Math.max(MEMORY_BUDGET, Math.floor(availableMemory() / 4)));
    expect(availableMemory()).toBeLessThanOrEqual(totalmem());
  });
  it('counts the memory a cgroup limit leaves (a pod or a Slurm job), not the whole machine', () => {
    const spy = vi.spyOn(process, 'constrainedMemory');
    try {
      spy.mockReturnValue(8 * 2 ** 30);
      expect(availableMemory()).toBe(Math.min(8 * 2 ** 30, totalmem()));
      spy.mockReturnValue(0); // no limit known
      expect(availableMemory()).toBe(totalmem());
      spy.mockReturnValue(2 ** 64); // cgroup v2 "max": no limit
      expect(availableMemory()).toBe(totalmem());
    } finally {
      spy.mockRestore();
    }
  });
});
