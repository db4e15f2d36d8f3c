// Is dist/ (built by tools/build.mjs) up to date with the sources?
//
// The stamp, dist/stamp.json, lists every input of the build as
// [path, size, mtime] when the build started: each file under src/, plus
// tsconfig.json, package.json and the build scripts. The bundle is fresh
// when the same listing made now is identical: any file added, removed,
// resized or touched makes it stale (also an mtime that went backwards, e.g.
// a checkout of older files). Cost: one recursive readdir and ~100 stat
// calls, about 2 ms, paid by every start of bin/gogo-emu.mjs. An edit that
// keeps a file's size and mtime exactly is not seen; `node tools/build.mjs
// --force` rebuilds anyway.
// Plain Node (no TypeScript): bin/gogo-emu.mjs imports it before deciding
// whether tsx is needed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE = 'dist/gogo-emu.mjs';
export const STAMP = 'dist/stamp.json';
const EXTRA_INPUTS = ['tsconfig.json', 'package.json', 'tools/build.mjs', 'tools/lib/dist-stamp.mjs'];

/** [path relative to root, size, mtimeMs] of every build input, in a stable order. */
export function buildInputs(root) {
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name).slice(root.length + 1))
    .sort();
  return [...files, ...EXTRA_INPUTS].map((f) => {
    const s = statSync(join(root, f), { throwIfNoEntry: false });
    return s ? [f, s.size, s.mtimeMs] : [f, -1, 0];
  });
}

/** { fresh, inputs }: fresh when the bundle exists and the stamp matches the inputs now. */
export function distState(root) {
  const inputs = buildInputs(root);
  let fresh = false;
  try {
    fresh = statSync(join(root, BUNDLE)).isFile() && readFileSync(join(root, STAMP), 'utf8').trim() === JSON.stringify(inputs);
  } catch {
    fresh = false;
  }
  return { fresh, inputs };
}
