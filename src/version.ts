import { readFileSync } from 'node:fs';

/**
 * Engine version, from package.json; recorded in every run.
 *
 * @example VERSION // '0.1.0'
 */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
