// Switch records from a running Process: one typed record per hit of a
// switching stub (gogo, mcall, systemstack and its return path, morestack /
// morestack_noctxt through to newstack, goexit+PCQuantum, mstart), with
// both gs, the registers at entry and exit, the gobuf fields read and
// written, every instruction with its .s file:line and the registers it
// changed, and the instruction count and modeled cycles (DESIGN.md,
// "Observation").
//
// How: one UC_HOOK_CODE per stub block (the stubs and their helpers are a few
// dozen instructions, so per-instruction hooking costs nothing elsewhere), and
// an observer of block starts that is on only while a switch is open
// (Threads.watchBlocks: the block counter's slow path; no JavaScript call per
// block the rest of the run) plus a UC_HOOK_BLOCK over the host slots; it
// looks at the block on the current thread: a stub always leaves with a branch,
// so its exit -- the first instruction outside the stub and its helpers, as
// the oracle defines it -- starts a new translation block. A host function
// reached from a stub (mcall -> park_m, morestack -> newstack) is an exit too:
// the block hook sees its slot before the host dispatch runs.
//
// systemstack's return switch (systemstack_ret) is recognised by address:
// when a `switch` path leaves for fn, the return address fn was given is
// remembered per thread; the next time that thread executes it, the return
// path starts.
//
// Arch-neutral: register names and stub facts come from the Arch
// (gReg, spReg, pcReg, dumpRegs, switchFacts).
import type { Arch } from '../arch/index.ts';
import { costOf } from '../arch/costs.ts';
import { disassemble } from '../engine/asm.ts';
import type { Disposable, RegisterBatch } from '../engine/engine.ts';
import { GogoError } from '../engine/errors.ts';
import type { Machine } from '../os/machine.ts';
import { REGIONS } from '../os/memmap.ts';
import type { BlockWatch, Thread } from '../os/threads.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Process } from '../session/process.ts';
import type { CpuState, GobufValues, GState, MState, Step, SwitchKind, SwitchRecord, SymbolTable, SystemstackPath } from './record.ts';

/** Stubs whose entry starts a switch record. */
const ENTRY_STUBS: readonly (readonly [string, SwitchKind])[] = [
  ['runtime.gogo', 'gogo'],
  ['runtime.mcall', 'mcall'],
  ['runtime.systemstack', 'systemstack'],
  ['runtime.morestack', 'morestack'],
  ['runtime.morestack_noctxt', 'morestack_noctxt'],
  ['runtime.mstart', 'mstart'],
];

/** Stubs a switch of a kind runs on into (besides the arch's helpers) before it leaves. */
const CONTINUES_INTO: Partial<Record<SwitchKind, readonly string[]>> = {
  morestack_noctxt: ['runtime.morestack'],
};

const GOEXIT = 'runtime.goexit';

/** The symbol table of a machine: linked text, host slots, data symbols. */
export function machineSymbols(m: Machine): SymbolTable {
  return {
    addr(name) {
      const a = m.image.symbols.get(name) ?? m.data.get(name) ?? (m.host.has(name) ? m.host.addr(name) : undefined);
      return a === undefined ? undefined : BigInt(a);
    },
    describe(addr) {
      return symOf(m, Number(addr));
    },
    source(addr) {
      const pos = m.image.lookup(Number(addr));
      // the built-in stubs come from asm/<arch>/; everything else is the user's (a .go or .s program, a --stub file)
      return pos && !pos.file.startsWith('asm/') ? `${pos.file}:${pos.line}` : undefined;
    },
  };
}

/** "symbol+offset" of an address in text or the host region, else hex. */
function symOf(m: Machine, addr: number): string {
  const host = m.host.nameAt(addr);
  if (host !== undefined) return `${host}+${addr - m.host.addr(host)}`;
  return m.image.describe(addr);
}

interface InsnInfo {
  /** the instruction's address */
  pc: bigint;
  size: number;
  insn: string;
  /** a system call instruction (may move the TLS base: arch_prctl) */
  syscall: boolean;
  sym: string;
  file?: string;
  line?: number;
  cycles: number;
}

