#!/usr/bin/env node
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
