// The ELF image of a booted process, for gdb (`gogo-emu build`, `gogo-emu
// debug --elf`): the linked text exactly as it sits in emulated memory, the
// host-function slots, the data region's symbols, and DWARF line tables that
// map every instruction to its asm/<arch>/*.s line (the stubs) or its Go
// source line (the compiled program), one compile unit per source file with
// a subprogram per TEXT block. Paths are absolute so that gdb's `list` finds
// the files from any directory. src/link/elf.ts writes the bytes.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { writeElf, type DwarfUnit, type ElfImage, type ElfSymbol, type LineSequence } from '../link/elf.ts';
import type { LinkedBlock } from '../link/linker.ts';
import { ROOT, stubBlocks } from '../os/machine.ts';
import { HOST_SLOT_SIZE } from '../os/host.ts';
import { REGIONS } from '../os/memmap.ts';
import { toolVersion } from './errors.ts';
import type { Process } from './process.ts';

export interface ElfOptions {
  /** directory the program's file name is relative to (default: process.cwd()) */
  cwd?: string;
}

/** Where a block's source file is: stubs name files under the repository root, the program relative to cwd. */
function sourcePath(file: string, stub: boolean, cwd: string): { path: string; dir: string } {
  if (isAbsolute(file)) return { path: file, dir: cwd };
  if (stub && existsSync(resolve(ROOT, file))) return { path: resolve(ROOT, file), dir: ROOT };
  return { path: resolve(cwd, file), dir: cwd };
}

/** Instruction runs of a block with their lines (literal pools and data directives are not rows). */
function sequence(b: LinkedBlock): LineSequence | undefined {
  const rows = b.lines.filter((l) => !l.data).map((l) => ({ addr: l.addr, line: l.line }));
  if (rows.length === 0) return undefined;
  return { addr: b.addr, end: b.addr + b.bytes.length, rows };
}

/** arm mapping symbols: $a where ARM code starts, $d where data (a literal pool, a data block) starts. */
function mappingSymbols(b: LinkedBlock): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  let cur: boolean | undefined;
  for (const l of b.lines) {
    const data = !!l.data;
    if (data === cur) continue;
    cur = data;
    out.push({ name: data ? '$d' : '$a', addr: l.addr, size: 0, kind: 'notype', local: true, section: '.text' });
  }
  return out;
}

/** The ELF description of a booted process's image (see the file comment). */
export function processElfImage(p: Process, o: ElfOptions = {}): ElfImage {
  const { machine } = p;
  const { arch, image, host, mem } = machine;
  const cwd = o.cwd ?? process.cwd();
  const stubs = new Set(stubBlocks(arch).map((b) => b.name));
  const symbols: ElfSymbol[] = [];
  const units = new Map<string, DwarfUnit & { sequences: LineSequence[]; functions: DwarfUnit['functions'][number][] }>();

  for (const b of image.blocks) {
    const seq = sequence(b);
    symbols.push({ name: b.name, addr: b.addr, size: b.bytes.length, kind: seq ? 'func' : 'object', local: b.name.endsWith('<>'), section: '.text' });
    if (arch.name === 'arm') symbols.push(...mappingSymbols(b));
    if (!seq || b.file.startsWith('<')) continue;
    const { path, dir } = sourcePath(b.file, stubs.has(b.name), cwd);
    let u = units.get(path);
    if (!u) {
      u = { file: path, compDir: dir, language: path.endsWith('.go') ? 'go' : 'asm', sequences: [], functions: [] };
      units.set(path, u);
    }
    u.sequences.push(seq);
    u.functions.push({ name: b.name, low: b.addr, high: b.addr + b.bytes.length, line: b.line });
  }

  const hostSyms = [...host.symbols()].sort((a, b) => a[1] - b[1]);
  const hostEnd = hostSyms.length ? hostSyms[hostSyms.length - 1]![1] + HOST_SLOT_SIZE : host.base;
  for (const [name, addr] of hostSyms) {
    symbols.push({ name, addr, size: HOST_SLOT_SIZE, kind: 'func', section: '.host' });
    if (arch.name === 'arm') symbols.push({ name: '$a', addr, size: 0, kind: 'notype', local: true, section: '.host' });
  }

  const data = [...machine.data].sort((a, b) => a[1] - b[1]);
  const dataEnd = REGIONS.data.start + REGIONS.data.size;
  data.forEach(([name, addr], i) => {
    const next = data[i + 1]?.[1] ?? dataEnd;
    symbols.push({ name, addr, size: Math.max(0, next - addr), kind: 'object', section: '.data' });
  });

  return {
    machine: arch.name === 'amd64' ? 'x86-64' : 'arm',
    entry: image.sym(arch.entrySymbol),
    producer: `gogo-emu ${toolVersion()}`,
    sections: [
      { name: '.text', addr: image.base, bytes: mem.read(image.base, image.end - image.base), flags: 'rx' },
      { name: '.host', addr: host.base, bytes: mem.read(host.base, hostEnd - host.base), flags: 'rx' },
      { name: '.data', addr: REGIONS.data.start, bytes: new Uint8Array(REGIONS.data.size), flags: 'rw', nobits: true },
    ],
    symbols,
    units: [...units.values()],
  };
}

/** The ELF file of a booted process. */
export function processElf(p: Process, o: ElfOptions = {}): Uint8Array {
  return writeElf(processElfImage(p, o));
}
