// The go_asm.h constants of go1.19's runtime package for one arch: struct field
// offsets and sizes (g_sched, gobuf_sp, m_tls, g__size, ...) and runtime
// constants (const__Grunning, const_stackPreempt, ...). Generated from the
// real compiler by tools/gen-goasm.sh into goasm/<arch>.json; the test
// test/go119/goasm.test.ts checks them against fixtures/oracle (recorded by tools/oracle).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../arch/index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'goasm');
const cache = new Map<string, ReadonlyMap<string, number | string>>();

/** All constants; values beyond 2^53 (e.g. stackPreempt on amd64) are hex strings. */
export function goAsm(arch: Arch): ReadonlyMap<string, number | string> {
  let m = cache.get(arch.name);
  if (!m) {
    const raw = JSON.parse(readFileSync(join(dir, `${arch.name}.json`), 'utf8')) as Record<string, number | string>;
    m = new Map(Object.entries(raw));
    cache.set(arch.name, m);
  }
  return m;
}

/** The numeric constants, for the assembler. */
export function goAsmNumbers(arch: Arch): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of goAsm(arch)) if (typeof v === 'number') out.set(k, v);
  return out;
}

/** One constant; throws if go_asm.h has no such name. */
export function goAsmConst(arch: Arch, name: string): number {
  const v = goAsm(arch).get(name);
  if (typeof v !== 'number') throw new Error(`go_asm.h (${arch.name}) has no numeric constant ${name}`);
  return v;
}
