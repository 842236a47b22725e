/**
 * Map items through an async task with at most `limit` tasks pending at once,
 * results in item order. A pool fed this way has work for every thread, while
 * stopping costs O(limit), not O(items): a million queued chunks each holding
 * a promise and an abort listener kept the event loop busy for minutes on
 * Ctrl-C, so the signal handler never ran.
 *
 * @param items what to map
 * @param limit tasks pending at once (≥ 1)
 * @param task the async work for one item
 * @param signal once aborted, no further task starts and the map rejects with its reason
 * @returns the results, in item order
 * @example await mapBounded([1, 2, 3], 2, async (x) => x * 2) // [2, 4, 6]
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  signal?.throwIfAborted();
  return results;
}
