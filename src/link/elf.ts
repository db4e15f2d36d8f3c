// A small ELF writer for debuggers: an executable image (ELF64 for amd64,
// ELF32 for arm) whose loadable sections hold bytes at their run-time
// addresses, a symbol table, and just enough DWARF 4 for gdb to map
// addresses to source lines and name functions (.debug_info with one
// compile unit per source file and a DW_TAG_subprogram per function,
// .debug_abbrev, .debug_line, .debug_ranges, .debug_aranges).
//
// Why hand-written: no well-kept npm package writes ELF with DWARF line
// tables (the registry has readers only), and what gdb needs is small.
// Nothing here knows Go or the emulator: the caller (src/session/elf.ts)
// says what the sections, symbols and line rows are.
//
// References: the System V gABI (ELF header, program and section headers,
// symbols), the ARM ELF ABI (e_flags, mapping symbols $a / $d), and DWARF 4
// (sections 6.1.2 aranges, 6.2 line number information, 7.5 the debugging
// information entries' encoding).

export type ElfMachine = 'x86-64' | 'arm';

export interface ElfSection {
  name: string;
  addr: number;
  /** the contents; for `nobits` only its length counts (memory, not file) */
  bytes: Uint8Array;
  /** r: readable (always), w: writable, x: executable */
  flags: 'rx' | 'rw' | 'r';
  /** occupies memory but no file space (.bss-like) */
  nobits?: boolean;
}

export interface ElfSymbol {
  name: string;
  addr: number;
  size: number;
  kind: 'func' | 'object' | 'notype';
  /** local symbols (file-local helpers, arm mapping symbols) */
  local?: boolean;
  /** the section (by name) it lies in */
  section: string;
}

/** One contiguous run of code with its line rows (DWARF line "sequence"). */
export interface LineSequence {
  addr: number;
  /** first address after it */
  end: number;
  /** rows in address order: the instructions starting at addr belong to line */
  rows: readonly { addr: number; line: number }[];
}

export interface DwarfFunction {
  name: string;
  low: number;
  high: number;
  line: number;
}

/** One source file: a compile unit. */
export interface DwarfUnit {
  /** absolute path of the source file */
  file: string;
  /** directory relative names are resolved against */
  compDir: string;
  language: 'asm' | 'go';
  sequences: readonly LineSequence[];
  functions: readonly DwarfFunction[];
}

export interface ElfImage {
  machine: ElfMachine;
  entry: number;
  sections: readonly ElfSection[];
  symbols: readonly ElfSymbol[];
  units: readonly DwarfUnit[];
  /** DW_AT_producer */
  producer: string;
}

// ---- little-endian byte buffer ----------------------------------------------------------

class Bytes {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  u64(v: number | bigint): this {
    this.room(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
    return this;
  }
  /** an address-sized word (4 or 8 bytes) */
  word(v: number, size: 4 | 8): this {
    return size === 8 ? this.u64(v) : this.u32(v);
  }
  uleb(v: number): this {
    let n = BigInt(v);
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      this.u8(b);
    } while (n !== 0n);
    return this;
  }
  sleb(v: number): this {
    let n = BigInt(v);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
      this.u8(done ? b : b | 0x80);
      if (done) return this;
    }
  }
  str(s: string): this {
    return this.raw(new TextEncoder().encode(s)).u8(0);
  }
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  pad(align: number): this {
    while (this.length % align) this.u8(0);
    return this;
  }
  /** overwrite a u32 written earlier (lengths known only later) */
  patch32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A string table (.strtab, .shstrtab): offsets of NUL-terminated names, the empty name at 0. */
class StrTab {
  private readonly b = new Bytes().u8(0);
  private readonly seen = new Map<string, number>();
  add(s: string): number {
    if (s === '') return 0;
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    const off = this.b.length;
    this.b.str(s);
    this.seen.set(s, off);
    return off;
  }
  bytes(): Uint8Array {
    return this.b.bytes();
  }
}

// ---- DWARF ------------------------------------------------------------------------------

