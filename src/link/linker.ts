// The linker: assembles TEXT blocks at fixed addresses with Keystone.
//
// Each block is assembled on its own at its final address, with every other
// symbol it mentions defined in a prelude (`name = 0x...`). Branch encodings
// depend on distances, so layout is iterated: a block's reserved size only
// grows (smaller results are padded), which makes the loop converge, usually on
// the second pass. The address -> file:line map is made by walking the source
// lines against the Capstone decoding of the bytes: one instruction per
// instruction line, sized data for .quad/.long/.short/.byte, padding for
// alignment, and the rest of a block (arm literal pools) belongs to its TEXT line.
// Results are cached on disk by a hash of every input, so a cold start does
// not run Keystone again: with the bytes the cache keeps each instruction's
// decoding (mnemonic and operands), which it hands to the disassembler's
// memory (rememberDecoding), so a run from the cache needs neither Keystone
// nor Capstone. linkLazily() loads Keystone only on a cache miss; link()
// expects it loaded then (loadKeystone / initAsm).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { assemble, AssemblyError, disassemble, loadKeystone, rememberDecoding, type AsmTarget, type CsInsn } from '../engine/asm.ts';
import { AsmSourceError, type GoFuncInfo, type TextBlock } from './source.ts';

export interface LineEntry {
  addr: number;
  size: number;
  /** 1-based line in `file` */
  line: number;
  /** true for bytes that are data (directives, literal pool) rather than an instruction */
  data?: boolean;
}

export interface LinkedBlock {
  name: string;
  file: string;
  line: number;
  header: string;
  addr: number;
  bytes: Uint8Array;
  lines: LineEntry[];
  /** a compiled Go function's frame facts (TextBlock.goFunc) */
  goFunc?: GoFuncInfo;
}

export interface SourcePos {
  symbol: string;
  offset: number;
  file: string;
  line: number;
}

export interface LinkOptions {
  target: AsmTarget;
  /** minimum instruction unit (1 on x86, 4 on arm) for decoding data */
  insnUnit: number;
  base: number;
  blocks: TextBlock[];
  /** symbols defined elsewhere (host slots, data): name -> address */
  externals?: ReadonlyMap<string, number>;
  /**
   * assembler constants (go_asm.h names such as g_sched, gobuf_pc): substituted
   * as numbers before Keystone sees the text, because Keystone mis-encodes
   * memory operands that add two symbols (`[r14 + g_sched + gobuf_pc]` came out
   * as `[r14 + 8]`).
   */
  constants?: ReadonlyMap<string, number>;
  /** block alignment, default 16 */
  align?: number;
  /** directory for the assembled-bytes cache; null disables it */
  cacheDir?: string | null;
}

const LINKER_VERSION = 2;

/** The environment variable that chooses the assembly cache's directory ('off': no cache). */
export const CACHE_ENV = 'GOGO_EMU_CACHE';

/**
 * The directory of the assembled-bytes cache, as the XDG base directory
 * specification places a user's caches: $GOGO_EMU_CACHE if set ('off' turns
 * the cache off), else $XDG_CACHE_HOME/gogo-emu/asm (an absolute path only,
 * as the specification asks), else ~/.cache/gogo-emu/asm; no cache (null)
 * without a home directory. Never inside the checkout: the tool may be
 * installed read-only, and one cache serves every checkout.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env[CACHE_ENV];
  if (own) return own === 'off' ? null : own;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'gogo-emu', 'asm');
  let home = env.HOME;
  if (!home || !isAbsolute(home)) {
    try {
      home = homedir();
    } catch {
      return null;
    }
  }
  return home ? join(home, '.cache', 'gogo-emu', 'asm') : null;
}

/** The linked text: every block at its address, a symbol table and a line map. */
export class Image {
  readonly symbols = new Map<string, number>();
  private readonly sorted: LinkedBlock[];

  constructor(
    readonly base: number,
    readonly blocks: LinkedBlock[],
  ) {
    for (const b of blocks) this.symbols.set(b.name, b.addr);
    this.sorted = [...blocks].sort((a, b) => a.addr - b.addr);
  }

