#!/usr/bin/env node
// `sim` command: the bundle of the TypeScript sources (bin/bundle.mjs), built
// on first use and whenever they change; where it cannot be written, the
// sources themselves through tsx.
import { cliBundle } from './bundle.mjs';

const bundle = await cliBundle();
let cli;
if (bundle) cli = await import(bundle);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv);
