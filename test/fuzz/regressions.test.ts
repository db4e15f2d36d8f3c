// Regression fixtures found by fuzzing (fixtures/fuzz/, see
// test/fuzz/lib/fixture.ts): each program on both arches against what real
// go1.19 did with it when it was saved. A program Go rejects must be
// rejected (with Go's first error line, unless the fixture says the text is
// not matched yet); one Go runs must print the same stdout, stderr (through
// fixtures/README.md's head()) and exit status. No Go installation needed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHES, type ArchName } from '../../src/arch/index.ts';
import { runSource } from '../../src/cli/run.ts';
import { CompileError } from '../../src/compile/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { stderrHead } from '../fixtures/head.ts';
import { loadFixtures } from './lib/fixture.ts';

const fixtures = loadFixtures(join(ROOT, 'fixtures', 'fuzz'));
const cases = fixtures.flatMap((f) => (Object.keys(f.meta.go) as ArchName[]).map((arch) => [`${f.name} on ${arch}`, f, arch] as const));

describe('fuzz regression fixtures', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (_name, f, arch) => {
    const want = f.meta.go[arch]!;
    let got: { kind: 'reject'; error: string } | { kind: 'run'; stdout: string; stderr_head: string; exit: number };
    try {
      const r = await runSource(f.source, 'prog.go', ARCHES[arch], { maxInsns: 200_000_000, gomaxprocsEnv: '1' });
      got = { kind: 'run', stdout: r.stdout, stderr_head: stderrHead(r.stderr), exit: r.exitCode };
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      got = { kind: 'reject', error: `${e.line}:${e.col}: ${e.detail}` };
    }
    if (want.kind === 'reject' && got.kind === 'reject' && !f.meta.errorText) return;
    expect(got).toEqual(want);
  });
});
