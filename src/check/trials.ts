import { buildPlan, type Plan } from '../plan.ts';
import { createKernelState, simulateChunk } from '../kernel/simulate.ts';
import { createChunkSampler, sampleChunk } from '../sampling/sample-chunk.ts';
import type { Scenario } from '../scenario/types.ts';

/** Trials behind `sim check`: enough for a median to ±1 % and a share to ±0.5 %, in well under a second. */
export const CHECK_TRIALS = 8192;

/**
 * Memory the check's trials take: every plan column for CHECK_TRIALS trials.
 *
 * @param plan the run's plan
 * @returns bytes
 * @example checkTrialsBytes(plan) // 41 MB for the default scenario's 633 columns
 */
export function checkTrialsBytes(plan: Plan): number {
  return plan.columns.length * CHECK_TRIALS * Float64Array.BYTES_PER_ELEMENT;
}

/** A pathwise simulation of a scenario's inputs, read by column name. */
export interface CheckTrials {
  plan: Plan;
  count: number;
  /** the chunk buffer: column j at [j·count, (j + 1)·count) */
  buf: Float64Array;
  /** the trials' values of plan column j (a view, not a copy) */
  column(j: number): Float64Array;
}

/**
 * Draw and simulate the trials the checks read: plain random sampling from a
 * stream of its own (`<seed>:check`), so a check never shifts a run's draws,
 * and the pathwise valuation — it needs no calibration, and as the foresight
 * bound it can only overstate recoverable amounts, so a warning it raises
 * holds a fortiori under `expected`.
 *
 * @param s the resolved scenario
 * @param seed the run's seed
 * @param count trials
 * @returns the simulated trials
 * @example const t = simulateCheckTrials(scenario, '1', 4096); t.column(t.plan.assets[0].out.exit_month)
 */
export function simulateCheckTrials(s: Scenario, seed: string, count = CHECK_TRIALS): CheckTrials {
  const plan = buildPlan({ ...s, valuation: 'pathwise' });
  const buf = new Float64Array(plan.columns.length * count);
  sampleChunk(createChunkSampler(plan, { seed: `${seed}:check` }), { index: 0, start: 0, count }, buf);
  simulateChunk(plan, createKernelState(plan), buf, count);
  return { plan, count, buf, column: (j) => buf.subarray(j * count, (j + 1) * count) };
}
