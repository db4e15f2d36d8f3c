// Keystone (assembler) and Capstone (disassembler), both WebAssembly builds
// from npm, each loaded only when first needed: a run whose assembly comes
// from the linker's cache loads neither.
//
// - Keystone is loaded by loadKeystone() (async: its C++ static constructors
//   run in the module's start-up), which the linker awaits on a cache miss.
// - Capstone is loaded synchronously on the first disassemble(): its wasm is
//   compiled and instantiated with the synchronous WebAssembly API and its C
//   functions (cs_open, cs_option, cs_disasm, cs_free) are called directly,
//   so callers deep inside a run (the cycle model decoding a new translation
//   block, a fault report) can disassemble without an await. capstone-js's
//   own JS API only appears after a later tick and is not used. The rest of
//   the module's start-up (run on that tick) calls the wasm's static
//   constructors, which are empty in capstone-js 5.0.9 (Capstone is C), so
//   using its functions before then is safe; test/engine/asm.test.ts checks
//   that every stub decodes as through capstone-js's own API.
// - Decodings are remembered per address and checked against the bytes on
//   every use (rememberDecoding; the linker's cache seeds them), so code
//   decoded once, in this process or in the run that filled the cache, is
//   not decoded again.
//
// Keystone pitfalls handled here or by callers (ENGINE-NOTES §6):
// - never set OPT_SYNTAX_INTEL (it makes numbers hexadecimal); Intel is the default;
// - comments are not accepted: callers strip them (src/link does);
// - `.text`/`.section` break the instance: rejected before they reach Keystone;
// - Keystone reports no line number: on failure we find the failing line by
//   assembling lines one at a time with every label of the source predefined.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from './errors.ts';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Which Keystone / Capstone arch+mode constants an ISA uses, by constant name. */
export interface AsmTarget {
  readonly ks: readonly [arch: string, mode: string];
  readonly cs: readonly [arch: string, mode: string];
  /** Capstone options to set, by constant name, e.g. [['OPT_SYNTAX', 'OPT_SYNTAX_NOREGNAME']] */
  readonly csOptions?: readonly (readonly [option: string, value: string])[];
  /** assembler directives put before every source (e.g. `.cpu cortex-a15`) */
  readonly prelude?: string;
  /**
   * Keystone (arm) mis-assembles branches to symbols that follow a data
   * directive in the same source: each is off by the data's size (measured:
   * `bl t; .long 0; bl t` gives the second bl t+4). Sources for such targets
   * must keep data after all instructions.
   */
  readonly dataBeforeCodeBreaksBranches?: boolean;
}

interface KsModule {
  Keystone: new (arch: number, mode: number) => {
    asm(src: string, addr: number): { mc: Uint8Array; count: number; failed: boolean };
    errno(): number;
    close(): void;
    handle_ptr: number;
  };
  strerror(code: number): string;
  ccall(name: string, ret: string, types: string[], args: unknown[]): number;
  getValue(ptr: number, type: string): number;
  setValue(ptr: number, v: number, type: string): void;
  _malloc(n: number): number;
  _free(p: number): void;
  [k: string]: unknown;
}

/**
 * ks_asm with the source in wasm heap memory. keystone-js's own asm() passes
 * the source as a ccall 'string', which is copied onto the 256 KiB wasm stack
 * (4 bytes per character): sources past ~64K characters crash the instance for
 * good ("memory access out of bounds"). Same result otherwise.
 */
function ksAsm(a: InstanceType<KsModule['Keystone']>, src: string, addr: number): { mc: Uint8Array; failed: boolean } {
  const m = ks();
  const bytes = Buffer.from(`${src}\0`, 'utf8');
  const text = m._malloc(bytes.length);
  const out = m._malloc(12); // encoding*, size, count
  try {
    for (let i = 0; i < bytes.length; i++) m.setValue(text + i, bytes[i]!, 'i8');
    const handle = m.getValue(a.handle_ptr, '*');
    const ret = m.ccall('ks_asm', 'number', ['pointer', 'pointer', 'number', 'pointer', 'pointer', 'pointer'], [handle, text, BigInt(addr), out, out + 4, out + 8]);
    const enc = m.getValue(out, 'i32');
    const size = m.getValue(out + 4, 'i32');
    const mc = new Uint8Array(size);
    for (let i = 0; i < size; i++) mc[i] = m.getValue(enc + i, 'i8') & 0xff;
    if (enc) m.ccall('ks_free', 'void', ['pointer'], [enc]);
    return { mc, failed: ret !== 0 };
  } finally {
    m._free(text);
    m._free(out);
  }
}