/** A switch being recorded on one thread. */
interface OpenSwitch {
  rec: SwitchRecord;
  /** the stub and its helpers as [start, end) address pairs */
  members: readonly number[];
  /** the registers before `last` ran, as RegisterBatch.halves (two u32 per register) */
  before: Uint32Array;
  /** the TLS g slot's word before `last` ran, as two u32 halves (undefined: not readable) */
  beforeTls: TlsWord;
  /**
   * address of the TLS g slot (FS_BASE - 8 on amd64), read once per switch:
   * only a system call (arch_prctl) moves it, and then it is read again
   */
  tlsSlot: number | undefined;
  last: Step | undefined;
  /** the instruction of the latest step */
  lastInfo: InsnInfo | undefined;
  /**
   * with steps off: the latest step, not made into a Step yet (only the last
   * one of a switch is kept, so only that one is made: materialize())
   */
  lazyPc: number | undefined;
  /** the g a stub switches away from (getg at entry) */
  fromG: number;
  /** RecorderOptions.boundaries applies to this switch: read nothing */
  light: boolean;
}

/** The TLS g slot's word as u32 halves (known: false where this.word() gives undefined). */
interface TlsWord {
  known: boolean;
  lo: number;
  hi: number;
}

/** A systemstack switch whose fn has not returned yet. */
interface PendingReturn {
  /** the return address fn was given (inside systemstack) */
  addr: number;
  /** the switch record's seq */
  seq: number;
}

/** A switch ran this many instructions without leaving its stub: a runaway stub. */
export const MAX_SWITCH_INSNS = 100_000;

/** A stub that never leaves (a broken branch looping inside it): ends the run. */
export class RunawaySwitch extends GogoError {
  constructor(readonly record: SwitchRecord) {
    const last = record.steps[record.steps.length - 1];
    super('runaway', `switch #${record.seq} ${record.kind} ran ${record.insns} instructions without leaving ${record.stub} and its helpers (last at ${last?.sym ?? '?'})`);
    this.name = 'RunawaySwitch';
  }
}

export interface RecorderOptions {
  /**
   * keep each record's steps (default true); false keeps only the last one
   * (the instruction that left the stub, which the validator needs)
   */
  steps?: boolean;
  /** keep the records in `records` (default true); false: listeners only */
  retain?: boolean;
  /**
   * only where switches begin and end (default false): records carry seq,
   * kind, stub, thread, the entry and exit PC, the last step, insns and
   * cycles, but no registers, gs, gobufs or M/P (mId, pId -1) -- nothing is
   * read from the CPU or memory at each instruction, entry or exit. For a
   * view that only needs to know which switch just happened (the timeline's
   * links). systemstack switches are still recorded in full (their return
   * is found from the registers at exit); they are rare.
   */
  boundaries?: boolean;
}

/**
 * Records every switch of a Process. Attach before the first instruction
 * runs (Process.create's `observe`, or `observeSwitches`), read `records`
 * after the run, or subscribe with onRecord.
 */
export class SwitchRecorder {
  readonly records: SwitchRecord[] = [];
  readonly symbols: SymbolTable;
  private readonly arch: Arch;
  private readonly machine: Machine;
  private readonly hooks: Disposable[] = [];
  private readonly open = new Map<Thread, OpenSwitch>();
  private readonly pendingRet = new Map<Thread, PendingReturn[]>();
  private readonly entries = new Map<number, { kind: SwitchKind; stub: string }>();
  private readonly insnCache = new Map<number, InsnInfo>();
  private readonly fresh = new Set<number>();
  private readonly listeners: ((r: SwitchRecord) => void)[] = [];
  private readonly unsubscribe: () => void;
  private seq = 0;
  /** the last instruction the code hook saw: (thread, pc, global count) */
  private lastT: Thread | undefined;
  private lastPc = -1;
  private lastInsns = -1;
  /** per kind: the address ranges of its stub and helpers ([start, end) pairs) */
  private readonly memberRanges = new Map<SwitchKind, number[]>();
  /** symOf by address (entry and exit PCs repeat) */
  private readonly symCache = new Map<number, string>();
  /** scratch: the TLS word read at the current step */
  private readonly tlsNow: TlsWord = { known: false, lo: 0, hi: 0 };
  /** the arch's dump registers, read at every instruction of a switch without allocating */
  private readonly batch: RegisterBatch;
  private readonly pcIndex: number;
  /** the text blocks' observer, on while a switch is open */
  private readonly textBlocks: BlockWatch;

