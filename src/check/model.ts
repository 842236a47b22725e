import { allocateFlows } from '../kernel/flows.ts';
import { modelFlows, supersession } from '../kernel/model.ts';
import { readDraws } from '../kernel/simulate.ts';
import type { ModelPlan, Plan } from '../plan.ts';
import { MD, MODEL_INPUTS } from '../schema.ts';
import { applicable, mean, percentiles } from './figures.ts';
import type { CheckTrials } from './trials.ts';
import type { Check } from './types.ts';

/** F21: a $100M model earns ~$200M over its life; "~2×" read as 1.5×–3×. */
export const LIFETIME_REVENUE_BAND: readonly [number, number] = [1.5, 3];

/**
 * Each trial's supersession month of every model (capped by its parent's), in plan order.
 *
 * @returns per asset, the month per trial (NaN for hardware)
 */
function supersessions(t: CheckTrials): Float64Array[] {
  const { plan, count, buf } = t;
  const s = plan.assets.map(() => new Float64Array(count).fill(NaN));
  for (const ai of plan.order) {
    const a = plan.assets[ai];
    if (a.kind !== 'model') continue;
    const life = a.in[MD.lifespanMonths];
    for (let i = 0; i < count; i++) s[ai][i] = supersession(a.fixed.releaseMonth, buf[life * count + i], a.parent >= 0 ? s[a.parent][i] : Infinity);
  }
  return s;
}

/**
 * The coherence check of each trained model: expected lifetime revenue
 * (undiscounted, from release over the horizon's length of months) over its
 * training cost, against F21's ~2×. A variant (with a parent) is held only to
 * the lower end: its cost is marginal, the parent's capability earns (F20).
 * A model without a training cost has no ratio: the check does not apply.
 *
 * @param t the check's trials
 * @returns one check per model
 * @example modelChecks(simulateCheckTrials(s, '1')).map((c) => c.figures.meanRatio)
 */
export function modelChecks(t: CheckTrials): Check[] {
  const { plan, count, buf } = t;
  const s = supersessions(t);
  const fl = allocateFlows(plan.H), x = new Float64Array(MODEL_INPUTS.length);
  const [lo, hi] = LIFETIME_REVENUE_BAND;
  return plan.assets.flatMap((a, ai): Check[] => {
    if (a.kind !== 'model') return [];
    // no training cost: a revenue-to-cost ratio is meaningless (e.g. a variant whose parent bears all of it)
    const noCost = a.K > 0 ? null : 'no training cost (trainingCost: 0): lifetime revenue is a multiple of nothing';
    const ratio = noCost ? new Float64Array(count).fill(NaN) : lifetimeRatios(plan, a, s[ai], buf, count, fl, x);
    const m = mean(ratio);
    const [p10, p50, p90] = percentiles(ratio, [0.1, 0.5, 0.9]);
    const variant = a.parent >= 0;
    const out = !noCost && (m < lo || (!variant && m > hi));
    return [{
      id: 'lifetime-revenue', asset: a.name,
      compares: 'expected revenue over the model\'s life (undiscounted, from release) over its training cost',
      threshold: variant ? `warn below ${lo}× (a variant: its parent bears the cost, F20)` : `warn outside ${lo}×–${hi}× (F21: ~2×)`,
      movedBy: ['peakMonthlyRevenue', 'lifespanMonths', 'tokenPriceCompression', 'tailFraction', 'rampMonths', 'trainingCost', 'parent', 'horizonMonths'],
      cites: 'F21',
      figures: applicable(noCost, { meanRatio: m, p10, p50, p90 }),
      notApplicable: noCost,
      warning: out
        ? `${a.name}: expected lifetime revenue is ${m.toFixed(1)}× its training cost (P10 ${p10.toFixed(1)}×, P90 ${p90.toFixed(1)}×); F21 says ~2× (adjust peakMonthlyRevenue or lifespanMonths)`
        : null,
    }];
  });
}

/** Per trial, Σ R over the model's first H months of life, divided by its training cost. */
function lifetimeRatios(plan: Plan, a: ModelPlan, s: Float64Array, buf: Float64Array, count: number, fl: ReturnType<typeof allocateFlows>, x: Float64Array): Float64Array {
  const fromRelease = { releaseMonth: 0, rampMonths: a.fixed.rampMonths };
  const ratio = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    readDraws(a.in, x, buf, count, i);
    modelFlows(fromRelease, x, s[i] - a.fixed.releaseMonth, plan.H, fl, true);
    let r = 0;
    for (let m = 1; m <= plan.H; m++) r += fl.rate[m];
    ratio[i] = r / a.K;
  }
  return ratio;
}