const DW = {
  TAG_compile_unit: 0x11,
  TAG_subprogram: 0x2e,
  CHILDREN_no: 0,
  CHILDREN_yes: 1,
  AT_name: 0x03,
  AT_stmt_list: 0x10,
  AT_low_pc: 0x11,
  AT_high_pc: 0x12,
  AT_language: 0x13,
  AT_comp_dir: 0x1b,
  AT_producer: 0x25,
  AT_decl_file: 0x3a,
  AT_decl_line: 0x3b,
  AT_external: 0x3f,
  AT_ranges: 0x55,
  FORM_addr: 0x01,
  FORM_data1: 0x0b,
  FORM_data2: 0x05,
  FORM_data4: 0x06,
  FORM_string: 0x08,
  FORM_udata: 0x0f,
  FORM_sec_offset: 0x17,
  FORM_flag_present: 0x19,
  LANG_Go: 0x16,
  LANG_Mips_Assembler: 0x8001,
  LNS_copy: 1,
  LNS_advance_pc: 2,
  LNS_advance_line: 3,
  LNE_end_sequence: 1,
  LNE_set_address: 2,
} as const;

const ABBREV_CU = 1;
const ABBREV_FUNC = 2;

function abbrevs(): Uint8Array {
  const b = new Bytes();
  b.uleb(ABBREV_CU).uleb(DW.TAG_compile_unit).u8(DW.CHILDREN_yes);
  for (const [at, form] of [
    [DW.AT_producer, DW.FORM_string],
    [DW.AT_language, DW.FORM_data2],
    [DW.AT_name, DW.FORM_string],
    [DW.AT_comp_dir, DW.FORM_string],
    [DW.AT_stmt_list, DW.FORM_sec_offset],
    [DW.AT_low_pc, DW.FORM_addr],
    [DW.AT_ranges, DW.FORM_sec_offset],
  ]) b.uleb(at).uleb(form);
  b.u8(0).u8(0);
  b.uleb(ABBREV_FUNC).uleb(DW.TAG_subprogram).u8(DW.CHILDREN_no);
  for (const [at, form] of [
    [DW.AT_name, DW.FORM_string],
    [DW.AT_external, DW.FORM_flag_present],
    [DW.AT_low_pc, DW.FORM_addr],
    [DW.AT_high_pc, DW.FORM_data4],
    [DW.AT_decl_file, DW.FORM_data1],
    [DW.AT_decl_line, DW.FORM_udata],
  ]) b.uleb(at).uleb(form);
  b.u8(0).u8(0);
  b.u8(0);
  return b.bytes();
}

/** One unit's line number program (DWARF 4, one file: index 1). */
function lineProgram(out: Bytes, u: DwarfUnit, addrSize: 4 | 8): void {
  const start = out.length;
  out.u32(0); // unit_length, patched below
  out.u16(4); // version
  const hdrLenAt = out.length;
  out.u32(0); // header_length, patched below
  const hdrStart = out.length;
  out.u8(1); // minimum_instruction_length (byte addresses on both arches)
  out.u8(1); // maximum_operations_per_instruction
  out.u8(1); // default_is_stmt
  out.u8(-5 & 0xff); // line_base
  out.u8(14); // line_range
  out.u8(13); // opcode_base
  for (const n of [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]) out.u8(n); // standard_opcode_lengths
  out.u8(0); // include_directories: none (the file name is absolute)
  out.str(u.file).uleb(0).uleb(0).uleb(0);
  out.u8(0); // end of file_names
  out.patch32(hdrLenAt, out.length - hdrStart);
  for (const seq of u.sequences) {
    if (seq.rows.length === 0) continue;
    out.u8(0).uleb(1 + addrSize).u8(DW.LNE_set_address).word(seq.addr, addrSize);
    let addr = seq.addr;
    let line = 1;
    for (const r of seq.rows) {
      if (r.addr < addr) throw new Error(`line rows out of order at 0x${r.addr.toString(16)}`);
      if (r.addr > addr) out.u8(DW.LNS_advance_pc).uleb(r.addr - addr);
      if (r.line !== line) out.u8(DW.LNS_advance_line).sleb(r.line - line);
      out.u8(DW.LNS_copy);
      addr = r.addr;
      line = r.line;
    }
    if (seq.end > addr) out.u8(DW.LNS_advance_pc).uleb(seq.end - addr);
    out.u8(0).uleb(1).u8(DW.LNE_end_sequence);
  }
  out.patch32(start, out.length - start - 4);
}

interface DwarfSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  line: Uint8Array;
  ranges: Uint8Array;
  aranges: Uint8Array;
}