  get end(): number {
    const last = this.sorted[this.sorted.length - 1];
    return last ? last.addr + last.bytes.length : this.base;
  }

  sym(name: string): number {
    const a = this.symbols.get(name);
    if (a === undefined) throw new Error(`undefined symbol ${name}`);
    return a;
  }

  block(name: string): LinkedBlock | undefined {
    return this.blocks.find((b) => b.name === name);
  }

  /** The block containing addr. */
  blockAt(addr: number): LinkedBlock | undefined {
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.sorted[mid]!;
      if (addr < b.addr) hi = mid - 1;
      else if (addr >= b.addr + b.bytes.length) lo = mid + 1;
      else return b;
    }
    return undefined;
  }

  /** symbol+offset and .s file:line of an address, when it lies in linked text. */
  lookup(addr: number): SourcePos | undefined {
    const b = this.blockAt(addr);
    if (!b) return undefined;
    const e = b.lines.find((l) => addr >= l.addr && addr < l.addr + l.size);
    return { symbol: b.name, offset: addr - b.addr, file: b.file, line: e?.line ?? b.line };
  }

  /** "runtime.gogo+5" style name of an address. */
  describe(addr: number): string {
    const b = this.blockAt(addr);
    return b ? `${b.name}+${addr - b.addr}` : `0x${addr.toString(16)}`;
  }
}

const IDENT = /"[^"]+"|[A-Za-z_][\w.]*(?:<>)?/g;

/** Quote names with `<>` so Keystone reads them as one symbol. */
function quoteLocals(text: string): string {
  return text.replace(/(?<!")\b([A-Za-z_][\w.]*<>)/g, '"$1"');
}

function prelude(body: string, self: string, addrs: ReadonlyMap<string, number>): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of body.matchAll(IDENT)) {
    const name = m[0].startsWith('"') ? m[0].slice(1, -1) : m[0];
    if (name === self || seen.has(name)) continue;
    const a = addrs.get(name);
    if (a === undefined) continue;
    seen.add(name);
    out.push(`${/^[A-Za-z_.$][\w.$]*$/.test(name) ? name : `"${name}"`} = 0x${a.toString(16)}`);
  }
  return out.join('\n');
}

function substituteConstants(text: string, constants: ReadonlyMap<string, number> | undefined): string {
  if (!constants || constants.size === 0) return text;
  return text.replace(/"[^"]*"|[A-Za-z_][\w.]*(?:<>)?/g, (tok) => {
    const v = constants.get(tok);
    return v === undefined ? tok : String(v);
  });
}

function blockSource(b: TextBlock, constants?: ReadonlyMap<string, number>): string {
  return b.body.map((l) => quoteLocals(substituteConstants(l.text, constants))).join('\n');
}

