// Readable views of switch records: the tables `gogo-emu switches` prints,
// and the normalized text of golden traces (fixtures/golden/<name>.<arch>.txt),
// in which addresses are symbolic so that the trace does not change when
// unrelated code moves: text and host slots as symbol+offset, g structs as
// &gN, their gobufs as &gN.sched, stack addresses as gN.hi-0x28 (relative to
// the top of the stack of the goroutine it belongs to, at the time of the
// record), Ms as &mN; heap addresses (funcvals, closures) as `heap`.
import type { Arch } from '../arch/index.ts';
import { REGIONS } from '../os/memmap.ts';
import { layoutFor } from '../go119/index.ts';
import { gStatusNames } from '../runtime/status.ts';
import { GOBUF_FIELDS, subjectGoid, type CpuState, type GobufValues, type GState, type Step, type SwitchRecord, type SymbolTable } from './record.ts';

const hex = (v: bigint) => `0x${v.toString(16)}`;

const inRegion = (v: bigint, r: { start: number; size: number }) => v >= BigInt(r.start) && v < BigInt(r.start + r.size);

/** An address in text or a host slot, as symbol+offset; else undefined. */
function codeSym(symbols: SymbolTable, v: bigint): string | undefined {
  if (!inRegion(v, REGIONS.text) && !inRegion(v, REGIONS.host)) return undefined;
  const d = symbols.describe(v);
  return d.startsWith('0x') ? undefined : d;
}

/** symbol+offset, and file:line for the program's own code: `main.main+36 at prog.go:12`. */
function codeWhere(symbols: SymbolTable, v: bigint): string | undefined {
  const s = codeSym(symbols, v);
  const src = s && symbols.source?.(v);
  return src ? `${s} at ${src}` : s;
}

/** Value display for the tables: hex, plus <symbol+offset> for code addresses (and file:line in the program's code). */
export function showValue(symbols: SymbolTable, v: bigint): string {
  const s = codeWhere(symbols, v);
  return s ? `${hex(v)} <${s}>` : hex(v);
}

const gName = (g: { goid: number } | undefined) => (g ? `g${g.goid}` : '?');

// ---- tables (gogo-emu switches) --------------------------------------------------

export interface TableOptions {
  /** ANSI highlighting of changed registers (only when stdout is a terminal) */
  color: boolean;
  /** list the instructions (default true) */
  steps?: boolean;
}

const BOLD_YELLOW = (s: string) => `\x1b[1;33m${s}\x1b[0m`;
const DIM = (s: string) => `\x1b[2m${s}\x1b[0m`;

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** A virtual time (ns) as the timeline shows it: microseconds, to the ns. */
export function formatVirtualTime(ns: number): string {
  return `${(ns / 1000).toFixed(3)}us`;
}

/** The one-line summary of a record (with symbols: file:line of entry and exit in the program's own code). */
export function recordHeadline(r: SwitchRecord, symbols?: SymbolTable): string {
  const from = gName(r.entry.g);
  const to = r.kind === 'gogo' ? gName(r.targetG) : gName(r.exit.g);
  const at = (c: CpuState) => {
    const src = symbols?.source?.(c.pc);
    return src ? `${c.sym} (${src})` : c.sym;
  };
  const parts = [`#${r.seq}`, r.kind + (r.path ? ` ${r.path}` : ''), `thread ${r.thread}`, `M${r.mId}`, r.pId >= 0 ? `P${r.pId}` : 'no P', `${from} -> ${to}${r.fresh ? ' (fresh)' : ''}`, `${at(r.entry)} -> ${at(r.exit)}`, `${r.insns} insns`];
  if (r.cycles !== undefined) parts.push(`${r.cycles} cycles`);
  if (r.time !== undefined) parts.push(`at ${formatVirtualTime(r.time)}`);
  return parts.join('  ');
}

/** The width of a table's first value column: 40, or wider so that every value keeps two spaces after it. */
function columnWidth(values: readonly string[]): number {
  return Math.max(40, ...values.map((v) => v.length + 2));
}

function gobufRows(symbols: SymbolTable, label: string, before: GobufValues | undefined, after: GobufValues | undefined, color: boolean): string[] {
  if (!before && !after) return [];
  const rows = [`  ${label}`];
  const w = columnWidth(GOBUF_FIELDS.map((f) => (before?.[f] === undefined ? '-' : showValue(symbols, before[f]))));
  for (const f of GOBUF_FIELDS) {
    const b = before?.[f];
    const a = after?.[f];
    const changed = b !== undefined && a !== undefined && a !== b;
    let line = `    ${pad(f, 6)}${pad(b === undefined ? '-' : showValue(symbols, b), w)}${a === undefined ? '' : `-> ${showValue(symbols, a)}`}`;
    if (changed) line = color ? BOLD_YELLOW(line) : `${line}  *`;
    rows.push(line);
  }
  return rows;
}

