// The layering rule of DESIGN.md (imports point down only), checked with
// dependency-cruiser and the rules in .dependency-cruiser.cjs: the real tree
// passes, and a tree with one upward import (engine -> cli) fails.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(cwd: string): { ok: boolean; out: string } {
  try {
    const out = execFileSync(process.execPath, [DEPCRUISE, 'src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, out };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

describe('layering (DESIGN.md Layout v2)', () => {
  it('src/ imports point down only', () => {
    const r = cruise(ROOT);
    expect(r.out).not.toMatch(/error/);
    expect(r.ok).toBe(true);
  });

  it('an upward import fails the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gogo-layers-'));
    try {
      cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
      for (const d of ['engine', 'cli', 'runtime', 'os']) mkdirSync(join(dir, 'src', d), { recursive: true });
      writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "export const x = 1;\n");
      writeFileSync(join(dir, 'src', 'os', 'ok.ts'), "export const y = 2;\n");
      // allowed: runtime -> os (down)
      writeFileSync(join(dir, 'src', 'runtime', 'down.ts'), "import { y } from '../os/ok.ts';\nexport const z = y;\n");
      // forbidden: engine -> cli (up)
      writeFileSync(join(dir, 'src', 'engine', 'bad.ts'), "import { x } from '../cli/main.ts';\nexport const w = x;\n");
      const r = cruise(dir);
      expect(r.ok).toBe(false);
      expect(r.out).toMatch(/no-upward-import-from-engine: src\/engine\/bad\.ts → src\/cli\/main\.ts/);
      expect(r.out).not.toMatch(/src\/runtime\/down\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
