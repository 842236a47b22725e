import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the deployment files as written (deploy/), each
 * shard a process of its own and a production install of the Dockerfile's
 * files. Minutes, and it needs the npm registry, so apart from `npm test`;
 * .ci/run runs it.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
  },
});
