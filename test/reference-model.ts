/**
 * A deliberately naive, independent transcription of MODEL.md: plain arrays,
 * a pow per month, every formula written as the page states it. The kernel
 * (running products, tabulated schedules, typed arrays) must agree with it
 * to 1e-9 relative on every per-trial output.
 */
import type { Scenario, HardwareAsset, ModelAsset, Policy } from '../src/scenario/types.ts';

type Row = Record<string, number>;

const MACRS = [0.2, 0.32, 0.192, 0.1152, 0.1152, 0.0576];

function book(p: Policy, K: number, age: number, uop?: { used: number; units: number }): number {
  const sal = K * p.salvagePct, L = p.usefulLifeMonths;
  switch (p.method) {
    case 'straight-line': // "B = salvage exactly from age L on"
      return age >= L ? sal : K - ((K - sal) * Math.max(age, 0)) / L;
    case 'declining-balance': {
      if (age >= L) return sal;
      let B = K;
      for (let m = 0; m < age; m++) B = Math.max(sal, B - Math.max((B * (p.factor ?? 2)) / L, (B - sal) / (L - m)));
      return B;
    }
    case 'sum-of-years-digits': {
      let B = K;
      for (let m = 1; m <= Math.min(age, L); m++) B -= ((K - sal) * (L - m + 1)) / ((L * (L + 1)) / 2);
      return age >= L ? sal : B;
    }
    case 'units-of-production':
      return K - (K - sal) * Math.min(1, uop!.used / (p.plannedUtilization! * 730 * L * uop!.units));
    case 'macrs-5': {
      let taken = 0;
      for (let m = 0; m < age; m++) taken += (MACRS[Math.floor(m / 12)] ?? 0) / 12;
      return age >= 72 ? 0 : K - K * taken;
    }
  }
}

interface Paths { CF: number[]; M: number[]; S: number[]; n: number[]; u: number[] }

function hardwarePaths(a: HardwareAsset, x: Row, H: number): Paths {
  const tiers = a.utilization.length;
  const g = (age: number) => (age < x.firstSupersededAge ? 0 : 1 + Math.floor((age - x.firstSupersededAge) / x.cadenceMonths));
  const p: Paths = { CF: [0], M: [], S: [], n: [], u: [] };
  for (let t = 0; t <= H; t++) {
    const age = a.ageMonths + t;
    const n = a.units * Math.pow(1 - x.failureRate, age / 12);
    const price = x.rentalPrice * Math.pow(1 - x.priceCompression, t / 12) * Math.pow(1 - x.generationShock, g(age) - g(a.ageMonths));
    const u = x[`utilization.${Math.min(g(age), tiers - 1)}`];
    const revenue = n * 730 * u * price;
    const energy = n * 730 * a.powerKw * (a.idlePowerFraction + (1 - a.idlePowerFraction) * u) * x.pue * x.powerPrice;
    if (t > 0) p.CF[t] = revenue - energy - n * a.opexPerUnitMonth;
    const rho = (x.resaleFloor + (1 - x.resaleFloor) * Math.exp((-x.resaleDecay * age) / 12)) * Math.pow(1 - x.resaleHaircut, g(age));
    p.M[t] = n * a.unitCost * rho;
    p.S[t] = p.M[t] * (1 - a.disposalCost);
    p.n[t] = n;
    p.u[t] = u;
  }
  return p;
}

function modelPaths(a: ModelAsset, x: Row, s: number, H: number): Paths {
  const p: Paths = { CF: [0], M: [0], S: [0], n: [], u: [] };
  for (let t = 1; t <= H; t++) {
    const alpha = t - a.releaseMonth;
    const R = alpha <= 0 ? 0 : x.peakMonthlyRevenue * Math.min(1, alpha / a.rampMonths) * Math.pow(1 - x.tokenPriceCompression, alpha / 12) * (t <= s ? 1 : x.tailFraction);
    p.CF[t] = R * (1 - x.servingCostRatio);
    p.M[t] = p.S[t] = 0;
  }
  return p;
}

