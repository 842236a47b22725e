import { defineConfig } from 'vitest/config';

/**
 * `npm run test:hostile`: issue 17's heavy cases (hundreds of cohorts under a
 * low descriptor limit, 2,000,000 trials, a million queued chunks, interrupts
 * at random moments). Minutes of two cores, so apart from `npm test`; .ci/run
 * runs both.
 */
export default defineConfig({
  test: {
    include: ['test/hostile/**/*.test.ts'],
    // one heavy run at a time: each already uses every core
    fileParallelism: false,
    testTimeout: 900_000,
  },
});