const DATA_DIRECTIVE = /^\s*(?:[\w.$"<>]+:\s*)?\.(quad|long|int|short|byte)\b/;

/** See AsmTarget.dataBeforeCodeBreaksBranches. */
function checkDataPlacement(o: LinkOptions, b: TextBlock): void {
  if (!o.target.dataBeforeCodeBreaksBranches) return;
  let data: number | undefined;
  for (const l of b.body) {
    const t = l.text.trim().replace(/^[\w.$"<>]+:\s*/, '');
    if (!t || t.startsWith('.p2align') || t.startsWith('.balign') || /^[\w.]+\s*=/.test(t) || /^\.(equ|set)\b/.test(t)) continue;
    if (DATA_DIRECTIVE.test(l.text)) data ??= l.line;
    else if (data !== undefined) {
      throw new AsmSourceError(b.file, data, 'data directive before instructions in the same block: Keystone mis-assembles the branches after it on this arch; put data in a block of its own or after the last instruction (sdiv/udiv assemble as instructions)');
    }
  }
}

function assembleBlock(o: LinkOptions, b: TextBlock, addr: number, addrs: ReadonlyMap<string, number>): Uint8Array {
  checkDataPlacement(o, b);
  const src = blockSource(b, o.constants);
  // The block's own name is a label at its first byte, so self references work.
  const selfLabel = `${/^[A-Za-z_.$][\w.$]*$/.test(b.name) ? b.name : `"${b.name}"`}:`;
  try {
    return assemble(o.target, `${selfLabel}\n${src}`, addr, prelude(src, b.name, addrs));
  } catch (e) {
    if (e instanceof AssemblyError) {
      const l = b.body[e.line - 2]; // -1 for 1-based, -1 for the self label line
      throw new AsmSourceError(b.file, l?.line ?? b.line, `${e.reason}: ${(l?.text ?? e.text).trim()}`);
    }
    throw e;
  }
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** versions of the assembler and disassembler packages: part of the cache key */
let toolVersions: string | undefined;
function asmToolVersions(): string {
  if (toolVersions === undefined) {
    const require = createRequire(import.meta.url);
    toolVersions = ['@alexaltea/keystone-js', '@alexaltea/capstone-js']
      .map((p) => {
        try {
          return `${p}@${(require(`${p}/package.json`) as { version: string }).version}`;
        } catch {
          return `${p}@?`;
        }
      })
      .join(' ');
  }
  return toolVersions;
}

function cacheKey(o: LinkOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: LINKER_VERSION, tools: asmToolVersions(), t: o.target, u: o.insnUnit, base: o.base, align: o.align ?? 16 }));
  for (const b of o.blocks) h.update(JSON.stringify([b.name, b.file, b.line, b.header, b.body]));
  h.update(JSON.stringify([...(o.externals ?? new Map()).entries()].sort()));
  h.update(JSON.stringify([...(o.constants ?? new Map()).entries()].sort()));
  return h.digest('hex');
}

/** One instruction of a cached block: offset in the block, size, mnemonic, operands. */
type CachedInsn = [off: number, size: number, mnemonic: string, opStr: string];

interface CachedBlock {
  name: string;
  addr: number;
  hex: string;
  lines: LineEntry[];
  insns: CachedInsn[];
}

/** The cache file for these inputs ('' when caching is off). */
function cacheFile(o: LinkOptions): string {
  const dir = o.cacheDir === undefined ? defaultCacheDir() : o.cacheDir;
  return dir ? join(dir, `${cacheKey(o)}.json`) : '';
}

/** The image from the cache, with its decodings remembered; undefined on a miss. */
function fromCache(o: LinkOptions, file: string): Image | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedBlock[];
    if (!Array.isArray(cached) || cached.length !== o.blocks.length) return undefined;
    const blocks = cached.map((c, i): LinkedBlock => {
      const b = o.blocks[i]!;
      return { name: b.name, file: b.file, line: b.line, header: b.header, addr: c.addr, bytes: new Uint8Array(Buffer.from(c.hex, 'hex')), lines: c.lines, ...(b.goFunc && { goFunc: b.goFunc }) };
    });
    cached.forEach((c, i) => {
      const b = blocks[i]!;
      rememberDecoding(
        o.target,
        c.insns.map(([off, size, mnemonic, opStr]) => ({ address: b.addr + off, size, bytes: b.bytes.subarray(off, off + size), mnemonic, opStr })),
      );
    });
    return new Image(o.base, blocks);
  } catch {
    return undefined; // unreadable: link again
  }
}

function toCache(file: string, image: Image, insns: CsInsn[][]): void {
  if (!file) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const data: CachedBlock[] = image.blocks.map((b, i) => ({
      name: b.name,
      addr: b.addr,
      hex: Buffer.from(b.bytes).toString('hex'),
      lines: b.lines,
      insns: insns[i]!.map((x): CachedInsn => [x.address - b.addr, x.size, x.mnemonic, x.opStr]),
    }));
    // write then rename, so that a concurrent reader never sees half a file
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, file);
  } catch {
    // a read-only checkout still works, just without the cache
  }
}

/**
 * Link blocks into an Image (from the cache when the same inputs were linked
 * before). On a cache miss Keystone must be loaded (loadKeystone, initAsm).
 */
export function link(o: LinkOptions): Image {
  const file = cacheFile(o);
  const cached = fromCache(o, file);
  if (cached) return cached;
  const { image, insns } = linkFresh(o);
  toCache(file, image, insns);
  return image;
}