function dwarf(img: ElfImage, addrSize: 4 | 8): DwarfSections {
  const info = new Bytes();
  const line = new Bytes();
  const ranges = new Bytes();
  const aranges = new Bytes();
  for (const u of img.units) {
    const stmt = line.length;
    lineProgram(line, u, addrSize);
    const rangesAt = ranges.length;
    for (const s of u.sequences) ranges.word(s.addr, addrSize).word(s.end, addrSize);
    ranges.word(0, addrSize).word(0, addrSize);

    const cu = info.length;
    info.u32(0).u16(4).u32(0).u8(addrSize); // unit_length (patched), version, debug_abbrev_offset, address_size
    info.uleb(ABBREV_CU);
    info.str(img.producer);
    info.u16(u.language === 'go' ? DW.LANG_Go : DW.LANG_Mips_Assembler);
    info.str(u.file);
    info.str(u.compDir);
    info.u32(stmt);
    info.word(0, addrSize); // low_pc: the base for the ranges list
    info.u32(rangesAt);
    for (const f of u.functions) {
      info.uleb(ABBREV_FUNC).str(f.name).word(f.low, addrSize).u32(f.high - f.low).u8(1).uleb(f.line);
    }
    info.u8(0); // end of the unit's children
    info.patch32(cu, info.length - cu - 4);

    // .debug_aranges: one set per unit; the tuples start at a multiple of twice the address size
    const ar = aranges.length;
    aranges.u32(0).u16(2).u32(cu).u8(addrSize).u8(0);
    while ((aranges.length - ar) % (2 * addrSize)) aranges.u8(0);
    for (const s of u.sequences) aranges.word(s.addr, addrSize).word(s.end - s.addr, addrSize);
    aranges.word(0, addrSize).word(0, addrSize);
    aranges.patch32(ar, aranges.length - ar - 4);
  }
  return { info: info.bytes(), abbrev: abbrevs(), line: line.bytes(), ranges: ranges.bytes(), aranges: aranges.bytes() };
}

// ---- ELF ----------------------------------------------------------------------------------

const PAGE = 0x1000;
const SHT = { PROGBITS: 1, SYMTAB: 2, STRTAB: 3, NOBITS: 8 } as const;
const SHF = { WRITE: 1, ALLOC: 2, EXECINSTR: 4 } as const;
const PF = { X: 1, W: 2, R: 4 } as const;
const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2 } as const;
const STB = { LOCAL: 0, GLOBAL: 1 } as const;

interface OutSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  bytes: Uint8Array;
  size: number;
  align: number;
  link?: number;
  info?: number;
  entsize?: number;
  offset?: number;
}

