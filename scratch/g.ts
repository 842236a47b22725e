import { loadScenario, DEFAULT_SCENARIO } from '../src/scenario/load.ts';
import { buildPlan } from '../src/plan.ts';
import { runPool } from '../src/coordinator.ts';
const plan = buildPlan(loadScenario(DEFAULT_SCENARIO));
for (const w of [1, 2]) {
  const t = performance.now();
  const r = await runPool(plan, { trials: 40960, seed: '1', workers: w, chunkSize: 4096 });
  console.log(w, 'wall', (performance.now() - t).toFixed(0), 'sample', r.sampleSeconds.toFixed(3), 'sim', r.simulateSeconds.toFixed(3));
}
