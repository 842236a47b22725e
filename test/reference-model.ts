/**
 * A deliberately naive, independent transcription of MODEL.md: plain arrays,
 * a pow per month, every formula written as the page states it. The kernel
 * (running products, tabulated schedules, typed arrays) must agree with it
 * to 1e-9 relative on every per-trial output.
 */
import type { Scenario, HardwareAsset, ModelAsset, Policy } from '../src/scenario/types.ts';

type Row = Record<string, number>;

const MACRS = [0.2, 0.32, 0.192, 0.1152, 0.1152, 0.0576];

/** A method's base schedule for cost K, salvage sal, life L at `age`; `share` = used / planned hours (units-of-production). */
function schedule(p: Policy, K: number, sal: number, L: number, age: number, share = 0): number {
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
      return K - (K - sal) * Math.min(1, share);
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

/** One book's internal paths (t = 0..H; entries after the exit month are undefined). */
export interface BookTrace {
  exit: number;
  /** units in service relative to t = 0 */
  f: number[];
  /** base schedule B(a(t)) (the prospective schedule at service month t) */
  B: number[];
  salvage: number;
  /** carrying amount before any loss at t, and after it (C⁺) */
  C: number[];
  Cplus: number[];
  /** loss recognised at t (test or sale), failure loss of month t */
  loss: number[];
  failure: number[];
  /** S[e] if sold before H, else C⁺[H]: carrying_m0 − charge_m0 − Σ charge_y */
  end: number;
}

/**
 * All per-trial outputs of one trial, keyed by column name, from the inputs (keyed `<asset>.<input>`).
 * `trace`, when given, receives each book's internal paths keyed by its column prefix (`h100`, `h100@five-year`).
 */
export function referenceTrial(sc: Scenario, inputs: Row, trace?: Record<string, BookTrace>): Row {
  const H = sc.horizonMonths, d = Math.pow(1 + sc.discountRate, -1 / 12);
  const years = Math.ceil(H / 12);
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
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);

  for (const a of sc.assets) {
    const x: Row = {};
    for (const [k, v] of Object.entries(inputs)) if (k.startsWith(`${a.name}.`)) x[k.slice(a.name.length + 1)] = v;
    const P = a.kind === 'hardware' ? hardwarePaths(a, x, H) : modelPaths(a, x, supersede(a), H);
    // pathwise: V by backward induction; the holder's rule exits on S[t] ≥ d·(CF[t+1] + V[t+1]) (models never);
    // Zu follows that rule undiscounted and W[t] = max(S[t], CF[t+1] + Zu[t+1])
    const V: number[] = [], W: number[] = [], Zu: number[] = [];
    const exits = (t: number) => a.kind === 'hardware' && t < H && P.S[t] >= d * (P.CF[t + 1] + V[t + 1]);
    V[H] = W[H] = Zu[H] = P.S[H];
    for (let t = H - 1; t >= 0; t--) {
      V[t] = Math.max(P.S[t], d * (P.CF[t + 1] + V[t + 1]));
      Zu[t] = exits(t) ? P.S[t] : P.CF[t + 1] + Zu[t + 1];
      W[t] = Math.max(P.S[t], P.CF[t + 1] + Zu[t + 1]);
    }
    let e = H;
    for (let t = 0; t < H; t++) if (exits(t)) { e = t; break; }
    const K = a.kind === 'hardware' ? a.units * a.unitCost : a.trainingCost;
    const now = a.kind === 'hardware' ? a.ageMonths === 0 : a.releaseMonth >= 0;
    // V[t] at t = 0 and each test month, none after the asset is sold
    for (const t of new Set([0, ...sc.testMonths])) out[`${a.name}.recoverable_m${t}`] = t <= e ? V[t] : NaN;
    out[`${a.name}.exit_month`] = e;
    out[`${a.name}.npv`] = now ? V[0] - K : NaN;
    let pay = NaN, cum = 0;
    for (let t = 1; t <= H && now; t++) {
      cum += P.CF[t];
      if (cum + P.S[t] >= K) { pay = t; break; }
    }
    out[`${a.name}.payback_month`] = pay;

    // "Book value": [column prefix, B at t = 0..H, salvage, f at t = 0..H]
    const variants: [string, number[], number, number[]][] = [];
    const ts = range(H + 1);
    if (a.kind === 'hardware') {
      const n0 = P.n[0], K0 = n0 * a.unitCost;
      const f = ts.map((t) => (n0 > 0 ? P.n[t] / n0 : 0)); // n[0] = 0: nothing on the books
      const hours = [0]; // Σ_{τ=1..t} n[τ] · 730 · u[τ]
      for (let t = 1; t <= H; t++) hours[t] = hours[t - 1] + P.n[t] * 730 * P.u[t];
      const asIf = (p: Policy) => ts.map((t) => {
        const share = p.method === 'units-of-production' ? (a.units * 730 * p.plannedUtilization! * a.ageMonths + hours[t]) / (p.plannedUtilization! * 730 * p.usefulLifeMonths * a.units) : 0;
        return schedule(p, K0, K0 * p.salvagePct, p.usefulLifeMonths, a.ageMonths + t, share);
      });
      const own = asIf(a.policy);
      variants.push([a.name, own, K0 * a.policy.salvagePct, f]);
      for (const [name, p] of Object.entries(sc.policies)) {
        if (!p.prospective) { variants.push([`${a.name}@${name}`, asIf(p), K0 * p.salvagePct, f]); continue; }
        if (p.method === 'macrs-5') throw new Error('a prospective policy needs a life (not macrs-5)');
        // change of estimate from t = 0: cost B_own(ageMonths), salvage min(that, K0·salvagePct), life R, at service month t
        const cost = own[0], sal = Math.min(cost, K0 * p.salvagePct), R = Math.max(1, p.usefulLifeMonths - a.ageMonths);
        const B = ts.map((t) => schedule(p, cost, sal, R, t, p.method === 'units-of-production' ? hours[t] / (p.plannedUtilization! * 730 * R * a.units) : 0));
        variants.push([`${a.name}@${name}`, B, sal, f]);
      }
    } else {
      const cap = a.accounting.treatment === 'capitalized';
      const L = a.accounting.amortizationMonths ?? 1;
      const amortized: Policy = { method: 'straight-line', usefulLifeMonths: L, salvagePct: 0 };
      variants.push([a.name, ts.map((t) => (cap ? schedule(amortized, a.trainingCost, 0, L, t - a.releaseMonth) : 0)), 0, ts.map(() => 1)]);
    }
    variants.forEach(([prefix, B, salvage, f], vi) => {
      // "Impairment with reset", month by month up to the exit month
      let sal = salvage, kappa = 1;
      const tr: BookTrace = { exit: e, f, B, salvage, C: [], Cplus: [], loss: [], failure: [0], end: NaN };
      for (let t = 0; t <= e; t++) {
        if (t > 0) tr.failure[t] = (f[t - 1] - f[t]) * (sal + kappa * (B[t] - salvage));
        const c = f[t] * (sal + kappa * (B[t] - salvage));
        let loss = 0;
        if (t === e && e < H) loss = Math.max(0, c - P.S[e]); // sold: replaces a test at e
        else if (sc.testMonths.includes(t)) {
          loss = sc.standard === 'ifrs' ? (c > V[t] ? c - V[t] : 0) : c > W[t] ? Math.max(0, c - Math.max(P.M[t], V[t])) : 0;
          if (loss > 0) {
            const X = c - loss, xx = X / f[t];
            sal = Math.min(salvage, xx);
            kappa = B[t] - salvage !== 0 ? (xx - sal) / (B[t] - salvage) : 0;
          } else loss = 0;
        }
        tr.C[t] = c;
        tr.loss[t] = loss;
        tr.Cplus[t] = c - loss;
      }
      tr.end = e < H ? P.S[e] : tr.Cplus[H];
      if (trace) trace[prefix] = tr;

      const lossUpTo = (t: number) => tr.loss.slice(0, t + 1).reduce((s, l) => s + l, 0);
      const first = tr.loss.findIndex((l) => l > 0);
      out[`${prefix}.writedown`] = lossUpTo(e);
      out[`${prefix}.first_impairment_month`] = first < 0 ? NaN : first;
      for (const t of sc.testMonths) {
        out[`${prefix}.writedown_m${t}`] = lossUpTo(Math.min(t, e));
        out[`${prefix}.gap_m${t}`] = f[t] * B[t] - P.M[t];
      }
      out[`${prefix}.carrying_m0`] = tr.C[0];
      out[`${prefix}.charge_m0`] = tr.loss[0];
      for (let k = 1; k <= years; k++) {
        const s = 12 * (k - 1), m = Math.min(12 * k, H);
        const held = e > m || e === H; // held through month m
        const saleYear = !held && (e > s || (k === 1 && e === 0));
        out[`${prefix}.charge_y${k}`] = held ? tr.Cplus[s] - tr.Cplus[m] : saleYear ? tr.Cplus[s] - P.S[e] : 0;
      }
      out[`${prefix}.failure_loss`] = tr.failure.slice(1, e + 1).reduce((s, l) => s + l, 0);

      // portfolio: own books, and each policy (hardware under it, models under their own accounting)
      const keys = ['writedown', ...sc.testMonths.flatMap((t) => [`writedown_m${t}`, `gap_m${t}`]), 'carrying_m0', 'charge_m0', ...range(years).map((k) => `charge_y${k + 1}`), 'failure_loss'];
      const targets = a.kind === 'hardware' ? [vi === 0 ? 'portfolio' : `portfolio@${Object.keys(sc.policies)[vi - 1]}`] : ['portfolio', ...Object.keys(sc.policies).map((n) => `portfolio@${n}`)];
      for (const target of targets) for (const k of keys) addTo(target, k, out[`${prefix}.${k}`]);
    });
  }
  return { ...out, ...portfolio };
}
