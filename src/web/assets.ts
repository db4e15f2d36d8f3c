// The page's script and style sheet: src/web/ui bundled by esbuild into
// dist/web/app.js and app.css (tools/build.mjs, run by the install step).
// When that bundle is missing or older than a file under src/web/ui (the
// sources were edited), it is bundled again in memory: a few hundred
// milliseconds, and nothing is fetched (everything is in node_modules).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../os/machine.ts';

export interface UiAssets {
  js: string;
  css: string;
}

export const UI_DIR = join(ROOT, 'src', 'web', 'ui');
export const UI_ENTRY = join(UI_DIR, 'main.tsx');
export const UI_OUT = join(ROOT, 'dist', 'web');

/** The esbuild options that bundle the page (tools/build.mjs uses the same). */
export function uiBuildOptions(): Record<string, unknown> {
  return {
    entryPoints: [UI_ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    tsconfig: join(UI_DIR, 'tsconfig.json'),
    entryNames: 'app',
  };
}

function newestSource(): number {
  let t = 0;
  for (const f of readdirSync(UI_DIR, { recursive: true, withFileTypes: true })) if (f.isFile()) t = Math.max(t, statSync(join(f.parentPath, f.name)).mtimeMs);
  return Math.max(t, statSync(join(ROOT, 'src', 'web', 'protocol.ts')).mtimeMs);
}

let cached: UiAssets | undefined;

/** The bundle: dist/web when up to date, else bundled now. */
export async function uiAssets(): Promise<UiAssets> {
  if (cached) return cached;
  const js = join(UI_OUT, 'app.js');
  const css = join(UI_OUT, 'app.css');
  if (existsSync(js) && existsSync(css) && statSync(js).mtimeMs >= newestSource()) {
    cached = { js: readFileSync(js, 'utf8'), css: readFileSync(css, 'utf8') };
    return cached;
  }
  const { build } = await import('esbuild');
  const r = await build({ ...uiBuildOptions(), write: false, outdir: UI_OUT } as Parameters<typeof build>[0]);
  const out = { js: '', css: '' };
  for (const f of r.outputFiles ?? []) {
    if (f.path.endsWith('.js')) out.js = f.text;
    else if (f.path.endsWith('.css')) out.css = f.text;
  }
  cached = out;
  return out;
}

/** The page: the bundle inlined, and for an exported run its data. */
export function pageHtml(a: UiAssets, o: { title: string; data?: unknown }): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  // </script> inside JSON or the bundle would end the element early
  const safe = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  const data = o.data === undefined ? '' : `<script id="gogo-data" type="application/json">${safe(JSON.stringify(o.data))}</script>\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
<link rel="icon" href="data:,">
<style>${a.css}</style>
</head>
<body>
<div id="app"></div>
${data}<script>${safe(a.js)}</script>
</body>
</html>
`;
}