  readonly rt: Runtime;

  constructor(
    p: Process,
    private readonly opts: RecorderOptions = {},
  ) {
    const rt = p.rt;
    this.rt = rt;
    this.machine = rt.machine;
    this.arch = rt.arch;
    this.symbols = machineSymbols(this.machine);
    const { image, engine } = this.machine;
    this.batch = engine.registerBatch(this.arch.dumpRegs);
    this.pcIndex = this.arch.dumpRegs.indexOf(this.arch.pcReg);

    const hooked = new Set<string>([...ENTRY_STUBS.map(([s]) => s), ...this.arch.switchFacts.helpers, GOEXIT, ...Object.values(CONTINUES_INTO).flat()]);
    for (const name of hooked) {
      const b = image.block(name);
      if (!b) continue; // e.g. load_g: not every helper exists in our asm/
      this.hooks.push(engine.hookCode(b.addr, b.addr + b.bytes.length - 1, (pc, size) => this.onCode(pc, size)));
    }
    for (const [name, kind] of ENTRY_STUBS) {
      const a = image.symbols.get(name);
      if (a !== undefined) this.entries.set(a, { kind, stub: name });
    }
    const goexit = image.symbols.get(GOEXIT);
    if (goexit !== undefined) this.entries.set(goexit + this.arch.pcQuantum, { kind: 'goexit_ret', stub: GOEXIT });

    // where a switch leaves its stub: text blocks only while a switch is open
    // (the block counter's slow path), host slots always (a host call is rare
    // beside the blocks of text)
    this.textBlocks = rt.threads.watchBlocks((pc) => this.onBlock(pc));
    this.hooks.push(this.textBlocks);
    this.hooks.push(engine.hookBlock(REGIONS.host.start, REGIONS.host.start + REGIONS.host.size - 1, (pc) => this.onBlock(pc)));
    // gogo into a g for the first time: newproc1 announced it
    this.unsubscribe = p.bus.on((e) => {
      if (e.kind === 'gocreate') this.fresh.add(e.g);
    });
  }

