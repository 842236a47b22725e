import { loadScenario, DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { buildPlan } from '../src/plan.ts';
import { createChunkSampler, sampleChunk } from '../src/sampling/sample-chunk.ts';
import { createKernelState, simulateChunk } from '../src/kernel/simulate.ts';
const plan = buildPlan(loadScenario(DEFAULT_SCENARIO));
let t = performance.now();
const s = createChunkSampler(plan);
console.log('sampler build ms', performance.now() - t, 'cols', plan.columns.length);
const st = createKernelState(plan);
const count = 4096;
const buf = new Float64Array(plan.columns.length * count);
for (let c = 0; c < 6; c++) {
  t = performance.now();
  sampleChunk(s, '1', { index: c, start: c * count, count }, buf);
  const t1 = performance.now();
  simulateChunk(plan, st, buf, count);
  const t2 = performance.now();
  console.log(`chunk ${c}: sample ${((t1 - t) / count * 1000).toFixed(2)} us/trial, simulate ${((t2 - t1) / count * 1000).toFixed(2)} us/trial`);
}
