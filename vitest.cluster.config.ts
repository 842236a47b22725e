import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: split runs merged against one machine, each shard a
 * process of its own (shards.test.ts), and the deployment files as written
 * (deploy.test.ts: a production install of the Dockerfile's files, every Job
 * index and Slurm task). Minutes, and the npm registry, so apart from
 * `npm test`; .ci/run runs it.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
  },
});
