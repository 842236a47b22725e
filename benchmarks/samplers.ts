/**
 * `npm run bench:samplers` — does variance reduction help? The default
 * scenario at N = 4,096 with 50 seeds per sampler: RMSE of the mean and of
 * the P95 of portfolio.writedown against a 2,000,000-trial random reference.
 * Runs in one thread (no pool), keeping only the watched column.
 *   --smoke  tiny sizes;  --out-dir DIR  where the JSON goes
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { buildPlan } from '../src/plan.ts';
import { createChunkSampler, sampleChunk, SAMPLERS, type SamplerKind } from '../src/sampling/sample-chunk.ts';
import { createKernelState, simulateChunk } from '../src/kernel/simulate.ts';
import { planChunks } from '../src/sampling/chunk-plan.ts';
import { percentileSorted } from '../src/stats/percentile.ts';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const outDir = args.includes('--out-dir') ? args[args.indexOf('--out-dir') + 1] : fileURLToPath(new URL('./results/', import.meta.url));
const N = smoke ? 256 : 4096, SEEDS = smoke ? 3 : 50, REF = smoke ? 20_000 : 2_000_000, CHUNK = 4096;
const plan = buildPlan(loadScenario(DEFAULT_SCENARIO));
const watch = plan.columns.findIndex((c) => c.name === 'portfolio.writedown');
const state = createKernelState(plan);
const buf = new Float64Array(plan.columns.length * CHUNK);

/** portfolio.writedown for `trials` trials, sorted. */
function watched(kind: SamplerKind, seed: string, trials: number): Float64Array {
  const out = new Float64Array(trials);
  const sampler = createChunkSampler(plan, { kind, seed, N: trials });
  for (const c of planChunks(trials, CHUNK)) {
    const b = buf.subarray(0, plan.columns.length * c.count);
    sampleChunk(sampler, c, b);
    simulateChunk(plan, state, b, c.count);
    out.set(b.subarray(watch * c.count, (watch + 1) * c.count), c.start);
  }
  return out.sort();
}

const t0 = performance.now();
const ref = watched('random', 'reference', REF);
const refMean = ref.reduce((a, b) => a + b, 0) / REF, refP95 = percentileSorted(ref, 0.95);
const rows = SAMPLERS.map((kind) => {
  let se = 0, sp = 0;
  for (let s = 0; s < SEEDS; s++) {
    const x = watched(kind, `rmse-${s}`, N);
    se += (x.reduce((a, b) => a + b, 0) / N - refMean) ** 2;
    sp += (percentileSorted(x, 0.95) - refP95) ** 2;
  }
  return { sampler: kind, rmseMean: Math.sqrt(se / SEEDS), rmseP95: Math.sqrt(sp / SEEDS) };
});
const base = rows[0];
const result = {
  date: new Date().toISOString(), mode: smoke ? 'smoke' : 'full', N, seeds: SEEDS, referenceTrials: REF, reference: { mean: refMean, p95: refP95 },
  samplers: rows.map((r) => ({ ...r, mseRatioMeanVsRandom: (r.rmseMean / base.rmseMean) ** 2, mseRatioP95VsRandom: (r.rmseP95 / base.rmseP95) ** 2 })),
  seconds: (performance.now() - t0) / 1000,
};
console.log(`portfolio.writedown, N = ${N}, ${SEEDS} seeds, reference ${REF.toLocaleString('en-US')} random trials (mean ${(refMean / 1e6).toFixed(1)}M, P95 ${(refP95 / 1e6).toFixed(1)}M)`);
for (const r of result.samplers) console.log(`  ${r.sampler.padEnd(7)} RMSE mean ${(r.rmseMean / 1e6).toFixed(3)}M (MSE ×${r.mseRatioMeanVsRandom.toFixed(3)} of random)   RMSE P95 ${(r.rmseP95 / 1e6).toFixed(3)}M (MSE ×${r.mseRatioP95VsRandom.toFixed(3)})`);
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `samplers-${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`written to ${file} (${result.seconds.toFixed(0)} s)`);