  /** Call fn with each record as it completes. */
  onRecord(fn: (r: SwitchRecord) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Switches entered but not left (the run stopped inside a stub: a fault,
   * the instruction budget). Their exit is the state at their last step.
   */
  unfinished(): SwitchRecord[] {
    return [...this.open.values()].map((o) => {
      this.materialize(o);
      return o.rec;
    });
  }

  dispose(): void {
    for (const h of this.hooks) h.dispose();
    this.hooks.length = 0;
    this.unsubscribe();
  }

  // ---- hooks ----------------------------------------------------------------

  private onCode(pc: number, size: number): void {
    const t = this.rt.threads.current;
    if (!t) return;
    // The same instruction again with no block run in between: a session
    // stopped the run before it (a breakpoint after this hook) and resumed.
    // It runs once; record it once. (A loop back to it is a new block, which
    // the count includes.)
    const insns = this.rt.threads.totalInsns;
    if (this.lastT === t && this.lastPc === pc && this.lastInsns === insns) return;
    this.lastT = t;
    this.lastPc = pc;
    this.lastInsns = insns;
    const o = this.open.get(t);
    if (o) {
      if (this.isMember(o, pc)) {
        this.step(o, pc, size);
        return;
      }
      // left the stub without a branch into a new block (falls into another stub)
      this.close(t, o, pc);
    }
    const pend = this.pendingRet.get(t);
    let retIdx = -1;
    if (pend) for (let i = pend.length - 1; i >= 0 && retIdx < 0; i--) if (pend[i]!.addr === pc) retIdx = i;
    if (pend && retIdx >= 0) {
      pend.length = retIdx;
      this.begin(t, pc, size, 'systemstack_ret', 'runtime.systemstack');
      return;
    }
    const e = this.entries.get(pc);
    if (e) this.begin(t, pc, size, e.kind, e.stub);
  }

  private onBlock(pc: number): void {
    if (this.open.size === 0) return;
    const t = this.rt.threads.current;
    if (!t) return;
    const o = this.open.get(t);
    if (o && !this.isMember(o, pc)) this.close(t, o, pc);
  }

  private isMember(o: OpenSwitch, pc: number): boolean {
    const r = o.members;
    for (let i = 0; i < r.length; i += 2) if (pc >= r[i]! && pc < r[i + 1]!) return true;
    return false;
  }

  /** The blocks a switch of `kind` entered at `stub` runs in before it leaves, as address ranges. */
  private membersOf(kind: SwitchKind, stub: string): number[] {
    let r = this.memberRanges.get(kind);
    if (!r) {
      const names = new Set<string>([stub, ...this.arch.switchFacts.helpers, ...(CONTINUES_INTO[kind] ?? [])]);
      r = this.machine.image.blocks.filter((b) => names.has(b.name)).flatMap((b) => [b.addr, b.addr + b.bytes.length]);
      this.memberRanges.set(kind, r);
    }
    return r;
  }

  // ---- recording ------------------------------------------------------------

  private begin(t: Thread, pc: number, size: number, kind: SwitchKind, stub: string): void {
    if (this.opts.boundaries && kind !== 'systemstack') {
      this.beginLight(t, pc, size, kind, stub);
      return;
    }
    const { arch, rt } = this;
    const regs = this.readRegs();
    const entry = this.cpu(pc, regs);
    const fromG = this.getg(regs);
    // the thread's M: known once it entered the runtime (mstart0), else its g's M (a new M's g0 before mstart0)
    const gm = fromG !== 0 && rt.mem.contains(fromG, rt.L.sizes.g) ? rt.g(fromG).m : 0;
    const mAddr = rt.mOfThread.get(t.id) ?? (gm !== 0 ? gm : undefined);
    const mv = mAddr !== undefined ? rt.m(mAddr) : undefined;
    const members = this.membersOf(kind, stub);
    const rec: SwitchRecord = {
      source: 'emulator',
      arch: arch.name,
      seq: this.seq++,
      kind,
      stub,
      thread: t.id + 1,
      mId: mv ? mv.id : -1,
      pId: mv && mv.p !== 0 ? rt.p(mv.p).id : -1,
      entry,
      exit: entry,
      steps: [],
      insns: 0,
      cycles: 0,
      time: rt.nanotime(),
    };
    switch (kind) {
      case 'gogo': {
        const buf = Number(arch.arg(rt.machine.engine, rt.mem, 'abi0', 0));
        rec.buf = BigInt(buf);
        rec.gobuf = this.gobuf(buf);
        if (rec.gobuf) {
          const target = Number(rec.gobuf.g);
          rec.targetG = this.gState(target);
          rec.fresh = this.fresh.delete(target);
        }
        break;
      }
      case 'mcall':
      case 'systemstack': {
        // mcall is ABIInternal (fn in AX on amd64); systemstack is ABI0 (on the stack)
        const fn = Number(arch.arg(rt.machine.engine, rt.mem, kind === 'mcall' ? 'internal' : 'abi0', 0));
        rec.fn = BigInt(fn);
        const w = this.word(fn);
        if (w !== undefined) rec.fnFn = w;
        if (kind === 'systemstack') rec.path = this.systemstackPath(fromG, mv && { g0: mv.g0, gsignal: mv.gsignal, curg: mv.curg });
        break;
      }
      case 'morestack':
      case 'morestack_noctxt': {
        const m = entry.g?.m;
        if (m) rec.morebufBefore = this.gobuf(Number(m) + rt.L.off.m.morebuf);
        break;
      }
    }
    const tlsSlot = arch.switchFacts.gInTLS ? arch.tlsSlot(rt.machine.engine) : undefined;
    const o: OpenSwitch = { rec, members, before: this.batch.halves.slice(), beforeTls: this.tlsWord(tlsSlot, { known: false, lo: 0, hi: 0 }), tlsSlot, last: undefined, lastInfo: undefined, lazyPc: undefined, fromG, light: false };
    this.open.set(t, o);
    this.textBlocks.on();
    this.pushStep(o, pc, size);
  }

  /** begin() with RecorderOptions.boundaries: the record without reading the CPU or memory. */
  private beginLight(t: Thread, pc: number, size: number, kind: SwitchKind, stub: string): void {
    const entry = this.pcOnly(pc);
    const rec: SwitchRecord = { source: 'emulator', arch: this.arch.name, seq: this.seq++, kind, stub, thread: t.id + 1, mId: -1, pId: -1, entry, exit: entry, steps: [], insns: 0, cycles: 0 };
    const o: OpenSwitch = { rec, members: this.membersOf(kind, stub), before: this.batch.halves, beforeTls: { known: false, lo: 0, hi: 0 }, tlsSlot: undefined, last: undefined, lastInfo: undefined, lazyPc: undefined, fromG: 0, light: true };
    this.open.set(t, o);
    this.textBlocks.on();
    this.pushStep(o, pc, size);
  }

  private pcOnly(pc: number): CpuState {
    return { pc: BigInt(pc), sym: this.symAt(pc), regs: {} };
  }

  private systemstackPath(g: number, m: { g0: number; gsignal: number; curg: number } | undefined): SystemstackPath {
    if (!m) return 'bad';
    if (g === m.gsignal) return 'noswitch(gsignal)';
    if (g === m.g0) return 'noswitch(g0)';
    if (g === m.curg) return 'switch';
    return 'bad';
  }

  private step(o: OpenSwitch, pc: number, size: number): void {
    if (o.light) {
      this.pushStep(o, pc, size);
      return;
    }
    this.batch.read();
    // what the previous instruction changed: needed for every kept step; with
    // steps off only the last one is kept, and close() works it out
    if (this.opts.steps !== false) this.finishStep(o);
    else this.rememberBefore(o);
    this.pushStep(o, pc, size);
  }

  /** Set o.last.changed from o.before and the registers just read (this.batch); they become o.before. */
  private finishStep(o: OpenSwitch): void {
    if (o.last) {
      const { dumpRegs } = this.arch;
      const now = this.batch.halves;
      const before = o.before;
      const mask = this.arch.regBytes === 4 ? 0xffffffffn : 0xffffffffffffffffn;
      const ch: Record<string, bigint> = {};
      for (let i = 0; i < dumpRegs.length; i++) {
        if (i !== this.pcIndex && (now[2 * i] !== before[2 * i] || now[2 * i + 1] !== before[2 * i + 1])) ch[dumpRegs[i]!] = this.batch.values[i]! & mask;
      }
      if (this.arch.switchFacts.gInTLS) {
        if (o.lastInfo?.syscall) o.tlsSlot = this.arch.tlsSlot(this.machine.engine);
        const tls = this.tlsWord(o.tlsSlot, this.tlsNow);
        const b = o.beforeTls;
        if (tls.known && (!b.known || b.lo !== tls.lo || b.hi !== tls.hi)) ch.tls_g = BigInt(tls.hi) * 0x1_0000_0000n + BigInt(tls.lo);
        o.before.set(this.batch.halves);
        b.known = tls.known;
        b.lo = tls.lo;
        b.hi = tls.hi;
        o.last.changed = ch;
        return;
      }
      o.last.changed = ch;
    }
    this.rememberBefore(o);
  }

  /** The registers just read (this.batch) and the TLS word become o.before. */
  private rememberBefore(o: OpenSwitch): void {
    o.before.set(this.batch.halves);
    if (this.arch.switchFacts.gInTLS) {
      if (o.lastInfo?.syscall) o.tlsSlot = this.arch.tlsSlot(this.machine.engine);
      this.tlsWord(o.tlsSlot, o.beforeTls);
    }
  }

  /** Read the word in the TLS g slot into `into` (known: false where this.word() gives undefined). */
  private tlsWord(slot: number | undefined, into: TlsWord): TlsWord {
    const w = this.arch.ptrSize;
    const mem = this.rt.mem;
    if (slot === undefined || slot === 0 || !mem.contains(slot, w)) {
      into.known = false;
      into.lo = 0;
      into.hi = 0;
    } else {
      into.known = true;
      into.lo = mem.u32(slot);
      into.hi = w === 8 ? mem.u32(slot + 4) : 0;
    }
    return into;
  }

  private pushStep(o: OpenSwitch, pc: number, size: number): void {
    const info = this.insnInfo(pc, size);
    o.lastInfo = info;
    o.rec.insns += 1;
    o.rec.cycles! += info.cycles;
    if (this.opts.steps === false || o.light) {
      o.lazyPc = pc;
    } else {
      const s = makeStep(pc, info);
      o.last = s;
      if (o.rec.insns <= 1000) o.rec.steps.push(s);
      else o.rec.steps[o.rec.steps.length - 1] = s;
    }
    if (o.rec.insns > MAX_SWITCH_INSNS) {
      this.materialize(o);
      throw new RunawaySwitch(o.rec);
    }
  }

  /** With steps off: make the latest step a Step, the record's only one. */
  private materialize(o: OpenSwitch): void {
    if (o.lazyPc === undefined || !o.lastInfo) return;
    const s = makeStep(o.lazyPc, o.lastInfo);
    o.lazyPc = undefined;
    o.last = s;
    o.rec.steps[0] = s;
  }

  private close(t: Thread, o: OpenSwitch, pc: number): void {
    this.open.delete(t);
    if (this.open.size === 0) this.textBlocks.off();
    this.materialize(o);
    const rec = o.rec;
    if (o.light) {
      rec.exit = this.pcOnly(pc);
      if (this.opts.retain !== false) this.records.push(rec);
      for (const l of this.listeners) l(rec);
      return;
    }
    const regs = this.readRegs();
    this.finishStep(o);
    rec.exit = this.cpu(pc, regs);
    switch (rec.kind) {
      case 'gogo':
        if (rec.buf !== undefined) rec.gobufAfter = this.gobuf(Number(rec.buf));
        break;
      case 'mcall':
      case 'morestack':
      case 'morestack_noctxt':
        rec.oldgAfter = this.gState(o.fromG);
        if (rec.kind !== 'mcall') {
          const m = rec.oldgAfter && Number(rec.oldgAfter.m);
          if (m) rec.morebuf = this.gobuf(m + this.rt.L.off.m.morebuf);
        }
        break;
      case 'systemstack':
        if (rec.path === 'switch') {
          rec.oldgAfter = this.gState(o.fromG);
          // fn returns to the instruction after systemstack's call: that is where the return switch starts
          const ret = this.arch.lrReg ? regs[this.arch.lrReg]! : rec.exit.atSp;
          if (ret !== undefined) {
            const pend = this.pendingRet.get(t) ?? [];
            pend.push({ addr: Number(ret), seq: rec.seq });
            this.pendingRet.set(t, pend);
          }
        }
        break;
    }
    if (this.opts.retain !== false) this.records.push(rec);
    for (const l of this.listeners) l(rec);
  }

  // ---- reading state --------------------------------------------------------

  /** Read the dump registers (into this.batch) and return them by name. */
  private readRegs(): Record<string, bigint> {
    const b = this.batch;
    b.read();
    const out: Record<string, bigint> = {};
    const mask = this.arch.regBytes === 4 ? 0xffffffffn : 0xffffffffffffffffn;
    for (let i = 0; i < b.names.length; i++) out[b.names[i]!] = b.values[i]! & mask;
    return out;
  }

  private word(addr: number): bigint | undefined {
    const w = this.arch.ptrSize;
    return addr !== 0 && this.rt.mem.contains(addr, w) ? this.rt.mem.word(addr) : undefined;
  }

  /** The TLS g slot's content, where the arch keeps g there and TLS is set up (else undefined). */
  private tlsG(): bigint | undefined {
    if (!this.arch.switchFacts.gInTLS) return undefined;
    return this.word(this.arch.tlsSlot(this.machine.engine));
  }

  /** getg() as the runtime sees it: the TLS slot where g lives there, else the g register. */
  private getg(regs: Record<string, bigint>): number {
    if (this.arch.switchFacts.gInTLS) return Number(this.tlsG() ?? 0n);
    return Number(regs[this.arch.gReg] ?? 0n);
  }

  private cpu(pc: number, regs: Record<string, bigint>): CpuState {
    const sp = Number(regs[this.arch.spReg]);
    const c: CpuState = { pc: BigInt(pc), sym: this.symAt(pc), regs };
    const tls = this.tlsG();
    if (tls !== undefined) c.tlsG = tls;
    const w0 = this.word(sp);
    const w1 = this.word(sp + this.arch.ptrSize);
    if (w0 !== undefined) c.atSp = w0;
    if (w1 !== undefined) c.atSp1 = w1;
    const g = this.gState(this.getg(regs));
    if (g) c.g = g;
    return c;
  }

  /** symOf, remembered (entry and exit PCs repeat) */
  private symAt(pc: number): string {
    let sym = this.symCache.get(pc);
    if (sym === undefined) {
      sym = symOf(this.machine, pc);
      this.symCache.set(pc, sym);
    }
    return sym;
  }

  private gobuf(addr: number): GobufValues | undefined {
    const L = this.rt.L;
    if (addr === 0 || !this.rt.mem.contains(addr, L.sizes.gobuf)) return undefined;
    const f = L.off.gobuf;
    const w = (o: number) => this.rt.mem.word(addr + o);
    return { sp: w(f.sp), pc: w(f.pc), g: w(f.g), ctxt: w(f.ctxt), ret: w(f.ret), lr: w(f.lr), bp: w(f.bp) };
  }

  private gState(addr: number): GState | undefined {
    const { rt } = this;
    if (addr === 0 || !rt.mem.contains(addr, rt.L.sizes.g)) return undefined;
    const g = rt.g(addr);
    const st: GState = {
      addr: BigInt(addr),
      goid: g.goid,
      status: g.atomicstatus,
      stackLo: BigInt(g.stack.lo),
      stackHi: BigInt(g.stack.hi),
      stackguard0: g.stackguard0Word,
      m: BigInt(g.m),
      sched: this.gobuf(g.sched.addr)!,
    };
    const m = this.mState(g.m);
    if (m) st.mInfo = m;
    return st;
  }

  private mState(addr: number): MState | undefined {
    const { rt } = this;
    if (addr === 0 || !rt.mem.contains(addr, rt.L.sizes.m)) return undefined;
    const m = rt.m(addr);
    let g0SchedSp = 0n;
    if (m.g0 !== 0 && rt.mem.contains(m.g0, rt.L.sizes.g)) g0SchedSp = BigInt(rt.g(m.g0).sched.sp);
    return { id: m.id, g0: BigInt(m.g0), curg: BigInt(m.curg), gsignal: BigInt(m.gsignal), p: BigInt(m.p), g0SchedSp };
  }

  private insnInfo(pc: number, size: number): InsnInfo {
    let i = this.insnCache.get(pc);
    if (!i) {
      const { arch, machine } = this;
      // Unicorn reports an invalid instruction with a size of 0xf1f1f1f1
      const len = size > 0 && size <= 16 ? size : 0;
      const [d] = len ? disassemble(arch.asm, machine.mem.read(pc, len), pc, arch.insnUnit) : [];
      const pos = machine.image.lookup(pc);
      i = {
        pc: BigInt(pc),
        size,
        insn: d ? `${d.mnemonic} ${d.opStr}`.trim() : '?',
        syscall: d?.mnemonic === 'syscall',
        sym: symOf(machine, pc),
        cycles: d ? costOf(arch.costs, d.mnemonic) : 1,
      };
      if (pos) {
        i.file = pos.file;
        i.line = pos.line;
      }
      this.insnCache.set(pc, i);
    }
    return i;
  }
}

function makeStep(_pc: number, info: InsnInfo): Step {
  const s: Step = { pc: info.pc, sym: info.sym, changed: {}, size: info.size, insn: info.insn, cycles: info.cycles };
  if (info.file !== undefined) {
    s.file = info.file;
    s.line = info.line;
  }
  return s;
}

/** BootOptions.observe helper: record switches of the process being created. */
export function observeSwitches(cb: (r: SwitchRecorder) => void, opts?: RecorderOptions): (p: Process) => void {
  return (p) => cb(new SwitchRecorder(p, opts));
}
