import { allocateFlows } from '../kernel/flows.ts';
import { FILL, generation, hardwareFlows } from '../kernel/hardware.ts';
import { recoverable } from '../kernel/recoverable.ts';
import { readDraws } from '../kernel/simulate.ts';
import type { BookPlan, HardwarePlan } from '../plan.ts';
import { HARDWARE_SCALARS, HW } from '../schema.ts';
import { applicable, mean, median, percent, percentiles } from './figures.ts';
import type { CheckTrials } from './trials.ts';
import type { Check } from './types.ts';

/** A unit whose mean NPV at purchase, operated for the horizon and then sold, is below −10 % of its price is one no buyer would have paid that price for. */
export const MIN_PURCHASE_NPV = -0.1;
/** Above +100 %, the unit earns more than twice its price in present value: a market pricing those cash flows would not have sold it at that price. */
export const MAX_PURCHASE_NPV = 1;
/** Above this share of trials in which selling today beats holding, the market pays more for the unit than it can earn. */
export const MAX_SELL_NOW = 0.05;
/** F7: rental prices fall 30–70 % in two years; the scenario's central 80 % (P10–P90) of two-year declines should sit in that range. */
export const PRICE_DECLINE_BAND: readonly [number, number] = [0.3, 0.7];

export const EARNING = ['rentalPrice', 'utilization', 'priceCompression', 'generationShock', 'firstSupersededAge', 'cadenceMonths', 'failureRate', 'powerKw', 'idlePowerFraction', 'powerPrice', 'pue', 'opexPerUnitMonth'];
export const RESALE = ['resaleDecay', 'resaleFloor', 'resaleHaircut', 'disposalCost'];

/**
 * The coherence checks of one hardware cohort (README "Checking a scenario"):
 * (a) would a buyer have paid `unitCost` — the mean NPV at the purchase date
 * of operating the unit for the horizon and then selling it, with the trial's
 * price path run back to age 0 by its own trend and shocks (the NPV with the
 * exit option under foresight is shown beside it, but it cannot warn: at age
 * 0 it is floored by selling straight back, less disposal costs);
 * (b) how often selling today beats holding, and the median M[0]/V[0];
 * (c) the two-year rental price decline it implies against F7;
 * (d) per policy, the day-one gap between carrying amount and recoverable amount.
 * (a) and (b) read only the trials in which they are defined (a rent at
 * purchase; something to recover at t = 0), and do not apply if none is.
 *
 * @param t the check's trials
 * @param a the cohort's plan
 * @returns its checks, (d) once per book
 * @example hardwareChecks(simulateCheckTrials(s, '1'), plan.assets[0]).map((c) => c.warning)
 */
