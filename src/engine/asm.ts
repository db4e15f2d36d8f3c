// Keystone (assembler) and Capstone (disassembler), both WebAssembly builds
// from npm. Loaded once per process (initAsm); afterwards use is synchronous.
//
// Keystone pitfalls handled here or by callers (ENGINE-NOTES §6):
// - never set OPT_SYNTAX_INTEL (it makes numbers hexadecimal); Intel is the default;
// - comments are not accepted: callers strip them (src/link does);
// - `.text`/`.section` break the instance: rejected before they reach Keystone;
// - Keystone reports no line number: on failure we find the failing line by
//   assembling lines one at a time with every label of the source predefined.
import { createRequire } from 'node:module';
import { UserError } from './errors.ts';

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

interface CsModule {
  Capstone: new (arch: number, mode: number) => {
    disasm(bytes: Uint8Array, addr: number, count?: number): { address: bigint; size: number; bytes: number[]; mnemonic: string; op_str: string }[];
    option(opt: number, value: number): void;
    close(): void;
  };
  [k: string]: unknown;
}

let ksMod: KsModule | undefined;
let csMod: CsModule | undefined;

/** Load both WebAssembly modules. Idempotent. */
export async function initAsm(): Promise<void> {
  if (!ksMod) ksMod = (await (require('@alexaltea/keystone-js') as () => Promise<KsModule>)()) as KsModule;
  if (!csMod) csMod = (await (require('@alexaltea/capstone-js') as () => Promise<CsModule>)()) as CsModule;
}

function ks(): KsModule {
  if (!ksMod) throw new Error('initAsm() must be awaited before assembling');
  return ksMod;
}
function cs(): CsModule {
  if (!csMod) throw new Error('initAsm() must be awaited before disassembling');
  return csMod;
}

const assemblers = new Map<string, InstanceType<KsModule['Keystone']>>();
const disassemblers = new Map<string, InstanceType<CsModule['Capstone']>>();

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

function disassembler(t: AsmTarget) {
  const key = t.cs.join('/');
  let d = disassemblers.get(key);
  if (!d) {
    const m = cs();
    d = new m.Capstone(m[t.cs[0]] as number, m[t.cs[1]] as number);
    for (const [opt, val] of t.csOptions ?? []) d.option(m[opt] as number, m[val] as number);
    disassemblers.set(key, d);
  }
  return d;
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
 */
export function disassemble(t: AsmTarget, bytes: Uint8Array, address: number, unit = 1): CsInsn[] {
  const d = disassembler(t);
  const out: CsInsn[] = [];
  let off = 0;
  while (off < bytes.length) {
    let got: ReturnType<typeof d.disasm> = [];
    try {
      got = d.disasm(bytes.subarray(off), address + off);
    } catch {
      got = [];
    }
    for (const i of got) {
      out.push({ address: Number(i.address), size: i.size, bytes: Uint8Array.from(i.bytes), mnemonic: i.mnemonic, opStr: i.op_str });
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
    const [i] = disassembler(t).disasm(bytes, address, 1);
    return i ? `${i.mnemonic} ${i.op_str}`.trim() : '';
  } catch {
    return '';
  }
}
