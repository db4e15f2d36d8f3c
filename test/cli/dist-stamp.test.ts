// The ahead-of-time build's staleness check (tools/lib/dist-stamp.mjs), which
// decides whether bin/gogo-emu.mjs runs dist/ or the sources: any source file
// edited, added or removed makes the build stale.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, buildInputs, distState, STAMP } from '../../tools/lib/dist-stamp.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a fake checkout with a few sources and a build stamped from them */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'gogo-stamp-'));
  dirs.push(root);
  for (const d of ['src/cli', 'src/go119/goasm', 'dist', 'tools/lib']) mkdirSync(join(root, d), { recursive: true });
  for (const f of ['src/cli/main.ts', 'src/go119/goasm/amd64.json', 'tsconfig.json', 'package.json', 'tools/build.mjs', 'tools/lib/dist-stamp.mjs']) writeFileSync(join(root, f), `// ${f}\n`);
  writeFileSync(join(root, BUNDLE), '// bundle\n');
  writeFileSync(join(root, STAMP), JSON.stringify(buildInputs(root)));
  return root;
}

describe('dist staleness', () => {
  it('is fresh right after a build', () => {
    expect(distState(checkout()).fresh).toBe(true);
  });

  it('is stale when a source changes size or mtime, or one is added or removed', () => {
    let root = checkout();
    writeFileSync(join(root, 'src/cli/main.ts'), '// edited, longer\n');
    expect(distState(root).fresh).toBe(false);

    root = checkout();
    utimesSync(join(root, 'src/cli/main.ts'), new Date(2000, 0, 1), new Date(2000, 0, 1)); // older, e.g. a checkout
    expect(distState(root).fresh).toBe(false);

    root = checkout();
    writeFileSync(join(root, 'src/cli/new.ts'), '\n');
    expect(distState(root).fresh).toBe(false);

    root = checkout();
    rmSync(join(root, 'src/go119/goasm/amd64.json'));
    expect(distState(root).fresh).toBe(false);

    root = checkout();
    writeFileSync(join(root, 'tsconfig.json'), '{"changed": true}\n');
    expect(distState(root).fresh).toBe(false);
  });

  it('is stale without the bundle or the stamp', () => {
    let root = checkout();
    rmSync(join(root, BUNDLE));
    expect(distState(root).fresh).toBe(false);
    root = checkout();
    rmSync(join(root, STAMP));
    expect(distState(root).fresh).toBe(false);
  });
});