/** link(), loading Keystone first when the cache misses. */
export async function linkLazily(o: LinkOptions): Promise<Image> {
  const file = cacheFile(o);
  const cached = fromCache(o, file);
  if (cached) return cached;
  await loadKeystone();
  const { image, insns } = linkFresh(o);
  toCache(file, image, insns);
  return image;
}

function linkFresh(o: LinkOptions): { image: Image; insns: CsInsn[][] } {
  const align = o.align ?? 16;
  const names = new Set<string>();
  for (const b of o.blocks) {
    if (names.has(b.name)) throw new AsmSourceError(b.file, b.line, `symbol ${b.name} defined twice`);
    if (o.externals?.has(b.name)) throw new AsmSourceError(b.file, b.line, `symbol ${b.name} is also a host function`);
    names.add(b.name);
  }
  const reserved = o.blocks.map(() => 0);
  let bytes: Uint8Array[] = [];
  let addrs: number[] = [];
  for (let pass = 0; pass < 12; pass++) {
    const layout: number[] = [];
    let at = o.base;
    for (let i = 0; i < o.blocks.length; i++) {
      layout.push(at);
      at = alignUp(at + Math.max(reserved[i]!, 1), align);
    }
    if (pass > 0 && layout.every((a, i) => a === addrs[i])) break;
    addrs = layout;
    const table = new Map<string, number>(o.externals ?? []);
    o.blocks.forEach((b, i) => table.set(b.name, layout[i]!));
    bytes = o.blocks.map((b, i) => assembleBlock(o, b, layout[i]!, table));
    bytes.forEach((b, i) => (reserved[i] = Math.max(reserved[i]!, b.length)));
  }
  const insns: CsInsn[][] = [];
  const blocks = o.blocks.map((b, i): LinkedBlock => {
    const addr = addrs[i]!;
    const code = bytes[i]!;
    const decoded: CsInsn[] = [];
    insns.push(decoded);
    return { name: b.name, file: b.file, line: b.line, header: b.header, addr, bytes: code, lines: lineMap(o, b, addr, code, decoded), ...(b.goFunc && { goFunc: b.goFunc }) };
  });
  return { image: new Image(o.base, blocks), insns };
}

const DATA_SIZES: Record<string, number> = { '.quad': 8, '.long': 4, '.int': 4, '.short': 2, '.byte': 1 };

/** Walk the source lines against the decoded bytes (see the file comment); each instruction line's decoding goes to `decoded`. */
function lineMap(o: LinkOptions, b: TextBlock, addr: number, code: Uint8Array, decoded: CsInsn[]): LineEntry[] {
  const out: LineEntry[] = [];
  let off = 0;
  for (const l of b.body) {
    let t = l.text.trim();
    const lab = /^("[^"]+"|[A-Za-z_.$][\w.$<>]*)\s*:/.exec(t);
    if (lab) t = t.slice(lab[0].length).trim();
    if (!t) continue;
    if (/^[\w.]+\s*=/.test(t)) continue;
    if (t.startsWith('.')) {
      const d = t.split(/\s+/)[0]!;
      const args = t.slice(d.length).trim();
      if (d in DATA_SIZES) {
        const n = DATA_SIZES[d]! * args.split(',').length;
        out.push({ addr: addr + off, size: n, line: l.line, data: true });
        off += n;
      } else if (d === '.p2align' || d === '.balign') {
        const v = Number(args.split(',')[0]);
        const a = d === '.p2align' ? 2 ** v : v;
        off = alignUp(addr + off, a) - addr;
      } else if (d === '.equ' || d === '.set') {
        continue;
      } else {
        throw new AsmSourceError(b.file, l.line, `unsupported directive ${d} (allowed: .quad .long .short .byte .p2align .balign .equ .set)`);
      }
      continue;
    }
    if (off >= code.length) throw new AsmSourceError(b.file, l.line, 'line map: ran out of bytes (macro or unsupported pseudo-instruction?)');
    const [insn] = disassemble(o.target, code.subarray(off, Math.min(code.length, off + 16)), addr + off, o.insnUnit);
    out.push({ addr: addr + off, size: insn!.size, line: l.line });
    decoded.push(insn!);
    off += insn!.size;
  }
  if (off < code.length) out.push({ addr: addr + off, size: code.length - off, line: b.line, data: true });
  return out;
}