export interface CsInsn {
  address: number;
  size: number;
  bytes: Uint8Array;
  mnemonic: string;
  opStr: string;
}

let ksMod: KsModule | undefined;

/** Load Keystone (idempotent). Needed before assemble(). */
export async function loadKeystone(): Promise<void> {
  ksMod ??= (await (require('@alexaltea/keystone-js') as () => Promise<KsModule>)()) as KsModule;
}

/** Whether Keystone has been loaded in this process. */
export function keystoneLoaded(): boolean {
  return ksMod !== undefined;
}

/** Whether Capstone has been loaded in this process. */
export function capstoneLoaded(): boolean {
  return csLib !== undefined;
}

/**
 * Load both now. Only code that assembles outside the linker's lazy path
 * needs this (tests, `disasm`); Capstone would load on first use anyway.
 */
export async function initAsm(): Promise<void> {
  await loadKeystone();
  capstone();
}

function ks(): KsModule {
  if (!ksMod) throw new Error('Keystone is not loaded: await loadKeystone() before assembling');
  return ksMod;
}

// ---------------------------------------------------------------------------
// Capstone, synchronously

/** capstone.h values of the constant names an AsmTarget uses (test/engine/asm.test.ts compares them with capstone-js's) */
export const CS_CONSTANTS: Readonly<Record<string, number>> = {
  ARCH_ARM: 0,
  ARCH_X86: 3,
  MODE_ARM: 0,
  MODE_THUMB: 16,
  MODE_32: 4,
  MODE_64: 8,
  OPT_SYNTAX: 1,
  OPT_SYNTAX_INTEL: 1,
  OPT_SYNTAX_ATT: 2,
  OPT_SYNTAX_NOREGNAME: 3,
};

/** sizeof(cs_insn) and the offsets of its fields in capstone 5's wasm32 build (those capstone-js reads) */
const INSN_SIZE = 240;
const INSN_ADDRESS = 8;
const INSN_SIZE_FIELD = 16;
const INSN_BYTES = 18;
const INSN_MNEMONIC = 42;
const INSN_OP_STR = 74;

interface CsLib {
  memory: WebAssembly.Memory;
  malloc(n: number): number;
  free(p: number): void;
  cs_open(arch: number, mode: number, handleOut: number): number;
  cs_option(handle: number, type: number, value: number): number;
  cs_disasm(handle: number, code: number, size: number, address: bigint, count: number, insnOut: number): number;
  cs_free(insn: number, count: number): void;
}

let csLib: CsLib | undefined;

function capstone(): CsLib {
  csLib ??= loadCapstone();
  return csLib;
}

function loadCapstone(): CsLib {
  const jsPath = require.resolve('@alexaltea/capstone-js');
  const factory = require(jsPath) as (m: object) => Promise<unknown>;
  const wasm = new WebAssembly.Module(readFileSync(join(dirname(jsPath), 'capstone.wasm')));
  let exports: WebAssembly.Exports | undefined;
  const M: Record<string, unknown> = {
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      const instance = new WebAssembly.Instance(wasm, imports);
      exports = instance.exports;
      done(instance, wasm); // binds M._cs_open etc. right away
      return instance.exports;
    },
  };
  // The rest of the module's start-up runs on a later tick; nothing here waits for it.
  factory(M).catch(() => undefined);
  const memory = exports && Object.values(exports).find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
  if (!memory) throw new Error('capstone-js: no wasm memory after a synchronous instantiation (has the package changed?)');
  const fn = <F>(name: string): F => {
    const f = M[`_${name}`];
    if (typeof f !== 'function') throw new Error(`capstone-js: ${name} is not bound after a synchronous instantiation (has the package changed?)`);
    return f as F;
  };
  return {
    memory,
    malloc: fn('malloc'),
    free: fn('free'),
    cs_open: fn('cs_open'),
    cs_option: fn('cs_option'),
    cs_disasm: fn('cs_disasm'),
    cs_free: fn('cs_free'),
  };
}

const utf8 = new TextDecoder();

