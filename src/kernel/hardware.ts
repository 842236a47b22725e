import type { Flows } from './flows.ts';
import type { HardwareAsset } from '../scenario/types.ts';

/** What a hardware cohort fixes for every trial. */
export type HardwareFixed = Pick<HardwareAsset, 'units' | 'unitCost' | 'ageMonths' | 'powerKw' | 'idlePowerFraction' | 'opexPerUnitMonth' | 'disposalCost'>;

/** One trial's draws for a cohort; a single object per cohort is reused for every trial. */
export interface HardwareDraw {
  rentalPrice: number;
  priceCompression: number;
  firstSupersededAge: number;
  cadenceMonths: number;
  generationShock: number;
  utilization: Float64Array;
  resaleDecay: number;
  resaleFloor: number;
  resaleHaircut: number;
  failureRate: number;
  powerPrice: number;
  pue: number;
}

/**
 * Newer generations shipped by age a.
 *
 * @example generation(30, 20, 12) // 1
 */
export function generation(a: number, firstSupersededAge: number, cadenceMonths: number): number {
  return a < firstSupersededAge ? 0 : 1 + Math.floor((a - firstSupersededAge) / cadenceMonths);
}

/**
 * Fill n, u, CF, M and S for t = 0..H (MODEL.md "Hardware cohort").
 * Monthly powers are carried as running products (one multiply per month
 * instead of a pow); generation-dependent factors change only when g does.
 */
export function hardwareFlows(c: HardwareFixed, x: HardwareDraw, H: number, f: Flows): void {
  const { n, u, CF, M, S } = f;
  const fsa = x.firstSupersededAge, cad = x.cadenceMonths;
  const g0 = generation(c.ageMonths, fsa, cad);
  const top = x.utilization.length - 1;
  const survive = Math.pow(1 - x.failureRate, 1 / 12);
  const compress = Math.pow(1 - x.priceCompression, 1 / 12);
  const decay = Math.exp(-x.resaleDecay / 12);
  const energyPerUnit = 730 * c.powerKw * x.pue * x.powerPrice; // $ per unit-month at full load
  const idle = c.idlePowerFraction;
  const keep = 1 - c.disposalCost;
  const keepPrice = 1 - x.generationShock, keepResale = 1 - x.resaleHaircut;
  let units = c.units * Math.pow(1 - x.failureRate, c.ageMonths / 12);
  let price = x.rentalPrice;
  let resale = Math.exp((-x.resaleDecay * c.ageMonths) / 12);
  let gPrev = -1, shock = 1, haircut = 1, util = 0;
  CF[0] = 0;
  for (let t = 0; t <= H; t++) {
    const g = generation(c.ageMonths + t, fsa, cad);
    if (g !== gPrev) {
      // a step of one generation (the usual case) is one multiply, not two pows
      if (g === gPrev + 1 && gPrev >= 0) {
        shock *= keepPrice;
        haircut *= keepResale;
      } else {
        shock = Math.pow(keepPrice, g - g0);
        haircut = Math.pow(keepResale, g);
      }
      util = x.utilization[g < top ? g : top];
      gPrev = g;
    }
    n[t] = units;
    u[t] = util;
    if (t > 0) {
      const revenue = units * 730 * util * price * shock;
      const energy = units * energyPerUnit * (idle + (1 - idle) * util);
      CF[t] = revenue - energy - units * c.opexPerUnitMonth;
    }
    const m = units * c.unitCost * (x.resaleFloor + (1 - x.resaleFloor) * resale) * haircut;
    M[t] = m;
    S[t] = m * keep;
    units *= survive;
    price *= compress;
    resale *= decay;
  }
}
