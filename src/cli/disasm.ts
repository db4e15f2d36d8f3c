// `gogo-emu disasm [symbol] [prog]`: the stubs (and, given a program, the
// program's own functions) as assembled, one line per instruction with its
// address, offset in its symbol, bytes, text and the .s (or .go) file:line it
// came from; where the source line names go_asm.h constants (gobuf_pc,
// g_sched, ...), their names and values beside the raw offsets.
// `compile --addresses` prints a program the same way.
import type { Arch } from '../arch/index.ts';
import { disassemble } from '../engine/asm.ts';
import { goAsmNumbers } from '../go119/goasm.ts';
import type { Image, LinkedBlock } from '../link/linker.ts';
import type { TextBlock } from '../link/source.ts';
import { stubBlocks } from '../os/machine.ts';
import { UserError } from '../session/errors.ts';
import type { ProgramImage } from '../session/process.ts';
import { linkedImage, loadProgram } from '../session/program.ts';
import { findGoroot, sourceView } from './source.ts';

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * The source text of each line-map entry of a linked block, in order: the
 * linker makes one entry per instruction or data line of the body (labels,
 * assignments and alignment make none), so the two lists pair up.
 */
export function entryTexts(src: TextBlock): string[] {
  const out: string[] = [];
  for (const l of src.body) {
    let t = l.text.trim();
    const lab = /^("[^"]+"|[A-Za-z_.$][\w.$<>]*)\s*:/.exec(t);
    if (lab) t = t.slice(lab[0].length).trim();
    if (!t || /^[\w.]+\s*=/.test(t) || /^\.(p2align|balign|equ|set)\b/.test(t)) continue;
    out.push(t);
  }
  return out;
}

/** go_asm.h names in an assembly line, with their values: `g_sched+gobuf_pc=0x40`. */
export function asmNames(text: string, consts: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z_]\w*(?:\s*\+\s*[A-Za-z_]\w*)*/g)) {
    const parts = m[0].split('+').map((p) => p.trim());
    const known = parts.filter((p) => consts.has(p));
    if (known.length === 0) continue;
    const sum = known.reduce((s, p) => s + consts.get(p)!, 0);
    out.push(`${known.join('+')}=${hex(sum)}`);
  }
  return out;
}

export interface BlockFormat {
  /** names of addresses (branch targets) */
  nameOf: (addr: number) => string | undefined;
  /** the block's source (for go_asm.h names beside raw offsets) */
  src?: TextBlock;
  consts?: ReadonlyMap<string, number>;
}

export function formatBlock(arch: Arch, b: LinkedBlock, o: BlockFormat | ((addr: number) => string | undefined)): string[] {
  const f: BlockFormat = typeof o === 'function' ? { nameOf: o } : o;
  const texts = f.src ? entryTexts(f.src) : [];
  const out = [`${b.header}    // ${b.file}:${b.line}, ${hex(b.addr)}, ${b.bytes.length} bytes`];
  b.lines.forEach((e, k) => {
    const bytes = b.bytes.subarray(e.addr - b.addr, e.addr - b.addr + e.size);
    const insns = e.data
      ? [{ address: e.addr, bytes, mnemonic: '(data)', opStr: '' }]
      : disassemble(arch.asm, bytes, e.addr, arch.insnUnit);
    const names = f.consts && texts[k] !== undefined ? asmNames(texts[k]!, f.consts) : [];
    for (const i of insns) {
      const target = /^#?(0x[0-9a-f]+)$/.exec(i.opStr)?.[1];
      const sym = target ? f.nameOf(Number(target)) : undefined;
      let text = `${i.mnemonic} ${i.opStr}`.trim() + (sym ? ` <${sym}>` : '');
      if (names.length) text += `  ; ${names.join(', ')}`;
      const hexBytes = [...i.bytes].map((x) => x.toString(16).padStart(2, '0')).join(' ');
      const off = `+${i.address - b.addr}`;
      out.push(`  ${hex(i.address)} ${off.padStart(5)}  ${hexBytes.padEnd(30)}  ${text.padEnd(44)}  ${b.file}:${e.line}`);
    }
  });
  return out;
}

