import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // the README's Python snippets need a virtual environment; build it once
    globalSetup: ['test/setup/python-env.ts'],
    // test/hostile and test/cluster: the heavy cases of `npm run test:hostile` and `test:cluster` (their own configs)
    exclude: [...configDefaults.exclude, '.venv-docs*/**', 'test/hostile/**', 'test/cluster/**'],
    // a run of the default scenario calibrates the expected valuation first (seconds on two loaded cores)
    testTimeout: 60_000,
  },
});
