#!/usr/bin/env node
// Entry point. Runs the CLI built ahead of time (dist/gogo-emu.mjs, made by
// tools/build.mjs, which `npm test`, `npm run demo` and `npm run bench` run
// through tools/setup.mjs) when it is up to date with src/; otherwise, or
// with GOGO_EMU_FROM_SOURCE=1, it runs the TypeScript sources through tsx,
// so that someone editing src/ never runs stale code. Staleness is checked
// from file sizes and mtimes (tools/lib/dist-stamp.mjs, ~2 ms).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, distState } from '../tools/lib/dist-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let cli;
if (!process.env.GOGO_EMU_FROM_SOURCE && distState(root).fresh) {
  cli = await import(join(root, BUNDLE));
} else {
  const { register } = await import('tsx/esm/api');
  // the project's tsconfig wherever the command is run from
  register({ tsconfig: join(root, 'tsconfig.json') });
  cli = await import('../src/cli/main.ts');
}
await cli.main(process.argv);
