// The one list of runtime entry points (src/abi) against its three readers,
// on both arches:
//   - the lowering and the backends: every runtime symbol that the compiled
//     fixture programs refer to is in the list, each call of an entry passes
//     its arguments and takes its results as the list gives them, and every
//     entry is used by some program (no stale entries);
//   - the runtime's host table: every host entry is defined there with the
//     list's ABI and argument words, every asm entry is a stub in asm/<arch>;
//   - the checker: the runtime.* functions and sync.WaitGroup methods it
//     accepts, and their signatures, are the list's.
// Also the layering around the list: src/abi depends on nothing above it,
// and src/arch (ISA and ABI facts) on nothing of the compiler.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRIES, entryBySymbol, type GoSignature, goEntries, hostSpec, type RuntimeEntry, wordsOf } from '../../src/abi/index.ts';
import type { Arch } from '../../src/arch/index.ts';
import { checkProgram } from '../../src/compile/check.ts';
import { compileProgram } from '../../src/compile/index.ts';
import type { Inst, Operand } from '../../src/compile/ir.ts';
import { lowerProgram } from '../../src/compile/lower.ts';
import { parseGo } from '../../src/compile/parse.ts';
import { loadAsmDir } from '../../src/link/source.ts';
import { type HostFn, HostRegistry, type HostSpec } from '../../src/os/host.ts';
import { HOST_SLOTS, REGIONS } from '../../src/os/memmap.ts';
import { defineRuntimeHosts } from '../../src/runtime/hosts.ts';
import { archCases } from '../helpers.ts';
import { goAsmConst } from '../../src/go119/goasm.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every Go program the repository compiles in its tests. */
const PROGRAMS = ['fixtures/programs', 'test/compile/programs', 'test/compile/runtime-programs'].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.go'))
    .map((f) => join(d, f)),
);

/** Runtime and sync symbols named in assembly text (quoted or not). */
const RUNTIME_SYMBOL = /"?\b((?:runtime|sync)\.[\w.]+)"?/g;

describe.each(archCases)('the runtime entries compiled code uses on %s', (_name, arch) => {
  it('are all in the list, and each call matches its entry', async () => {
    const used = new Set<string>();
    for (const file of PROGRAMS) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const s of await referencedRuntimeSymbols(source, file, arch, used)) {
        expect(entryBySymbol(s), `${file} refers to ${s}`).toBeDefined();
      }
    }
    // every entry has a user among the programs (the list has no stale entries)
    // (64-bit division helpers only where words are 32 bits)
    expect(ENTRIES.filter((e) => !(e.only32 && arch.ptrSize === 8)).map((e) => e.symbol).filter((s) => !used.has(s))).toEqual([]);
  });
});

/**
 * The runtime symbols a program refers to that it does not define: from the
 * IR (call targets, symbol operands, data words) and from the backend's
 * assembly (the prologue's morestack path, panicdivide, panicshift). Calls of
 * entries are checked against the entry on the way; `used` collects entries.
 */
async function referencedRuntimeSymbols(source: string, file: string, arch: Arch, used: Set<string>): Promise<Set<string>> {
  const refs = new Set<string>();
  const ir = lowerProgram(checkProgram(await parseGo(source), { wordBits: arch.ptrSize * 8 }), { ptrSize: arch.ptrSize, K: (n) => goAsmConst(arch, n) });
  const defined = new Set([...ir.funcs.map((f) => f.name), ...ir.data.map((d) => d.name), ...ir.globals.map((g) => g.name)]);
  const ref = (name: string) => {
    if (defined.has(name)) return;
    refs.add(name);
    if (entryBySymbol(name)) used.add(name);
  };
  const operand = (o: Operand) => {
    if (o.k === 'sym') ref(o.name);
  };
  for (const f of ir.funcs) {
    for (const i of f.body) {
      if (i.op === 'call') {
        if (i.fn.k === 'sym') {
          ref(i.fn.name);
          const e = entryBySymbol(i.fn.name);
          if (e) expectCallMatches(e, i, `${file}: ${f.name}`, arch.ptrSize);
        } else operand(i.fn.k === 'closure' ? i.fn.fv : i.fn.addr);
        i.args.forEach((a) => operand(a.v));
        continue;
      }
      for (const o of Object.values(i)) if (typeof o === 'object' && o !== null && 'k' in o) operand(o as Operand);
    }
  }
  for (const d of ir.data) {
    for (const it of d.items) {
      if (it.k !== 'word' || typeof it.v !== 'string') continue;
      ref(it.v);
      // a static funcval of an entry (`go runtime.Gosched()`): called with no arguments and no results
      // (itabs and method tables of type descriptors hold method entries, called with their receiver)
      const e = entryBySymbol(it.v);
      if (e && d.name.endsWith('.f')) expect([e.params.length, e.results.length], `${file}: funcval of ${e.symbol}`).toEqual([0, 0]);
    }
  }
  const compiled = await compileProgram(source, file, arch);
  const blocks = new Set(compiled.blocks.map((b) => b.name));
  for (const b of compiled.blocks) {
    for (const l of b.body) {
      for (const m of l.text.matchAll(RUNTIME_SYMBOL)) if (!blocks.has(m[1]!)) ref(m[1]!);
    }
  }
  return refs;
}