/** All per-trial outputs of one trial, keyed by column name, from the inputs in `x` (keyed `<asset>.<input>`). */
export function referenceTrial(sc: Scenario, inputs: Row): Row {
  const H = sc.horizonMonths, d = Math.pow(1 + sc.discountRate, -1 / 12);
  const out: Row = {};
  const sMonth: Record<string, number> = {};
  const supersede = (a: ModelAsset): number => {
    if (sMonth[a.name] !== undefined) return sMonth[a.name];
    let s = a.releaseMonth + inputs[`${a.name}.lifespanMonths`];
    if (a.parent) s = Math.min(s, supersede(sc.assets.find((b) => b.name === a.parent) as ModelAsset));
    return (sMonth[a.name] = s);
  };
  const portfolio: Record<string, number> = {};
  const addTo = (prefix: string, key: string, v: number) => (portfolio[`${prefix}.${key}`] = (portfolio[`${prefix}.${key}`] ?? 0) + v);

  for (const a of sc.assets) {
    const x: Row = {};
    for (const [k, v] of Object.entries(inputs)) if (k.startsWith(`${a.name}.`)) x[k.slice(a.name.length + 1)] = v;
    const P = a.kind === 'hardware' ? hardwarePaths(a, x, H) : modelPaths(a, x, supersede(a), H);
    const V: number[] = [], W: number[] = [];
    V[H] = W[H] = P.S[H];
    for (let t = H - 1; t >= 0; t--) {
      V[t] = Math.max(P.S[t], d * (P.CF[t + 1] + V[t + 1]));
      W[t] = Math.max(P.S[t], P.CF[t + 1] + W[t + 1]);
    }
    let e = H;
    for (let t = 0; t < H; t++) if (P.S[t] >= d * (P.CF[t + 1] + V[t + 1])) { e = t; break; }
    const K = a.kind === 'hardware' ? a.units * a.unitCost : a.trainingCost;
    const now = a.kind === 'hardware' ? a.ageMonths === 0 : a.releaseMonth >= 0;
    out[`${a.name}.recoverable_m0`] = V[0];
    out[`${a.name}.exit_month`] = e;
    out[`${a.name}.npv`] = now ? V[0] - K : NaN;
    let pay = NaN, cum = 0;
    for (let t = 1; t <= H && now; t++) {
      cum += P.CF[t];
      if (cum + P.S[t] >= K) { pay = t; break; }
    }
    out[`${a.name}.payback_month`] = pay;

    const variants: [string, (t: number) => number, number][] = [];
    if (a.kind === 'hardware') {
      const sched = (p: Policy) => {
        let used = a.units * 730 * (p.plannedUtilization ?? 0) * a.ageMonths;
        const B: number[] = [];
        for (let t = 0; t <= H; t++) {
          if (t > 0) used += P.n[t] * 730 * P.u[t];
          B[t] = book(p, K, a.ageMonths + t, { used, units: a.units });
        }
        return (t: number) => B[t];
      };
      variants.push([a.name, sched(a.policy), K * a.policy.salvagePct]);
      for (const [name, p] of Object.entries(sc.policies)) variants.push([`${a.name}@${name}`, sched(p), K * p.salvagePct]);
    } else {
      const cap = a.accounting.treatment === 'capitalized';
      const L = a.accounting.amortizationMonths ?? 1;
      const amortized: Policy = { method: 'straight-line', usefulLifeMonths: L, salvagePct: 0 };
      variants.push([a.name, (t) => (cap ? book(amortized, a.trainingCost, t - a.releaseMonth) : 0), 0]);
    }
    variants.forEach(([prefix, B, salvage], vi) => {
      let sal = salvage, kappa = 1, total = 0, first = NaN;
      const C = (t: number) => sal + kappa * (B(t) - salvage);
      const lossAt: Record<number, number> = {};
      for (const t of sc.testMonths) {
        if (!(t < e || e === H)) continue;
        const c = C(t);
        const loss = sc.standard === 'ifrs' ? (c > V[t] ? c - V[t] : 0) : c > W[t] ? Math.max(0, c - Math.max(P.M[t], V[t])) : 0;
        if (loss > 0) {
          lossAt[t] = loss;
          const X = c - loss;
          sal = Math.min(salvage, X);
          kappa = B(t) - salvage !== 0 ? (X - sal) / (B(t) - salvage) : 0;
        }
      }
      if (e < H) {
        const loss = Math.max(0, C(e) - P.S[e]);
        if (loss > 0) lossAt[e] = (lossAt[e] ?? 0) + loss;
      }
      for (const [t, l] of Object.entries(lossAt).sort((p, q) => Number(p[0]) - Number(q[0]))) {
        total += l;
        if (Number.isNaN(first)) first = Number(t);
      }
      out[`${prefix}.writedown`] = total;
      out[`${prefix}.first_impairment_month`] = first;
      for (const t of sc.testMonths) {
        const cumLoss = Object.entries(lossAt).filter(([m]) => Number(m) <= t).reduce((s2, [, l]) => s2 + l, 0);
        out[`${prefix}.writedown_m${t}`] = cumLoss;
        out[`${prefix}.gap_m${t}`] = B(t) - P.M[t];
      }
      // portfolio: own books, and each policy (models keep their own book there)
      const keys = ['writedown', ...sc.testMonths.flatMap((t) => [`writedown_m${t}`, `gap_m${t}`])];
      const targets = a.kind === 'hardware' ? [vi === 0 ? 'portfolio' : `portfolio@${Object.keys(sc.policies)[vi - 1]}`] : ['portfolio', ...Object.keys(sc.policies).map((n) => `portfolio@${n}`)];
      for (const target of targets) for (const k of keys) addTo(target, k, out[`${prefix}.${k}`]);
    });
  }
  return { ...out, ...portfolio };
}