function cpuRows(symbols: SymbolTable, e: CpuState, x: CpuState, color: boolean): string[] {
  const names = Object.keys(e.regs);
  const extra: [string, bigint | undefined, bigint | undefined][] = [];
  if (e.tlsG !== undefined || x.tlsG !== undefined) extra.push(['tls_g', e.tlsG, x.tlsG]);
  extra.push(['[sp]', e.atSp, x.atSp], ['[sp+w]', e.atSp1, x.atSp1]);
  const all: [string, bigint | undefined, bigint | undefined][] = [...names.map((n): [string, bigint | undefined, bigint | undefined] => [n, e.regs[n], x.regs[n]]), ...extra];
  const w = columnWidth(all.map(([, a]) => (a === undefined ? '-' : showValue(symbols, a))));
  const rows = [`  ${pad('register', 10)}${pad('entry', w)}exit`];
  for (const [n, a, b] of all) {
    const changed = a !== b;
    let line = `  ${pad(n, 10)}${pad(a === undefined ? '-' : showValue(symbols, a), w)}${b === undefined ? '-' : showValue(symbols, b)}`;
    if (changed) line = color ? BOLD_YELLOW(line) : `${line}  *`;
    rows.push(line);
  }
  return rows;
}

/** Disassembly with code addresses annotated: `jmp 0x400460 <runtime.gogo<>+0>`. */
function annotateInsn(symbols: SymbolTable, text: string): string {
  return text.replace(/0x[0-9a-f]+/g, (h) => {
    const s = codeSym(symbols, BigInt(h));
    return s ? `${h} <${s}>` : h;
  });
}

function stepRow(symbols: SymbolTable, s: Step, color: boolean): string {
  const ch = Object.entries(s.changed)
    .map(([k, v]) => `${k}=${showValue(symbols, v)}`)
    .join(' ');
  const src = s.file ? `${s.file}:${s.line}` : '';
  const cyc = s.cycles !== undefined ? `${s.cycles}c` : '';
  const cols = [pad(hex(s.pc), 10), pad(s.sym, 32), pad(annotateInsn(symbols, s.insn ?? ''), 44), pad(src, 26), cyc.padStart(3)];
  return `    ${cols.join('  ')}  ${color && ch ? BOLD_YELLOW(ch) : ch}`.trimEnd();
}

/** A record as the readable block `gogo-emu switches` prints. */
export function formatRecordTable(r: SwitchRecord, symbols: SymbolTable, o: TableOptions): string {
  const head = recordHeadline(r, symbols);
  const lines = [o.color ? `\x1b[1m${head}\x1b[0m` : head];
  const g = (st: GState | undefined, what: string) => (st ? `  ${what}: g${st.goid} @${hex(st.addr)} status ${gStatusNames[st.status] ?? st.status} stack [${hex(st.stackLo)}, ${hex(st.stackHi)})` : undefined);
  const gl = [g(r.entry.g, 'g at entry'), r.kind === 'gogo' ? g(r.targetG, 'target g') : g(r.exit.g, 'g at exit')].filter((x): x is string => !!x);
  lines.push(...gl);
  if (r.fn !== undefined) lines.push(`  fn ${showValue(symbols, r.fn)} -> fn.fn ${r.fnFn === undefined ? '?' : showValue(symbols, r.fnFn)}`);
  if (r.kind === 'gogo') lines.push(...gobufRows(symbols, `gobuf @${r.buf === undefined ? '?' : hex(r.buf)} (read -> after gogo)`, r.gobuf, r.gobufAfter, o.color));
  if (r.oldgAfter) {
    const before = r.entry.g?.addr === r.oldgAfter.addr ? r.entry.g.sched : undefined;
    lines.push(...gobufRows(symbols, `g${r.oldgAfter.goid}.sched (before -> written)`, before, r.oldgAfter.sched, o.color));
  }
  if (r.morebuf) lines.push(...gobufRows(symbols, 'm.morebuf (before -> written)', r.morebufBefore, r.morebuf, o.color));
  lines.push(...cpuRows(symbols, r.entry, r.exit, o.color));
  if (o.steps !== false && r.steps.length) {
    lines.push(o.color ? DIM('  instructions (registers each one changed)') : '  instructions (registers each one changed)');
    for (const s of r.steps) lines.push(stepRow(symbols, s, o.color));
  }
  return lines.join('\n');
}

