/** A cohort's regressions take about twice a model's (the default scenario's, one thread: 0.26–0.28 s against 0.10–0.17). */
const COST = { hardware: 2, model: 1 } as const;

/**
 * The calibration's tasks: the assets cut into at most `workers` groups of
 * about equal work, cohorts first, so that a worker gets one kind where the
 * shares allow (a group may still hold both kinds, and a kind span groups). A worker
 * pays for a kind's first asset twice over: V8 compiles its forward pass
 * and regressions while they run slowly, and the paths take fresh memory
 * (97 MB for a cohort at the default size), which later assets of the same
 * worker reuse. A task per asset let both workers start on a cohort and
 * then both on a model, paying each of these twice.
 *
 * The groups are runs of consecutive assets in that order, cut where the
 * work done so far first reaches the next share of the whole.
 *
 * @param assets the plan's assets (their kind is read)
 * @param workers the pool's threads
 * @returns asset indices per task, each non-empty; every asset once
 * @example calibrationGroups(plan.assets, 2) // default scenario: [[0, 1], [2, 3, 4]] (two cohorts, then three models)
 */
export function calibrationGroups(assets: readonly { kind: keyof typeof COST }[], workers: number): number[][] {
  const cost = (i: number) => COST[assets[i].kind];
  const order = assets.map((_, i) => i).sort((i, j) => cost(j) - cost(i) || i - j);
  const total = order.reduce((s, i) => s + cost(i), 0);
  const groups: number[][] = [];
  let done = 0;
  for (const i of order) {
    // a new group once the work so far has reached the share of the groups before it
    if (groups.length === 0 || (done >= (groups.length * total) / workers && groups.length < workers)) groups.push([]);
    groups[groups.length - 1].push(i);
    done += cost(i);
  }
  return groups;
}
