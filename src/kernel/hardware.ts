import type { Flows } from './flows.ts';
import type { HardwareAsset } from '../scenario/types.ts';
import { HOURS_PER_MONTH, HW } from '../schema.ts';

/** What a hardware cohort fixes for every trial. */
export type HardwareFixed = Pick<HardwareAsset, 'units' | 'unitCost' | 'ageMonths' | 'powerKw' | 'idlePowerFraction' | 'opexPerUnitMonth' | 'disposalCost'>;

/**
 * Newer generations shipped by age a.
 *
 * @example generation(30, 20, 12) // 1
 */
export function generation(a: number, firstSupersededAge: number, cadenceMonths: number): number {
  return a < firstSupersededAge ? 0 : 1 + Math.floor((a - firstSupersededAge) / cadenceMonths);
}

/**
 * What hardwareFlows fills besides n[0], f, CF, M and S, which every reader
 * needs; each level fills what the one below does and more. `units` adds
 * the units in service n[t] and the utilization u[t] of every month (a
 * units-of-production book reads them); `observed` adds the expected
 * valuation's features rate and sinceShip (its norm reads n[t]). A
 * pathwise run of time-based books needs neither: two stores a month fewer.
 */
export const FILL = { books: 0, units: 1, observed: 2 } as const;
export type Fill = (typeof FILL)[keyof typeof FILL];

/**
 * Fill n, f, u, CF, M, S and the observable rate and sinceShip for t = 0..H, as far as `fill` asks (MODEL.md "Hardware cohort").
 * Monthly powers are carried as running products (one multiply per month
 * instead of a pow); generation-dependent factors change only when g does.
 *
 * @param c the cohort's fixed parameters
 * @param x one trial's scalar draws, at the offsets of HW
 * @param utilization the trial's utilization per cascade tier
 * @param H horizon in months
 * @param f the flows to fill
 * @param fill what to fill beyond n[0], f, CF, M and S (FILL)
 */
export function hardwareFlows(c: HardwareFixed, x: Float64Array, utilization: Float64Array, H: number, f: Flows, fill: Fill): void {
  const { n, u, CF, M, S, rate, sinceShip } = f;
  const share = f.f;
  const fsa = x[HW.firstSupersededAge], cad = x[HW.cadenceMonths];
  const failureRate = x[HW.failureRate], resaleDecay = x[HW.resaleDecay], resaleFloor = x[HW.resaleFloor];
  const g0 = generation(c.ageMonths, fsa, cad);
  const top = utilization.length - 1;
  const survive = Math.pow(1 - failureRate, 1 / 12);
  const compress = Math.pow(1 - x[HW.priceCompression], 1 / 12);
  const decay = Math.exp(-resaleDecay / 12);
  // a local: an imported constant is a module binding, loaded and checked in every month of the loop
  const hours = HOURS_PER_MONTH;
  const energyPerUnit = hours * c.powerKw * x[HW.pue] * x[HW.powerPrice]; // $ per unit-month at full load
  const idle = c.idlePowerFraction, busy = 1 - idle;
  const keep = 1 - c.disposalCost, unitCost = c.unitCost, opex = c.opexPerUnitMonth;
  const keepPrice = 1 - x[HW.generationShock], keepResale = 1 - x[HW.resaleHaircut], resaleRange = 1 - resaleFloor;
  const fillUnits = fill !== FILL.books, observed = fill === FILL.observed;
  let units = c.units * Math.pow(1 - failureRate, c.ageMonths / 12);
  // the units in service at t = 0, whose share the books carry: none left (every unit failed before t = 0) puts nothing on them
  const units0 = units;
  let price = x[HW.rentalPrice];
  let resale = Math.exp((-resaleDecay * c.ageMonths) / 12);
  // what changes only with the generation (load: the power drawn per unit of full load) is computed when it changes, not every month
  let gPrev = -1, shock = 1, haircut = 1, util = 0, load = 0, shipAge = 0;
  // generation() is evaluated from a month before the next ship date on (the month before absorbs rounding), not every month
  let next = 0;
  n[0] = units0;
  for (let t = 0; t <= H; t++) {
    const g = t >= next ? generation(c.ageMonths + t, fsa, cad) : gPrev;
    if (g !== gPrev) {
      // a step of one generation (the usual case) is one multiply, not two pows
      if (g === gPrev + 1 && gPrev >= 0) {
        shock *= keepPrice;
        haircut *= keepResale;
      } else {
        shock = Math.pow(keepPrice, g - g0);
        haircut = Math.pow(keepResale, g);
      }
      util = utilization[g < top ? g : top];
      load = idle + busy * util;
      shipAge = g === 0 ? 0 : fsa + (g - 1) * cad;
      gPrev = g;
      next = Math.ceil((g === 0 ? fsa : fsa + g * cad) - c.ageMonths) - 1;
    }
    share[t] = units / units0;
    if (fillUnits) {
      n[t] = units;
      u[t] = util;
    }
    if (observed) {
      // what the holder observes (MODEL.md "expected"): today's margin per unit and the age of the newest generation
      rate[t] = hours * util * price * shock - energyPerUnit * load - opex;
      sinceShip[t] = c.ageMonths + t - shipAge;
    }
    const revenue = units * hours * util * price * shock;
    const energy = units * energyPerUnit * load;
    CF[t] = revenue - energy - units * opex;
    const m = units * unitCost * (resaleFloor + resaleRange * resale) * haircut;
    M[t] = m;
    S[t] = m * keep;
    units *= survive;
    price *= compress;
    resale *= decay;
  }
  // computed at t = 0 too, which spares the loop a branch: nothing is received at t = 0
  CF[0] = 0;
  // likewise the share: none in service at t = 0 (every unit failed before it) puts nothing on the books, not 0 / 0
  if (units0 === 0) share.fill(0, 0, H + 1);
}
