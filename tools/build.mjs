#!/usr/bin/env node
// Builds the CLI ahead of time: src/ (TypeScript) -> dist/gogo-emu.mjs, one
// ES module bundled by esbuild (npm packages stay external), so that
// `gogo-emu` starts without transpiling anything (bin/gogo-emu.mjs runs the
// bundle when it is up to date, the sources through tsx otherwise).
//
// Each module's `import.meta.url` is replaced by the URL of its source file
// (computed from the bundle's own URL), so code that finds files relative to
// itself (ROOT, the go_asm.h tables, the assembly cache) sees the same paths
// from the bundle as from the sources.
//
// Next to the bundle, dist/stamp.json records every input (see
// tools/lib/dist-stamp.mjs): the bundle counts as up to date only while
// those inputs are exactly as they were.
//
//   node tools/build.mjs           build when stale (quiet when up to date)
//   node tools/build.mjs --force   build anyway
// Plain Node; needs only esbuild.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, distState, STAMP } from './lib/dist-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Build dist/ unless it is up to date; returns true when it built. */
export async function build({ force = false, quiet = false } = {}) {
  const state = distState(root);
  if (state.fresh && !force) return false;
  const { build: esbuild } = await import('esbuild');
  const out = join(root, BUNDLE);
  const tmp = `${out}.${process.pid}.tmp`;
  mkdirSync(dirname(out), { recursive: true });
  rmSync(join(root, STAMP), { force: true }); // stale until the new stamp is written
  const started = performance.now();
  await esbuild({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: tmp,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [sourceUrls(dirname(out))],
  });
  renameSync(tmp, out);
  await buildUi(esbuild);
  // the inputs as they were when the build started: an edit during the build makes it stale
  writeFileSync(join(root, STAMP), `${JSON.stringify(state.inputs)}\n`);
  if (!quiet) process.stderr.write(`build: ${relative(root, out)} from ${state.inputs.length} inputs in ${Math.round(performance.now() - started)} ms\n`);
  return true;
}

/**
 * The web app's page (src/web/ui, preact + d3) -> dist/web/app.js and
 * app.css, for the browser; the same options as src/web/assets.ts, which
 * bundles in memory when this output is missing or older than the sources.
 */
async function buildUi(esbuild) {
  const ui = join(root, 'src', 'web', 'ui');
  await esbuild({
    entryPoints: [join(ui, 'main.tsx')],
    outdir: join(root, 'dist', 'web'),
    entryNames: 'app',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: join(ui, 'tsconfig.json'),
  });
}

/** esbuild plugin: `import.meta.url` in a module becomes the URL of its source file. */
function sourceUrls(outDir) {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = relative(outDir, args.path).split('\\').join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  try {
    await build({ force });
  } catch (e) {
    rmSync(join(root, STAMP), { force: true });
    process.stderr.write(`build: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
