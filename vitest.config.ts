import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // the README's Python snippets need a virtual environment; build it once
    globalSetup: ['test/setup/python-env.ts'],
    exclude: [...configDefaults.exclude, '.venv-docs*/**'],
    // a run of the default scenario calibrates the expected valuation first (seconds on two loaded cores)
    testTimeout: 60_000,
  },
});
