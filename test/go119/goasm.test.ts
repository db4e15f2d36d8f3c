// src/go119/goasm/<arch>.json (our go_asm.h constants) against the oracle the
// real go1.19 compiler produced: fixtures/oracle/offsets-<arch>.json, recorded
// by tools/oracle/offsets.sh. Missing oracle = failure, not a skip.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARCHES, type ArchName } from '../../src/arch/index.ts';
import { goAsm } from '../../src/go119/goasm.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const oracleDir = resolve(repoRoot, 'fixtures/oracle');

function oracle(arch: ArchName): Record<string, number | string> {
  const file = resolve(oracleDir, `offsets-${arch}.json`);
  if (!existsSync(file)) {
    throw new Error(`oracle file ${file} is missing: record it with tools/oracle/offsets.sh`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | string>;
}

// goarch_const_* are the constants of package internal/goarch (PtrSize,
// PCQuantum, ...), which the oracle recorded from that package's go_asm.h.
// goasm.ts holds only package runtime's go_asm.h, so they are not compared
// with it; the ones src/arch models are checked against the Arch objects below.
const isGoarch = (k: string): boolean => k.startsWith('goarch_const_');

describe.each(['amd64', 'arm'] as const)('go_asm.h constants (%s)', (name) => {
  const arch = ARCHES[name];

  it('the oracle is present', () => {
    expect(existsSync(oracleDir), `oracle directory ${oracleDir} is missing (record it with tools/oracle/record-all.sh)`).toBe(true);
  });

  it('every runtime field offset, struct size and constant equals the oracle', () => {
    const want = oracle(name);
    const got = goAsm(arch);
    const keys = Object.keys(want).filter((k) => !isGoarch(k));
    expect(keys.length).toBeGreaterThan(2000);
    // struct fields/sizes and const_* alike: numbers, or hex strings beyond 2^53
    const mismatches = keys.filter((k) => got.get(k) !== want[k]).map((k) => `${k}: goasm ${String(got.get(k))}, oracle ${String(want[k])}`);
    expect(mismatches).toEqual([]);
  });

  it('has no constant the oracle lacks', () => {
    const want = oracle(name);
    expect([...goAsm(arch).keys()].filter((k) => !(k in want))).toEqual([]);
  });

  it('spot checks from the oracle README table', () => {
    const g = goAsm(arch);
    const w = arch.ptrSize;
    expect(g.get('gobuf_sp')).toBe(0);
    expect(g.get('gobuf_pc')).toBe(w);
    expect(g.get('g_sched')).toBe(7 * w);
    expect(g.get('m_tls')).toBe(name === 'amd64' ? 136 : 80);
    expect(g.get('p_runq')).toBe(name === 'amd64' ? 408 : 240);
    expect(g.get('const_stackPreempt')).toBe(name === 'amd64' ? '0xfffffffffffffade' : 0xfffffade);
  });

  it('the goarch_const_* facts src/arch models agree with the oracle', () => {
    const want = oracle(name);
    expect(want.goarch_const_PtrSize).toBe(arch.ptrSize);
    expect(want.goarch_const_PCQuantum).toBe(arch.pcQuantum);
    expect(want.goarch_const_MinFrameSize).toBe(arch.minFrameSize);
    expect(want.goarch_const_StackAlign).toBe(arch.stackAlign);
  });
});
