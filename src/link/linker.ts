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
// not run Keystone again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { assemble, AssemblyError, disassemble, type AsmTarget } from '../engine/asm.ts';
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

const LINKER_VERSION = 1;

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
    out.push(`${name.includes('<') ? `"${name}"` : name} = 0x${a.toString(16)}`);
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
  const selfLabel = `${b.name.includes('<') ? `"${b.name}"` : b.name}:`;
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

function cacheKey(o: LinkOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: LINKER_VERSION, t: o.target, u: o.insnUnit, base: o.base, align: o.align ?? 16 }));
  for (const b of o.blocks) h.update(JSON.stringify([b.name, b.file, b.line, b.header, b.body]));
  h.update(JSON.stringify([...(o.externals ?? new Map()).entries()].sort()));
  h.update(JSON.stringify([...(o.constants ?? new Map()).entries()].sort()));
  return h.digest('hex');
}

interface CachedBlock {
  name: string;
  addr: number;
  hex: string;
  lines: LineEntry[];
}

/** Link blocks into an Image (from the cache when the same inputs were linked before). */
export function link(o: LinkOptions): Image {
  const dir = o.cacheDir === undefined ? defaultCacheDir() : o.cacheDir;
  const key = dir ? cacheKey(o) : '';
  const file = dir ? join(dir, `${key}.json`) : '';
  if (file && existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedBlock[];
      return new Image(
        o.base,
        cached.map((c, i) => {
          const b = o.blocks[i]!;
          return { name: b.name, file: b.file, line: b.line, header: b.header, addr: c.addr, bytes: new Uint8Array(Buffer.from(c.hex, 'hex')), lines: c.lines, ...(b.goFunc && { goFunc: b.goFunc }) };
        }),
      );
    } catch {
      // fall through and relink
    }
  }
  const image = linkFresh(o);
  if (file) {
    try {
      mkdirSync(dir!, { recursive: true });
      const data: CachedBlock[] = image.blocks.map((b) => ({ name: b.name, addr: b.addr, hex: Buffer.from(b.bytes).toString('hex'), lines: b.lines }));
      writeFileSync(file, JSON.stringify(data));
    } catch {
      // a read-only checkout still works, just without the cache
    }
  }
  return image;
}

function linkFresh(o: LinkOptions): Image {
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
  const blocks = o.blocks.map((b, i): LinkedBlock => {
    const addr = addrs[i]!;
    const code = bytes[i]!;
    return { name: b.name, file: b.file, line: b.line, header: b.header, addr, bytes: code, lines: lineMap(o, b, addr, code), ...(b.goFunc && { goFunc: b.goFunc }) };
  });
  return new Image(o.base, blocks);
}

const DATA_SIZES: Record<string, number> = { '.quad': 8, '.long': 4, '.int': 4, '.short': 2, '.byte': 1 };

/** Walk the source lines against the decoded bytes (see the file comment). */
function lineMap(o: LinkOptions, b: TextBlock, addr: number, code: Uint8Array): LineEntry[] {
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
    off += insn!.size;
  }
  if (off < code.length) out.push({ addr: addr + off, size: code.length - off, line: b.line, data: true });
  return out;
}
