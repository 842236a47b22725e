import { readFileSync } from 'node:fs';
import { ROOT } from './root.ts';

/**
 * Engine version, from package.json; recorded in every run.
 *
 * @example VERSION // '0.1.0'
 */
export const VERSION: string = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')).version;
