// A stub's listing for the page: each line of its .s source (asm/<arch>/)
// with the instructions assembled from it, and the go1.19 original it ports
// (the ranges its doc comment names, read from a local Go installation as
// `gogo-emu disasm --source` reads them). Listings do not change during a
// run: they are made once per arch and block.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { disassemble } from '../engine/asm.ts';
import type { TextBlock } from '../link/source.ts';
import { ROOT, stubBlocks, type Machine } from '../os/machine.ts';
import { findGoroot, portedRanges } from '../cli/source.ts';
import type { ListingLine, SwitchView } from './protocol.ts';

const hex = (n: number) => `0x${n.toString(16)}`;

const sources = new Map<string, Map<string, TextBlock>>();
const cache = new Map<string, ListingLine[]>();
const files = new Map<string, string[]>();
let goroot: string | undefined | null = null;

function fileLines(rel: string): string[] {
  let l = files.get(rel);
  if (!l) {
    l = readFileSync(join(ROOT, rel), 'utf8').split('\n');
    files.set(rel, l);
  }
  return l;
}

function textBlock(arch: Arch, name: string): TextBlock | undefined {
  let m = sources.get(arch.name);
  if (!m) {
    m = new Map(stubBlocks(arch).map((b) => [b.name, b]));
    sources.set(arch.name, m);
  }
  return m.get(name);
}

/** One block's .s lines with their instructions. */
function blockListing(machine: Machine, arch: Arch, name: string): ListingLine[] {
  const key = `${arch.name}:${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const b = machine.image.block(name);
  const src = textBlock(arch, name);
  if (!b) return [];
  const text = fileLines(b.file);
  const last = src?.endLine ?? Math.max(b.line, ...b.lines.map((e) => e.line));
  const out: ListingLine[] = [];
  for (let line = b.line; line <= last; line++) out.push({ file: b.file, line, text: text[line - 1] ?? '', insns: [] });
  for (const e of b.lines) {
    const row = out[e.line - b.line];
    if (!row) continue;
    const bytes = b.bytes.subarray(e.addr - b.addr, e.addr - b.addr + e.size);
    const insns = e.data ? [{ address: e.addr, mnemonic: '(data)', opStr: '' }] : disassemble(arch.asm, bytes, e.addr, arch.insnUnit);
    for (const i of insns) {
      const target = /^#?(0x[0-9a-f]+)$/.exec(i.opStr)?.[1];
      const sym = target ? machine.describe(Number(target)) : undefined;
      row.insns.push({ addr: hex(i.address), text: `${i.mnemonic} ${i.opStr}`.trim() + (sym && !sym.startsWith('0x') ? ` <${sym}>` : '') });
    }
  }
  cache.set(key, out);
  return out;
}

/** The go1.19 lines a block says it ports, or why they cannot be shown. */
function original(arch: Arch, name: string): SwitchView['original'] {
  const src = textBlock(arch, name);
  const ranges = portedRanges(src?.doc ?? []);
  if (ranges.length === 0) return { missing: `${name} names no go1.19 source range` };
  if (goroot === null) goroot = findGoroot()?.dir;
  if (!goroot) return { missing: 'no Go installation found (set GOROOT, or apt-get install golang-1.19-go) for the go1.19 original' };
  const lines: string[] = [];
  for (const r of ranges) {
    try {
      const text = readFileSync(join(goroot, 'src', 'runtime', r.file), 'utf8').split('\n');
      lines.push(`// ${r.file}:${r.from}-${r.to}`, ...text.slice(r.from - 1, r.to));
    } catch {
      lines.push(`// ${r.file} is not in ${goroot}`);
    }
  }
  return { title: `go1.19 ${ranges.map((r) => `${r.file}:${r.from}-${r.to}`).join(', ')} (${goroot})`, lines };
}

/** The listing of the blocks a switch ran (the stub first), and the original of the stub. */
export function stubListing(machine: Machine, arch: Arch, blocks: readonly string[]): { lines: ListingLine[]; original?: SwitchView['original'] } {
  const lines = blocks.flatMap((b) => blockListing(machine, arch, b));
  return blocks.length ? { lines, original: original(arch, blocks[0]!) } : { lines };
}