export function hardwareChecks(t: CheckTrials, a: HardwarePlan): Check[] {
  const { plan, count, buf } = t;
  const H = plan.H, d = plan.d, c = a.fixed;
  const now = allocateFlows(H), bought = allocateFlows(H);
  const x = new Float64Array(HARDWARE_SCALARS.length), xp = new Float64Array(HARDWARE_SCALARS.length);
  const util = new Float64Array(a.utilization.length);
  const atPurchase = { ...c, ageMonths: 0 };
  const K = c.units * c.unitCost;
  const sellNow = new Float64Array(count), marketOverValue = new Float64Array(count), decline = new Float64Array(count);
  const npvOption = new Float64Array(count), npvHold = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    readDraws(a.in, x, buf, count, i);
    readDraws(a.utilization, util, buf, count, i);
    hardwareFlows(c, x, util, H, now, FILL.books);
    const exit = recoverable(now.CF, now.S, d, H, true, now.V, null);
    // nothing to recover (every unit failed, or nothing to earn and a sale that nets nothing): neither selling nor holding beats the other
    const something = now.V[0] > 0;
    sellNow[i] = something ? (exit === 0 ? 1 : 0) : NaN;
    marketOverValue[i] = something ? now.M[0] / now.V[0] : NaN;
    const fsa = x[HW.firstSupersededAge], cad = x[HW.cadenceMonths];
    const keepPrice = 1 - x[HW.generationShock], keepTrend = 1 - x[HW.priceCompression];
    const g0 = generation(c.ageMonths, fsa, cad);
    decline[i] = 1 - keepTrend * keepTrend * Math.pow(keepPrice, generation(c.ageMonths + 24, fsa, cad) - g0);
    // the same trial seen from the purchase date: today's price is where its trend and shocks led from age 0
    // (none if a 100 % trend or step since then took every price at purchase to 0, not to today's)
    xp.set(x);
    xp[HW.rentalPrice] = x[HW.rentalPrice] / (Math.pow(keepTrend, c.ageMonths / 12) * Math.pow(keepPrice, g0 - generation(0, fsa, cad)));
    if (!Number.isFinite(xp[HW.rentalPrice])) {
      npvOption[i] = npvHold[i] = NaN;
      continue;
    }
    hardwareFlows(atPurchase, xp, util, H, bought, FILL.books);
    recoverable(bought.CF, bought.S, d, H, true, bought.V, null);
    npvOption[i] = (bought.V[0] - K) / K;
    let hold = 0, df = 1;
    for (let m = 1; m <= H; m++) hold += (df *= d) * bought.CF[m];
    npvHold[i] = (hold + df * bought.S[H] - K) / K;
  }
  const meanOption = mean(npvOption), meanHold = mean(npvHold);
  const shareSell = mean(sellNow), ratio = median(marketOverValue);
  const [p10, p50, p90] = percentiles(decline, [0.1, 0.5, 0.9]);
  const [lo, hi] = PRICE_DECLINE_BAND;
  const noPurchasePrice = Number.isNaN(meanHold) ? 'the rent at purchase cannot be run back from today\'s in any trial: a 100 % price trend or generation step since then takes every rent to 0' : null;
  const nothingNow = Number.isNaN(shareSell) ? 'nothing to recover at t = 0 in any trial (V[0] = 0: every unit failed, or nothing to earn and nothing from a sale), so selling cannot beat holding' : null;
  const purchaseNpv = `${a.name}: a unit bought at $${c.unitCost.toLocaleString('en-US')} and operated for ${H} months has a mean NPV of ${percent(meanHold)} of its price at purchase`;
  const checks: Check[] = [
    {
      id: 'purchase-npv', asset: a.name,
      compares: `mean NPV at purchase (age 0) of a unit bought at $${c.unitCost.toLocaleString('en-US')}, per dollar paid: operated for ${H} months and then sold; beside it, with the exit option under foresight (an upper bound)`,
      threshold: `warn if the NPV operated and sold is below ${percent(MIN_PURCHASE_NPV)} or above ${percent(MAX_PURCHASE_NPV)}`,
      movedBy: [...EARNING, ...RESALE, 'unitCost', 'ageMonths', 'discountRate', 'horizonMonths'],
      figures: applicable(noPurchasePrice, { meanNpvWithExit: meanOption, meanNpvHeld: meanHold }),
      notApplicable: noPurchasePrice,
      warning: noPurchasePrice ? null
        : meanHold < MIN_PURCHASE_NPV ? `${purchaseNpv}: no buyer would have paid it (raise earnings or lower unitCost)`
        : meanHold > MAX_PURCHASE_NPV ? `${purchaseNpv}: no seller would have sold at that price (lower earnings or raise unitCost)`
        : null,
    },
    {
      id: 'sell-now', asset: a.name,
      compares: 'share of trials in which selling at t = 0 beats holding (pathwise exit at 0), and the median ratio of market value to recoverable amount M[0]/V[0]',
      threshold: `warn above ${percent(MAX_SELL_NOW)} of trials`,
      movedBy: [...RESALE, ...EARNING, 'ageMonths', 'discountRate', 'horizonMonths'],
      figures: applicable(nothingNow, { shareSellNow: shareSell, medianMarketOverRecoverable: ratio }),
      notApplicable: nothingNow,
      warning: !nothingNow && shareSell > MAX_SELL_NOW
        ? `${a.name}: selling today beats holding in ${percent(shareSell)} of trials (median M[0]/V[0] ${ratio.toFixed(2)}): the resale curve pays more than the unit can earn (lower resale or raise earnings)`
        : null,
    },
    {
      id: 'price-decline', asset: a.name,
      compares: 'rental price decline over the next 24 months, trend and generation shocks together, 1 − price[24]/price[0]',
      threshold: `warn if P10 or P90 is outside ${percent(lo)}–${percent(hi)} (F7)`,
      movedBy: ['priceCompression', 'generationShock', 'firstSupersededAge', 'cadenceMonths', 'ageMonths'],
      cites: 'F7',
      figures: { p10, p50, p90 },
      notApplicable: null,
      warning: p10 < lo || p90 > hi
        ? `${a.name}: rental prices fall ${percent(p10)}–${percent(p90)} in two years (P10–P90, median ${percent(p50)}); F7 says ${percent(lo)}–${percent(hi)}: ${p90 > hi ? 'is obsolescence counted twice?' : 'slower than the figures show'} (priceCompression, generationShock)`
        : null,
    },
  ];
  for (const b of a.books) checks.push(dayOneGap(t, a, b));
  return checks;
}

/** The own book's median day-one gap above this share of its carrying amount says the scenario and the books disagree materially. */
export const MAX_DAY_ONE_GAP = 0.25;

/**
 * (d) The day-one gap of one book: carrying amount at t = 0 against the
 * recoverable amount V[0]. A gap is often the answer, not an incoherence —
 * straight-line books fall slower than front-loaded earnings — so it warns
 * only when the asset's own policy (the book that passed last period's test)
 * is carried more than MAX_DAY_ONE_GAP above V[0] at the median; under a
 * what-if policy any gap is the answer being asked for.
 */
export function dayOneGap(t: CheckTrials, a: HardwarePlan, book: BookPlan): Check {
  const { policy } = book, asset = a.name;
  const carrying = t.column(book.out.carrying_m0);
  const V0 = t.column(a.out.recoverable_m[0]); // valued months start at t = 0
  const gap = new Float64Array(t.count);
  let above = 0;
  for (let i = 0; i < t.count; i++) {
    gap[i] = carrying[i] - V0[i];
    if (gap[i] > 0) above++;
  }
  const share = above / t.count, medianGap = median(gap), medianCarrying = median(carrying);
  const own = policy === '';
  const material = own && medianGap > MAX_DAY_ONE_GAP * medianCarrying;
  return {
    id: 'day-one-gap', asset, policy,
    compares: `carrying amount at t = 0 (${own ? 'the asset\'s own policy' : `policy ${policy}`}) against the recoverable amount V[0]; the median of their difference`,
    threshold: own ? `warn if the median gap exceeds ${percent(MAX_DAY_ONE_GAP)} of the carrying amount: the scenario and the books disagree materially on day one` : 'none (a what-if policy: a gap is its answer)',
    movedBy: ['policy', 'ageMonths', ...EARNING, ...RESALE, 'discountRate', 'horizonMonths', 'valuation'],
    figures: { medianCarrying, medianRecoverable: median(V0), medianGap, shareCarriedAbove: share },
    notApplicable: null,
    warning: material
      ? `${asset}: carried ${percent(medianGap / medianCarrying)} above its recoverable amount at t = 0 (median; in ${percent(share)} of trials above): the scenario and its own books disagree materially on day one (policy, ageMonths or earnings)`
      : null,
  };
}