// ---- golden traces ----------------------------------------------------------------

/** Symbolic names for the values of one trace (see the file comment). */
export class Normalizer {
  private readonly gNames = new Map<bigint, string>();
  private readonly schedOff: bigint;

  constructor(
    private readonly symbols: SymbolTable,
    arch: Arch,
    records: readonly SwitchRecord[],
  ) {
    this.schedOff = BigInt(layoutFor(arch).off.g.sched);
    const note = (g: GState | undefined) => {
      if (!g) return;
      this.gNames.set(g.addr, g.goid === 0 && g.mInfo && g.mInfo.g0 === g.addr ? `g0.m${g.mInfo.id}` : `g${g.goid}`);
    };
    for (const r of records) for (const g of [r.entry.g, r.exit.g, r.targetG, r.oldgAfter]) note(g);
  }

  private gsOf(r: SwitchRecord): GState[] {
    return [r.entry.g, r.exit.g, r.targetG, r.oldgAfter].filter((g): g is GState => !!g);
  }

  /** A value seen in record r. */
  value(r: SwitchRecord, v: bigint): string {
    if (v === 0n) return '0';
    const code = codeSym(this.symbols, v);
    if (code) return code;
    const g = this.gNames.get(v);
    if (g) return `&${g}`;
    const s = this.gNames.get(v - this.schedOff);
    if (s) return `&${s}.sched`;
    for (const st of this.gsOf(r)) {
      if (v >= st.stackLo && v <= st.stackHi) return `${this.gNames.get(st.addr) ?? `g${st.goid}`}.hi${v === st.stackHi ? '' : `-0x${(st.stackHi - v).toString(16)}`}`;
      if (st.mInfo && v === st.m) return `&m${st.mInfo.id}`;
    }
    if (inRegion(v, REGIONS.heap)) return 'heap';
    if (inRegion(v, REGIONS.stacks)) return 'stack';
    if (inRegion(v, REGIONS.data)) return 'data';
    return hex(v);
  }

  /** Disassembly with absolute addresses replaced by symbols. */
  insn(r: SwitchRecord, text: string): string {
    return text.replace(/0x[0-9a-f]{5,}/g, (h) => this.value(r, BigInt(h)));
  }
}

/** The registers a golden trace shows at exit: SP, PC, the g register, BP or LR, ctxt, ret. */
function keyRegs(a: Arch): string[] {
  return [a.spReg, a.gReg, a.bpReg ?? a.lrReg!, a.ctxtReg, a.switchFacts.retReg];
}

/** A normalized, deterministic text of a whole trace (golden files). */
export function goldenTrace(arch: Arch, records: readonly SwitchRecord[], symbols: SymbolTable): string {
  const n = new Normalizer(symbols, arch, records);
  const out: string[] = [];
  for (const r of records) {
    const v = (x: bigint) => n.value(r, x);
    const goid = subjectGoid(r);
    out.push(`#${r.seq} ${r.kind}${r.path ? ` ${r.path}` : ''} t${r.thread} M${r.mId} P${r.pId} goid=${goid ?? '-'}${r.fresh ? ' fresh' : ''}  ${r.entry.sym} -> ${r.exit.sym}  insns=${r.insns} cycles=${r.cycles ?? '-'}`);
    const regs = keyRegs(arch)
      .map((k) => `${k}=${r.exit.regs[k] === undefined ? '?' : v(r.exit.regs[k]!)}`)
      .concat(r.exit.tlsG !== undefined ? [`tls_g=${v(r.exit.tlsG)}`] : []);
    out.push(`  exit: ${regs.join(' ')}`);
    const gb = (label: string, b: GobufValues | undefined) => b && out.push(`  ${label}: ${GOBUF_FIELDS.map((f) => `${f}=${v(b[f])}`).join(' ')}`);
    gb('gobuf', r.gobuf);
    gb('gobuf after', r.gobufAfter);
    if (r.oldgAfter) gb(`${n.value(r, r.oldgAfter.addr).slice(1)}.sched after`, r.oldgAfter.sched);
    gb('m.morebuf after', r.morebuf);
    for (const s of r.steps) {
      const ch = Object.entries(s.changed)
        .filter(([k]) => k !== arch.switchFacts.flagsReg)
        .map(([k, x]) => `${k}=${v(x)}`)
        .join(' ');
      out.push(`    ${pad(s.sym, 36)} ${pad(n.insn(r, s.insn ?? ""), 44)} ${ch}`.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}
