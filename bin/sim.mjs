#!/bin/sh
":" //; case "${GLIBC_TUNABLES-}" in *glibc.malloc.hugetlb=*) ;; *) export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1" ;; esac; exec node "$0" "$@"
// The line above is sh, and in JavaScript a string and a comment: run as a
// command (npx sim, bin/sim.mjs), this file asks glibc's malloc for
// transparent huge pages, then becomes node, same pid. A run keeps GiBs of
// columns in fresh memory, and a 2 MiB page takes one fault where 4 KiB
// pages take 512. A tunable the user already set is kept, so
// GLIBC_TUNABLES=glibc.malloc.hugetlb=0 turns this off; elsewhere than glibc
// it is ignored. `node bin/sim.mjs` skips this line and runs as before.
// `sim` command: the bundle of the TypeScript sources (bin/bundle.mjs), built
// on first use and whenever they change; where it cannot be written, the
// sources themselves through tsx.
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cliBundle } from './bundle.mjs';

const bundle = await cliBundle();
let cli;
if (bundle) cli = await import(bundle);
else {
  // tsx caches what it compiles under the temporary directory and fails outright where it cannot write there
  try {
    accessSync(tmpdir(), constants.W_OK);
    if (!statSync(tmpdir()).isDirectory()) throw new Error('not a directory');
  } catch {
    process.env.TSX_DISABLE_CACHE = '1';
  }
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv);
