// Shared by the trace tests: the golden programs (fixtures/golden/<name>.<arch>.s)
// run with the switch recorder attached.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Arch } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { recordRun, type RecordedRun } from '../../src/cli/record-run.ts';
import { loadProgram, loadStubFile } from '../../src/session/program.ts';

export const GOLDEN_DIR = join(ROOT, 'fixtures', 'golden');
export const BROKEN_DIR = join(ROOT, 'test', 'trace', 'fixtures');

/** A golden program: <name>.go (both arches) or <name>.<arch>.s. */
export function goldenProgram(name: string, arch: Arch): string {
  const go = join(GOLDEN_DIR, `${name}.go`);
  return existsSync(go) ? go : join(GOLDEN_DIR, `${name}.${arch.name}.s`);
}

export const UPDATE_GOLDEN = process.env.GOGO_EMU_UPDATE_GOLDEN === '1';

/**
 * Compare text with a golden file. GOGO_EMU_UPDATE_GOLDEN=1 rewrites the file;
 * a mismatch writes <file>.actual next to it and returns a message naming the
 * first differing line (undefined when they match).
 */
export function compareGolden(file: string, text: string): string | undefined {
  const actual = `${file}.actual`;
  if (UPDATE_GOLDEN) {
    writeFileSync(file, text);
    rmSync(actual, { force: true });
    return undefined;
  }
  if (!existsSync(file)) {
    writeFileSync(actual, text);
    return `${file} does not exist (wrote ${actual}; run with GOGO_EMU_UPDATE_GOLDEN=1 to create it)`;
  }
  const want = readFileSync(file, 'utf8');
  if (want === text) {
    rmSync(actual, { force: true });
    return undefined;
  }
  writeFileSync(actual, text);
  const a = want.split('\n');
  const b = text.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `${file}:${i + 1} differs (wrote ${actual}; GOGO_EMU_UPDATE_GOLDEN=1 regenerates)\n  golden: ${a[i] ?? '<end of file>'}\n  actual: ${b[i] ?? '<end of file>'}`;
}

const cache = new Map<string, Promise<RecordedRun>>();

/** Record a golden program (memoized per arch and stub file: the emulator is deterministic). */
export function recordGolden(name: string, arch: Arch, stub?: string): Promise<RecordedRun> {
  const key = `${name}/${arch.name}/${stub ?? ''}`;
  let r = cache.get(key);
  if (!r) {
    r = (async () => {
      const program = await loadProgram(goldenProgram(name, arch), arch);
      const stubOverrides = stub ? loadStubFile(join(BROKEN_DIR, arch.name, stub)) : undefined;
      return recordRun({ arch, program, stubOverrides, maxInsns: 5_000_000, gomaxprocsEnv: '1' });
    })();
    cache.set(key, r);
  }
  return r;
}
