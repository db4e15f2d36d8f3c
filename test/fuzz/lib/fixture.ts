// Regression fixtures found by fuzzing: fixtures/fuzz/<class>-<hash>.go and,
// next to it, <class>-<hash>.json with what real go1.19 does with the
// program on each arch (recorded when the fixture is saved, like
// tools/record-expected.sh records fixtures/expected):
//
//   { "class": "accepts-invalid", "found": "...", "detail": "...",
//     "go": { "amd64": {"kind": "reject", "error": "3:7: ..."},
//             "arm": {"kind": "run", "stdout": "", "stderr_head": "...", "exit": 2} },
//     "errorText": true }
//
// test/fuzz/regressions.test.ts runs every fixture on both arches: a program
// Go rejects must be rejected (with Go's first error line when errorText is
// true), one Go runs must print the same (stdout, stderr through
// fixtures/README.md's head(), exit status).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCH_NAMES, type ArchName } from '../../../src/arch/index.ts';
import { stderrHead } from '../../fixtures/head.ts';
import { sourceHash } from './campaign.ts';
import { goAvailable, goOutcome } from './golang.ts';
import type { Outcome } from './outcome.ts';

export type Expected = { kind: 'reject'; error: string } | { kind: 'run'; stdout: string; stderr_head: string; exit: number } | { kind: 'timeout' };

export interface FixtureMeta {
  class: string;
  /** how it was found */
  found: string;
  detail: string;
  go: Partial<Record<ArchName, Expected>>;
  /** compare the first error line exactly (else: only that gogo-emu rejects) */
  errorText: boolean;
}

export function expectedOf(o: Outcome): Expected {
  if (o.kind === 'reject') return { kind: 'reject', error: o.errors[0] ?? '' };
  if (o.kind === 'run') return { kind: 'run', stdout: o.stdout, stderr_head: stderrHead(o.stderr), exit: o.exit };
  return { kind: 'timeout' };
}

/** Record real Go's behaviour on both arches and write the fixture pair; returns the .go path (undefined without Go). */
export async function saveFixture(dir: string, cls: string, source: string, found: string, detail: string): Promise<string | undefined> {
  const src = source.endsWith('\n') ? source : `${source}\n`;
  const go: FixtureMeta['go'] = {};
  for (const a of ARCH_NAMES) {
    if (!goAvailable(a).ok) return undefined;
    const runs = await goOutcome(src, a, { runs: 3 });
    go[a] = expectedOf(runs[0]!);
  }
  mkdirSync(dir, { recursive: true });
  const name = `${cls}-${sourceHash(src)}`;
  writeFileSync(join(dir, `${name}.go`), src);
  const meta: FixtureMeta = { class: cls, found, detail, go, errorText: true };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
  return join(dir, `${name}.go`);
}

export function loadFixtures(dir: string): { name: string; source: string; meta: FixtureMeta }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.go'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -3);
      return { name, source: readFileSync(join(dir, f), 'utf8'), meta: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as FixtureMeta };
    });
}
