import fc from 'fast-check';

/** A distribution (or a fixed number) whose support lies within [lo, hi]. */
const input = (lo: number, hi: number) =>
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 4 })).map(([a, b, c, k]) => {
    const [x, y, z] = [a, b, c].map((v) => lo + v * (hi - lo)).sort((p, q) => p - q);
    if (k === 0 || z - x < 1e-6 * (hi - lo)) return y;
    if (k === 1) return { dist: 'uniform', min: x, max: z };
    if (k === 2) return { dist: 'triangular', min: x, mode: y, max: z };
    if (k === 3) return { dist: 'pert', min: x, mode: y, max: z };
    return { dist: 'normal', mean: y, sd: (z - x) / 2 + 1e-9, min: x, max: z };
  });

const policy = fc.oneof(
  fc.record({ method: fc.constant('straight-line'), usefulLifeMonths: fc.integer({ min: 1, max: 96 }), salvagePct: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
  fc.record({ method: fc.constant('declining-balance'), usefulLifeMonths: fc.integer({ min: 1, max: 96 }), salvagePct: fc.double({ min: 0, max: 0.3, noNaN: true }), factor: fc.double({ min: 1, max: 3, noNaN: true }) }),
  fc.record({ method: fc.constant('sum-of-years-digits'), usefulLifeMonths: fc.integer({ min: 1, max: 96 }), salvagePct: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
  fc.record({ method: fc.constant('units-of-production'), usefulLifeMonths: fc.integer({ min: 1, max: 96 }), salvagePct: fc.double({ min: 0, max: 0.3, noNaN: true }), plannedUtilization: fc.double({ min: 0.1, max: 1, noNaN: true }) }),
  fc.constant({ method: 'macrs-5' }),
);

/** A named policy: as if used since acquisition, or (not macrs-5) a prospective change of estimate. */
const namedPolicy = fc.tuple(policy, fc.boolean()).map(([p, prospective]) => (prospective && p.method !== 'macrs-5' ? { ...p, prospective } : p));

const hardware = (name: string) =>
  fc.record({
    name: fc.constant(name), kind: fc.constant('hardware'),
    units: fc.integer({ min: 1, max: 1000 }), unitCost: fc.double({ min: 100, max: 100000, noNaN: true }), ageMonths: fc.integer({ min: 0, max: 60 }),
    powerKw: fc.double({ min: 0, max: 2, noNaN: true }), opexPerUnitMonth: fc.double({ min: 0, max: 300, noNaN: true }), disposalCost: fc.double({ min: 0, max: 0.2, noNaN: true }),
    idlePowerFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    policy,
    rentalPrice: input(0, 5), priceCompression: input(0, 0.99), firstSupersededAge: input(0, 40), cadenceMonths: input(1, 30),
    generationShock: input(0, 0.6), utilization: fc.array(input(0, 1), { minLength: 1, maxLength: 4 }),
    resaleDecay: input(0, 1), resaleFloor: input(0, 0.3), resaleHaircut: input(0, 0.4), failureRate: input(0, 1),
    powerPrice: input(0, 0.3), pue: input(1, 1.6),
  });

const model = (name: string, parent: fc.Arbitrary<string | undefined>) =>
  fc.record({
    name: fc.constant(name), kind: fc.constant('model'), parent,
    trainingCost: fc.double({ min: 1e5, max: 1e9, noNaN: true }), releaseMonth: fc.integer({ min: -24, max: 30 }),
    rampMonths: fc.double({ min: 0.5, max: 6, noNaN: true }),
    accounting: fc.oneof(fc.constant({ treatment: 'expensed' }), fc.integer({ min: 1, max: 60 }).map((m) => ({ treatment: 'capitalized', amortizationMonths: m }))),
    lifespanMonths: input(0, 36), peakMonthlyRevenue: input(0, 5e7), tokenPriceCompression: input(0, 0.95), tailFraction: input(0, 1), servingCostRatio: input(0, 1.2),
  }, { requiredKeys: ['name', 'kind', 'trainingCost', 'releaseMonth', 'accounting', 'lifespanMonths', 'peakMonthlyRevenue', 'tokenPriceCompression', 'tailFraction', 'servingCostRatio'] });

/** Random valid scenarios: 1–2 cohorts, 0–3 models (children of earlier ones), 0–2 policies (some prospective), both standards. */
export const arbitraryScenario = fc
  .record({
    horizonMonths: fc.integer({ min: 13, max: 96 }),
    discountRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    standard: fc.constantFrom('ifrs', 'usgaap'),
    nHardware: fc.integer({ min: 1, max: 2 }),
    nModels: fc.integer({ min: 0, max: 3 }),
    policies: fc.array(namedPolicy, { maxLength: 2 }),
    testStep: fc.integer({ min: 1, max: 24 }),
  })
  .chain((s) =>
    fc.record({
      base: fc.constant(s),
      hardware: fc.tuple(...Array.from({ length: s.nHardware }, (_, i) => hardware(`hw${i}`))),
      models: fc.tuple(...Array.from({ length: s.nModels }, (_, i) => model(`m${i}`, i === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...Array.from({ length: i }, (_, k) => `m${k}`)), { nil: undefined })))),
    }),
  )
  .map(({ base, hardware: hw, models }) => {
    const testMonths: number[] = [];
    for (let t = 0; t <= base.horizonMonths; t += base.testStep) testMonths.push(t);
    return {
      horizonMonths: base.horizonMonths,
      discountRate: base.discountRate,
      valuation: 'pathwise', // the reference transcription's; the expected valuation has its own tests

      standard: base.standard,
      testMonths,
      policies: Object.fromEntries(base.policies.map((p, i) => [`p${i}`, p])),
      assets: [...hw, ...models],
    };
  });