function cString(heap: Uint8Array, p: number, max: number): string {
  const end = heap.subarray(p, p + max).indexOf(0);
  return utf8.decode(heap.subarray(p, end < 0 ? p + max : p + end));
}

function csConstant(name: string): number {
  const v = CS_CONSTANTS[name];
  if (v === undefined) throw new Error(`unknown Capstone constant ${name}`);
  return v;
}

/** An open Capstone handle for one target. */
class Disassembler {
  private readonly handle: number;

  constructor(t: AsmTarget) {
    const cs = capstone();
    const out = cs.malloc(4);
    try {
      const err = cs.cs_open(csConstant(t.cs[0]), csConstant(t.cs[1]), out);
      if (err !== 0) throw new Error(`cs_open(${t.cs.join(', ')}) failed with code ${err}`);
      this.handle = new DataView(cs.memory.buffer).getUint32(out, true);
    } finally {
      cs.free(out);
    }
    for (const [opt, val] of t.csOptions ?? []) {
      const err = cs.cs_option(this.handle, csConstant(opt), csConstant(val));
      if (err !== 0) throw new Error(`cs_option(${opt}, ${val}) failed with code ${err}`);
    }
  }

  /** Decode up to `count` instructions (0: all) from the start of `bytes`; stops before the first that does not decode. */
  disasm(bytes: Uint8Array, address: number, count = 0): CsInsn[] {
    if (bytes.length === 0) return [];
    const cs = capstone();
    const code = cs.malloc(bytes.length);
    const out = cs.malloc(4);
    try {
      new Uint8Array(cs.memory.buffer).set(bytes, code);
      const n = cs.cs_disasm(this.handle, code, bytes.length, BigInt(address), count, out);
      if (n === 0) return [];
      const heap = new Uint8Array(cs.memory.buffer);
      const dv = new DataView(cs.memory.buffer);
      const first = dv.getUint32(out, true);
      const insns: CsInsn[] = [];
      for (let i = 0; i < n; i++) {
        const p = first + i * INSN_SIZE;
        const size = dv.getUint16(p + INSN_SIZE_FIELD, true);
        insns.push({
          address: Number(dv.getBigUint64(p + INSN_ADDRESS, true)),
          size,
          bytes: heap.slice(p + INSN_BYTES, p + INSN_BYTES + size),
          mnemonic: cString(heap, p + INSN_MNEMONIC, 32),
          opStr: cString(heap, p + INSN_OP_STR, 160),
        });
      }
      cs.cs_free(first, n);
      return insns;
    } finally {
      cs.free(code);
      cs.free(out);
    }
  }
}

const assemblers = new Map<string, InstanceType<KsModule['Keystone']>>();
const disassemblers = new Map<string, Disassembler>();

function assembler(t: AsmTarget) {
  const key = t.ks.join('/');
  let a = assemblers.get(key);
  if (!a) {
    const m = ks();
    a = new m.Keystone(m[t.ks[0]] as number, m[t.ks[1]] as number);
    assemblers.set(key, a);
  }
  return a;
}

/** key of a Capstone configuration (arch, mode, options) */
function csKey(t: AsmTarget): string {
  return JSON.stringify([t.cs, t.csOptions ?? []]);
}

function disassembler(t: AsmTarget): Disassembler {
  const key = csKey(t);
  let d = disassemblers.get(key);
  if (!d) {
    d = new Disassembler(t);
    disassemblers.set(key, d);
  }
  return d;
}

// ---------------------------------------------------------------------------
// Remembered decodings

/** per Capstone configuration: address -> the instruction decoded there */
const decoded = new Map<string, Map<number, Readonly<CsInsn>>>();

function memo(t: AsmTarget): Map<number, Readonly<CsInsn>> {
  const key = csKey(t);
  let m = decoded.get(key);
  if (!m) {
    m = new Map();
    decoded.set(key, m);
  }
  return m;
}

/**
 * Remember instructions decoded elsewhere (e.g. kept in the linker's cache)
 * as Capstone with target t decodes them. Each is used only where the bytes
 * at its address are its bytes.
 */
export function rememberDecoding(t: AsmTarget, insns: Iterable<CsInsn>): void {
  const m = memo(t);
  for (const i of insns) m.set(i.address, Object.freeze({ ...i, bytes: Uint8Array.from(i.bytes) }));
}

