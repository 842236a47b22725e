/**
 * The package's root directory, where package.json, scenarios/ and
 * node_modules/ are. This module is one level below it in src/, and so is
 * the bundle bin/sim.mjs runs (dist/<hash>-cli.mjs): files the code reads at
 * run time are found from here in both.
 *
 * @example new URL('scenarios/default.yaml', ROOT)
 */
export const ROOT = new URL('../', import.meta.url);
