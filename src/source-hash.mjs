// The identity of the engine's code: a hash of its sources. bin/bundle.mjs
// names its bundles by it (and builds it into them); src/version.ts records
// it in every run, computing it here when the sources run through tsx. One
// implementation, so a bundle and the sources it was built from agree.
// JavaScript, not TypeScript: bin/bundle.mjs runs before anything could
// compile TypeScript. In src/ so that it is one of the sources it hashes.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** What the engine is built from: a change to any file here is a new hash. The lock file pins the packages that compute numbers too (inverse CDFs, Arrow). */
const SOURCES = ['src', 'workers', 'distributions', 'package.json', 'package-lock.json', 'tsconfig.json'];

/**
 * A hash of every source file's path and bytes, in a fixed order. Only
 * regular files count, and not hidden ones: an editor's lock file (a
 * dangling symlink), a FIFO or a socket under src/ is not a source, and
 * reading one would fail or block; a `.DS_Store` is not code, and counting it
 * would set two checkouts of one commit apart. A package installed without
 * its lock file hashes without it.
 *
 * @param root the package root
 * @returns 16 hex digits
 */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  const add = (rel) => {
    const path = join(root, rel);
    const kind = lstatSync(path, { throwIfNoEntry: false });
    if (kind?.isDirectory()) for (const name of readdirSync(path).sort()) if (!name.startsWith('.')) add(join(rel, name));
    if (kind?.isFile()) hash.update(`${rel}\0`).update(readFileSync(path));
  };
  for (const rel of SOURCES) add(rel);
  return hash.digest('hex').slice(0, 16);
}
