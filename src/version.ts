import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.mjs';
import { ROOT } from './root.ts';

/**
 * Engine version, from package.json; recorded in every run.
 *
 * @example VERSION // '0.1.0'
 */
export const VERSION: string = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')).version;

/** Set by the bundler (bin/bundle.mjs) in the bundles bin/sim.mjs runs: the hash of the sources they were built from, which names them. */
declare const SIM_BUNDLE_SOURCE: string | undefined;

/**
 * The hash of the engine's sources (src/source-hash.mjs), recorded in every
 * run beside VERSION: the version stays put while the code changes, this
 * does not. A bundle carries the hash it was built under; the sources run
 * through tsx (tests, a read-only install) hash themselves on load.
 *
 * @example SOURCE // '3f9c2a71d04b8e6c'
 */
export const SOURCE: string = typeof SIM_BUNDLE_SOURCE === 'string' ? SIM_BUNDLE_SOURCE : sourceHash(fileURLToPath(ROOT));
