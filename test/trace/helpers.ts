// Shared by the trace tests: the golden programs (fixtures/golden/<name>.<arch>.s)
// run with the switch recorder attached.
import { join } from 'node:path';
import type { Arch } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { loadProgram, loadStubFile, recordRun, type RecordedRun } from '../../src/trace/session.ts';

export const GOLDEN_DIR = join(ROOT, 'fixtures', 'golden');
export const BROKEN_DIR = join(ROOT, 'test', 'trace', 'fixtures');

export function goldenProgram(name: string, arch: Arch): string {
  return join(GOLDEN_DIR, `${name}.${arch.name}.s`);
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
      return recordRun({ arch, program, stubOverrides, maxInsns: 5_000_000 });
    })();
    cache.set(key, r);
  }
  return r;
}