/** The remembered instruction at `address` if `bytes` (from `off`) start with its bytes. */
function recall(m: Map<number, Readonly<CsInsn>>, bytes: Uint8Array, off: number, address: number): Readonly<CsInsn> | undefined {
  const r = m.get(address);
  if (!r || r.size > bytes.length - off) return undefined;
  for (let k = 0; k < r.size; k++) if (r.bytes[k] !== bytes[off + k]) return undefined;
  return r;
}

/**
 * An assembly failure; `line` is 1-based within the source given to assemble().
 * Bad input (the linker adds the .s file and line: AsmSourceError).
 */
export class AssemblyError extends UserError {
  constructor(
    readonly line: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}: ${text.trim()}`);
    this.name = 'AssemblyError';
  }
}

const FORBIDDEN = /^\s*\.(text|section|data|bss)\b/;
const ASSIGN = /^\s*(\.(equ|set)\b|("[^"]+"|[A-Za-z_.$][\w.$<>]*)\s*=)/;
const LABEL = /^\s*([A-Za-z_.$][\w.$]*)\s*:/;

/**
 * Assemble `source` as if it were placed at `base`. Lines must be free of
 * comments. `prelude` (e.g. `.equ` lines for external symbols) is prepended and
 * does not count for line numbers.
 */
export function assemble(t: AsmTarget, source: string, base: number, prelude = ''): Uint8Array {
  const lines = source.split('\n');
  lines.forEach((l, i) => {
    if (FORBIDDEN.test(l)) throw new AssemblyError(i + 1, l, 'section directives are not supported (everything is one text region)');
  });
  const a = assembler(t);
  prelude = [t.prelude, prelude].filter(Boolean).join('\n');
  const full = prelude ? `${prelude}\n${source}` : source;
  const r = ksAsm(a, full, base);
  if (!r.failed && (r.mc.length > 0 || source.trim() === '')) return r.mc;
  throw locateError(t, lines, base, prelude, r.failed ? ks().strerror(a.errno()) : 'assembled to nothing');
}

function locateError(t: AsmTarget, lines: string[], base: number, prelude: string, overall: string): AssemblyError {
  const a = assembler(t);
  const labels = lines.map((l) => LABEL.exec(l)?.[1]).filter((x): x is string => !!x);
  const assigns = lines.filter((l) => ASSIGN.test(l));
  const defs = [...labels.map((l) => `${l} = ${base}`), ...assigns].join('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const body = line.replace(LABEL, '').trim();
    if (!body || ASSIGN.test(body)) continue;
    const r = ksAsm(a, [prelude, defs, body].filter(Boolean).join('\n'), base);
    if (r.failed) return new AssemblyError(i + 1, line, ks().strerror(a.errno()));
  }
  return new AssemblyError(1, lines[0] ?? '', overall);
}

/**
 * Disassemble `bytes` placed at `address`. Bytes that do not decode become a
 * one-unit `.byte` (x86) or `.word` entry, and decoding continues after them.
 * The instructions returned may be shared (frozen): do not modify them.
 */
export function disassemble(t: AsmTarget, bytes: Uint8Array, address: number, unit = 1): CsInsn[] {
  const m = memo(t);
  const out: CsInsn[] = [];
  let off = 0;
  while (off < bytes.length) {
    const known = recall(m, bytes, off, address + off);
    if (known) {
      out.push(known);
      off += known.size;
      continue;
    }
    // Capstone decodes from here to the first byte that does not decode
    const got = disassembler(t).disasm(bytes.subarray(off), address + off);
    for (const i of got) {
      const insn = Object.freeze(i);
      m.set(insn.address, insn);
      out.push(insn);
      off += i.size;
    }
    if (off < bytes.length) {
      const n = Math.min(unit, bytes.length - off);
      const raw = bytes.subarray(off, off + n);
      const hex = [...raw].reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
      out.push({ address: address + off, size: n, bytes: raw.slice(), mnemonic: n === 4 ? '.word' : '.byte', opStr: `0x${hex}` });
      off += n;
    }
  }
  return out;
}

/** One instruction as text ('' if it does not decode). */
export function disassembleOne(t: AsmTarget, bytes: Uint8Array, address: number): string {
  try {
    const known = recall(memo(t), bytes, 0, address);
    const [i] = known ? [known] : disassembler(t).disasm(bytes, address, 1);
    return i ? `${i.mnemonic} ${i.opStr}`.trim() : '';
  } catch {
    return '';
  }
}