/**
 * A call matches its entry word for word: an int64 takes 8/W words, whether
 * the call passes it as one flagged argument (a runtime call of the lowering)
 * or as its words (a host function called as a Go method, e.g.
 * time.(*Timer).Reset); results likewise; bool results are bytes.
 */
function expectCallMatches(e: RuntimeEntry, i: Extract<Inst, { op: 'call' }>, where: string, W: number): void {
  const argWords = i.args.reduce((n, a) => n + (a.int64 ? 8 / W : 1), 0);
  expect(argWords, `${where}: argument words of ${e.symbol}`).toBe(e.params.reduce((n, p) => n + (p.kind === 'int64' ? 8 / W : 1), 0));
  i.args.forEach((a, k) => {
    if (a.int64) expect(e.params.map((p) => p.kind), `${where}: argument ${k} of ${e.symbol} is an int64`).toContain('int64');
  });
  const resultWords = i.results.reduce((n, r) => n + (r.hi !== undefined ? 2 : 1), 0);
  expect(resultWords, `${where}: result words of ${e.symbol}`).toBeLessThanOrEqual(e.results.reduce((n, r) => n + (r.kind === 'int64' ? 8 / W : 1), 0));
  i.results.forEach((r, k) => {
    if (r.bool) expect(e.results.some((x) => x.kind === 'bool'), `${where}: result ${k} of ${e.symbol} is a bool`).toBe(true);
  });
}

/** A host table that remembers the spec of every definition. */
class RecordingHosts extends HostRegistry {
  readonly specs = new Map<string, HostSpec>();
  override define(name: string, spec: HostSpec, fn: HostFn): number {
    this.specs.set(name, { abi: spec.abi, nargs: spec.nargs });
    return super.define(name, spec, fn);
  }
}

describe.each(archCases)('the runtime host table on %s', (_name, arch) => {
  const hosts = new RecordingHosts(arch, REGIONS.host.start, HOST_SLOTS);
  defineRuntimeHosts(hosts, () => {
    throw new Error('the host table is only inspected here, never run');
  });
  const stubs = new Set(loadAsmDir(join(ROOT, 'asm', arch.name), ROOT).map((b) => b.name));

  it.each(ENTRIES.filter((e) => e.impl === 'host').map((e) => [e.symbol, e] as const))(
    'defines %s with the ABI and argument words of its entry',
    (symbol, e) => {
      expect(hosts.specs.get(symbol)).toEqual(hostSpec(e, arch.ptrSize));
      expect(stubs.has(symbol), `${symbol} is also an asm stub`).toBe(false);
    },
  );

  it.each(ENTRIES.filter((e) => e.impl === 'asm').map((e) => [e.symbol] as const))('leaves %s to its asm stub', (symbol) => {
    expect(stubs.has(symbol), `no TEXT ${symbol} in asm/${arch.name}`).toBe(true);
    expect(hosts.specs.has(symbol), `${symbol} is also a host function`).toBe(false);
  });

  it('counts an int64 argument as two words where pointers are 32 bits', () => {
    expect(wordsOf('int64', arch.ptrSize) * arch.ptrSize).toBe(8);
    expect(hosts.specs.get('runtime.printint')?.nargs).toBe(8 / arch.ptrSize);
  });
});

/** A Go expression of type t (the zero value is enough for the checker). */
const valueOf = (t: 'int' | 'bool') => (t === 'int' ? '0' : 'false');

