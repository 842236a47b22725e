import { readFileSync } from 'node:fs';

/** Engine version, from package.json; recorded in every run. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