/** Write the image as an ELF executable (ELF64 little-endian for x86-64, ELF32 EABI5 for arm). */
export function writeElf(img: ElfImage): Uint8Array {
  const is64 = img.machine === 'x86-64';
  const addrSize: 4 | 8 = is64 ? 8 : 4;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const symsize = is64 ? 24 : 16;

  const out: OutSection[] = [{ name: '', type: 0, flags: 0, addr: 0, bytes: new Uint8Array(0), size: 0, align: 0 }];
  const loadable: OutSection[] = [];
  for (const s of [...img.sections].sort((a, b) => a.addr - b.addr)) {
    const flags = SHF.ALLOC | (s.flags === 'rw' ? SHF.WRITE : 0) | (s.flags === 'rx' ? SHF.EXECINSTR : 0);
    const o: OutSection = { name: s.name, type: s.nobits ? SHT.NOBITS : SHT.PROGBITS, flags, addr: s.addr, bytes: s.nobits ? new Uint8Array(0) : s.bytes, size: s.bytes.length, align: 16 };
    out.push(o);
    loadable.push(o);
  }
  const secIndex = new Map(out.map((s, i) => [s.name, i]));

  // symbols: the null symbol, locals, then globals (sh_info = first global)
  const strtab = new StrTab();
  const syms = new Bytes();
  const sorted = [...img.symbols].sort((a, b) => Number(!!b.local) - Number(!!a.local) || a.addr - b.addr);
  const writeSym = (name: number, value: number, size: number, info: number, shndx: number) => {
    if (is64) syms.u32(name).u8(info).u8(0).u16(shndx).u64(value).u64(size);
    else syms.u32(name).u32(value).u32(size).u8(info).u8(0).u16(shndx);
  };
  writeSym(0, 0, 0, 0, 0);
  let firstGlobal = 1;
  sorted.forEach((s, i) => {
    const shndx = secIndex.get(s.section);
    if (shndx === undefined) throw new Error(`symbol ${s.name}: no section ${s.section}`);
    const type = s.kind === 'func' ? STT.FUNC : s.kind === 'object' ? STT.OBJECT : STT.NOTYPE;
    const bind = s.local ? STB.LOCAL : STB.GLOBAL;
    writeSym(strtab.add(s.name), s.addr, s.size, (bind << 4) | type, shndx);
    if (s.local) firstGlobal = i + 2;
  });

  const d = dwarf(img, addrSize);
  const debug: [string, Uint8Array][] = [
    ['.debug_abbrev', d.abbrev],
    ['.debug_info', d.info],
    ['.debug_line', d.line],
    ['.debug_ranges', d.ranges],
    ['.debug_aranges', d.aranges],
  ];
  for (const [name, bytes] of debug) out.push({ name, type: SHT.PROGBITS, flags: 0, addr: 0, bytes, size: bytes.length, align: 1 });
  const symtabIdx = out.length;
  out.push({ name: '.symtab', type: SHT.SYMTAB, flags: 0, addr: 0, bytes: syms.bytes(), size: syms.length, align: addrSize, entsize: symsize, info: firstGlobal });
  const strtabBytes = strtab.bytes();
  out.push({ name: '.strtab', type: SHT.STRTAB, flags: 0, addr: 0, bytes: strtabBytes, size: strtabBytes.length, align: 1 });
  out[symtabIdx]!.link = symtabIdx + 1;
  const shstr = new StrTab();
  const shNames = out.map((s) => shstr.add(s.name));
  shNames.push(shstr.add('.shstrtab'));
  const shstrBytes = shstr.bytes();
  out.push({ name: '.shstrtab', type: SHT.STRTAB, flags: 0, addr: 0, bytes: shstrBytes, size: shstrBytes.length, align: 1 });

  // file layout: headers, loadable sections at offsets congruent to their addresses (mod page), the rest, section headers
  const phnum = loadable.length;
  let off = ehsize + phnum * phentsize;
  for (const s of out.slice(1)) {
    if (s.flags & SHF.ALLOC) {
      off += (((s.addr - off) % PAGE) + PAGE) % PAGE;
    } else if (s.align > 1) {
      off = Math.ceil(off / s.align) * s.align;
    }
    s.offset = off;
    off += s.bytes.length;
  }
  const shoff = Math.ceil(off / 8) * 8;
  const file = new Bytes();

  // ELF header
  file.raw(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  file.u16(2); // ET_EXEC
  file.u16(is64 ? 62 : 40); // EM_X86_64 / EM_ARM
  file.u32(1); // EV_CURRENT
  file.word(img.entry, addrSize);
  file.word(ehsize, addrSize); // e_phoff
  file.word(shoff, addrSize); // e_shoff
  file.u32(is64 ? 0 : 0x05000400); // arm: EABI version 5, hard-float (VFP registers)
  file.u16(ehsize).u16(phentsize).u16(phnum).u16(shentsize).u16(out.length).u16(out.length - 1);

  // program headers: one PT_LOAD per loadable section
  for (const s of loadable) {
    const flags = PF.R | (s.flags & SHF.WRITE ? PF.W : 0) | (s.flags & SHF.EXECINSTR ? PF.X : 0);
    const filesz = s.type === SHT.NOBITS ? 0 : s.size;
    if (is64) file.u32(1).u32(flags).u64(s.offset!).u64(s.addr).u64(s.addr).u64(filesz).u64(s.size).u64(PAGE);
    else file.u32(1).u32(s.offset!).u32(s.addr).u32(s.addr).u32(filesz).u32(s.size).u32(flags).u32(PAGE);
  }
  for (const s of out.slice(1)) {
    while (file.length < s.offset!) file.u8(0);
    file.raw(s.bytes);
  }
  while (file.length < shoff) file.u8(0);
  out.forEach((s, i) => {
    const size = s.size;
    if (is64) {
      file.u32(shNames[i]!).u32(s.type).u64(s.flags).u64(s.addr).u64(s.offset ?? 0).u64(size);
      file.u32(s.link ?? 0).u32(s.info ?? 0).u64(s.align).u64(s.entsize ?? 0);
    } else {
      file.u32(shNames[i]!).u32(s.type).u32(s.flags).u32(s.addr).u32(s.offset ?? 0).u32(size);
      file.u32(s.link ?? 0).u32(s.info ?? 0).u32(s.align).u32(s.entsize ?? 0);
    }
  });
  return file.bytes();
}