/** A program that calls `go` once (with zero values, or `args`) and prints each of its results (or of `results` variables). */
function programCalling(go: GoSignature, o: { args?: string[]; results?: number } = {}): string {
  const args = (o.args ?? go.params.map((p) => valueOf(p.type))).join(', ');
  const nres = o.results ?? go.results.length;
  const call = go.recv ? `v.${go.name}(${args})` : `${go.pkg}.${go.name}(${args})`;
  const names = Array.from({ length: nres }, (_, i) => `r${i}`);
  const body = [
    ...(go.recv ? [`\tvar v sync.${go.recv}`] : []),
    nres > 0 ? `\t${names.join(', ')} := ${call}` : `\t${call}`,
    ...names.map((n) => `\tprintln(${n})`),
  ];
  return `package main\n\nimport "${go.pkg}"\n\nfunc main() {\n${body.join('\n')}\n}\n`;
}

const compileError = async (src: string, arch: Arch): Promise<string> => {
  try {
    await compileProgram(src, 'prog.go', arch);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

describe.each(archCases)('the runtime functions the checker accepts on %s', (_name, arch) => {
  it('are named in its error for any other runtime function, in the list\'s order', async () => {
    const src = 'package main\n\nimport "runtime"\n\nfunc main() {\n\truntime.KeepAlive(0)\n}\n';
    const m = /\(supported: (.*)\)$/.exec(await compileError(src, arch));
    expect(m?.[1]?.split(', ')).toEqual(goEntries('runtime').map((e) => e.symbol));
  });

  const userEntries = ENTRIES.filter((e): e is RuntimeEntry & { go: GoSignature } => e.go !== undefined);

  it('covers runtime, sync.WaitGroup, sync.Mutex and sync.RWMutex only', () => {
    expect(userEntries.length).toBe(goEntries('runtime').length + (['WaitGroup', 'Mutex', 'RWMutex'] as const).reduce((n, r) => n + goEntries('sync', r).length, 0));
  });

  it.each(userEntries.map((e) => [e.symbol, e] as const))('accepts %s with its Go signature and calls its symbol', async (_s, e) => {
    const go = e.go;
    const c = await compileProgram(programCalling(go), 'prog.go', arch);
    const main = c.blocks.find((b) => b.name === 'main.main')!;
    expect(main.body.some((l) => /^\s*(call|bl)\s/.test(l.text) && l.text.includes(e.symbol))).toBe(true);
    // one argument too many, one result too many, and each argument of the wrong type are errors
    expect(await compileError(programCalling(go, { args: [...go.params.map((p) => valueOf(p.type)), '0'] }), arch)).toMatch(/too many arguments/);
    expect(await compileError(programCalling(go, { results: go.results.length + 1 }), arch)).toMatch(/assignment mismatch|no value\) used as value/);
    for (const [k, p] of go.params.entries()) {
      const args = go.params.map((q, j) => valueOf(j === k ? (p.type === 'int' ? 'bool' : 'int') : q.type));
      expect(await compileError(programCalling(go, { args }), arch), `${e.symbol} argument ${p.name}`).toMatch(/cannot use/);
    }
  });

  it('rejects a WaitGroup method that is not in the list', async () => {
    const src = 'package main\n\nimport "sync"\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\twg.Go(func() {})\n}\n';
    expect(await compileError(src, arch)).toMatch(/type sync.WaitGroup has no field or method Go/);
  });
});

describe('layers around src/abi', () => {
  /** The repository-relative targets of a directory's relative imports. */
  const importsOf = (dir: string): { from: string; to: string }[] =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const text = readFileSync(join(ROOT, dir, f), 'utf8');
        return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => ({
          from: join(dir, f),
          to: relative(ROOT, resolve(ROOT, dir, dirname(f), m[1]!)),
        }));
      });

  it('src/abi imports only from itself and src/arch', () => {
    const bad = importsOf('src/abi').filter((i) => !/^src\/(abi|arch)\//.test(i.to));
    expect(bad).toEqual([]);
  });

  it('src/arch imports nothing from the compiler (or from src/abi)', () => {
    const bad = importsOf('src/arch').filter((i) => /^src\/(compile|abi)\//.test(i.to));
    expect(bad).toEqual([]);
  });
});