/** A linked image, the blocks it was made from by name, and names for addresses. */
async function image(arch: Arch, program?: ProgramImage): Promise<{ image: Image; sources: Map<string, TextBlock>; nameOf: (a: number) => string | undefined }> {
  const { image, host } = await linkedImage(arch, program);
  const sources = new Map([...stubBlocks(arch), ...(program?.blocks ?? [])].map((b) => [b.name, b]));
  return { image, sources, nameOf: (a) => host.nameAt(a) ?? (image.blockAt(a) ? image.describe(a) : undefined) };
}

export interface DisasmOptions {
  source?: boolean;
  /** a program (.go or .s): its functions can be disassembled too */
  program?: string;
}

export async function disasmCommand(arch: Arch, symbol: string | undefined, opts: DisasmOptions = {}): Promise<string> {
  // `disasm prog.go`: every block of the program
  if (symbol && /\.(go|s)$/.test(symbol) && opts.program === undefined) return disasmCommand(arch, undefined, { ...opts, program: symbol });
  const program = opts.program === undefined ? undefined : await loadProgram(opts.program, arch);
  const { image: img, sources, nameOf } = await image(arch, program);
  const programNames = new Set(program?.blocks.map((b) => b.name));
  let blocks = img.blocks.filter((b) => (program ? programNames.has(b.name) : !b.file.startsWith('<')));
  if (symbol) {
    const want = symbol.includes('.') ? [symbol] : [`runtime.${symbol}`, symbol];
    const b = want.map((n) => img.block(n)).find((x) => x && !x.file.startsWith('<'));
    if (!b) {
      if (!program && /^main\./.test(symbol)) throw new UserError(`disasm: ${symbol} is the program's code: give the program too (gogo-emu disasm ${symbol} prog.go)`);
      throw new UserError(`disasm: no symbol '${symbol}' in asm/${arch.name}${program ? ` or ${opts.program}` : ''} (try: ${blocks.map((x) => x.name).join(', ')})`);
    }
    // the whole stub: a TEXT block and the file-local helper it continues in (gogo -> gogo<>)
    const helper = b.name.endsWith('<>') ? undefined : img.block(`${b.name}<>`);
    blocks = helper ? [b, helper] : [b];
  }
  const consts = goAsmNumbers(arch);
  const fmt = (b: LinkedBlock) => formatBlock(arch, b, { nameOf, src: sources.get(b.name), consts });
  if (opts.source) {
    const goroot = findGoroot();
    return blocks.flatMap((b) => [...(sources.has(b.name) && !programNames.has(b.name) ? sourceView(b, sources.get(b.name)!, goroot) : []), '', ...fmt(b), '']).join('\n');
  }
  return blocks.flatMap((b) => [...fmt(b), '']).join('\n');
}

/** `compile --addresses`: the program linked as a run links it, each function with addresses, offsets and encodings. */
export async function programListing(arch: Arch, program: ProgramImage, file: string, source: string): Promise<string> {
  const { image: img, sources, nameOf } = await image(arch, program);
  const consts = goAsmNumbers(arch);
  const goSource = source.split('\n');
  const out = [`// ${file} linked for ${arch.name}: address, +offset in the function, bytes, instruction, file:line`];
  for (const pb of program.blocks) {
    const b = img.block(pb.name)!;
    const lines = formatBlock(arch, b, { nameOf, src: sources.get(b.name), consts });
    out.push('', lines[0]!);
    // each Go line above its instructions, as `compile` prints them
    let last = -1;
    for (const [k, e] of b.lines.entries()) {
      if (e.line !== last && !e.data) {
        out.push(`// ${file}:${e.line}    ${(goSource[e.line - 1] ?? '').trim()}`);
        last = e.line;
      }
      out.push(...linesOfEntry(lines, b, k));
    }
  }
  return out.join('\n');
}

/** The formatted lines of entry k of a block (formatBlock prints each entry's instructions in order after the header). */
function linesOfEntry(lines: string[], b: LinkedBlock, k: number): string[] {
  const e = b.lines[k]!;
  const next = b.lines[k + 1];
  return lines.slice(1).filter((l) => {
    const a = Number(/^ {2}(0x[0-9a-f]+)/.exec(l)?.[1]);
    return a >= e.addr && (next === undefined || a < next.addr);
  });
}
