// What the GDB stub does to a Session: gdb's view of threads (each emulated
// thread, i.e. each M, is a gdb thread whose id is its Linux tid), registers
// through the target description, memory, breakpoints (Z0/Z1) and
// watchpoints (Z2-Z4), resuming (continue, step of one thread), reverse
// execution (reverse.ts) and the stop replies gdb reads (T/W packets).
// Protocol framing and dispatch live in server.ts; monitor commands in
// monitor.ts.
//
// Stop replies: `T05thread:TID;` plus `swbreak:;` at a breakpoint gdb set,
// T00 at a switch of `monitor break-switch` (gdb: "Program stopped."),
// `watch:`/`rwatch:`/`awatch:ADDR;` at a watchpoint, `replaylog:begin;` at
// the start of the recorded history; T02 after ^C; T0b (SIGSEGV) or T04
// (SIGILL) at an emulation fault, T18 (SIGXCPU) when the instruction budget
// runs out, T11 (SIGSTOP) when every thread waits for good; W<status> when
// the process exits. Each carries pc and sp (expedited registers), and the
// stopped thread becomes the one register reads refer to, as gdb assumes.
import { ARENA_END, REGIONS } from '../os/memmap.ts';
import type { Session, StopResult, SwitchFilter, ThreadInfo, WatchKind } from '../session/session.ts';
import { SwitchRecorder } from '../trace/switches.ts';
import type { SwitchRecord } from '../trace/record.ts';
import { Validator, type Violation } from '../trace/validator.ts';
import { toHex } from './packets.ts';
import { atHostSlot, reverseContinue, reverseStep } from './reverse.ts';
import { targetDescription, type TargetDescription } from './tdesc.ts';

/** gdb's signal numbers (gdb/signals.def), which the remote protocol uses. */
export const SIG = { INT: 2, ILL: 4, TRAP: 5, SEGV: 11, STOP: 17, XCPU: 24 } as const;

/** A request the stub cannot honour: the reply is `E<code>` (two hex digits). */
export class GdbError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'GdbError';
  }
}

/** A completed switch as `monitor validate` shows it. */
export interface CheckedSwitch {
  record: SwitchRecord;
  /** global instruction count when it completed */
  insns: number;
  violations: Violation[];
}

/** Switches kept for `monitor validate` (the latest ones). */
const KEEP_SWITCHES = 64;

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');

export class GdbTarget {
  readonly tdesc: TargetDescription;
  /** the thread register and memory packets refer to (Hg), as an index into the thread table */
  private general: number | undefined;
  private readonly bps = new Map<number, { id: number; refs: number }>();
  private readonly watches = new Map<string, number>();
  /** `monitor break-switch`: stop at switches like these on continue (asyncPreempt: at that stub's entry) */
  readonly switchFilters: (SwitchFilter | { asyncPreempt: number })[] = [];
  private last = 'S05';
  /** the process exited (a W reply was sent) */
  exited = false;
  private recorder: SwitchRecorder | undefined;
  private validator: Validator | undefined;
  readonly switches: CheckedSwitch[] = [];
  /** lines for gdb's console (O packets) that the next stop reply brings */
  private readonly notes: string[] = [];
  /** program output already passed on (the bus numbers events; replays repeat old numbers) */
  private outputSeq = -1;
  private readonly unsubscribe: () => void;

  constructor(
    readonly session: Session,
    /** the program's output, as it appears (once, also across replays) */
    private readonly output: (fd: number, text: string) => void = () => {},
  ) {
    this.tdesc = targetDescription(session.arch.name);
    this.last = `T${hex2(SIG.TRAP)}${this.expedite(0)}thread:1;`;
    this.attachRecorder();
    this.unsubscribe = session.bus.onKind(['output'], (e, seq) => {
      if (seq <= this.outputSeq) return;
      this.outputSeq = seq;
      this.output(e.fd, e.text);
    });
  }

  close(): void {
    this.unsubscribe();
    this.recorder?.dispose();
  }

  // ---- switch records for `monitor validate` ---------------------------------------------

  private attachRecorder(): void {
    const s = this.session;
    this.recorder = new SwitchRecorder(s.process, { steps: false, retain: false });
    this.validator = new Validator(s.arch, this.recorder.symbols);
    const v = this.validator;
    this.recorder.onRecord((r) => {
      this.switches.push({ record: r, insns: s.insns, violations: v.check(r) });
      if (this.switches.length > KEEP_SWITCHES) this.switches.shift();
    });
  }

  /**
   * Around a jump back in time: the recorder stops (replays would record
   * old switches again), then starts afresh where the run landed; switches
   * after that point are forgotten. A switch in progress at the landing
   * point is not recorded.
   */
  private async travel<R>(fn: () => Promise<R>): Promise<R> {
    this.recorder?.dispose();
    this.recorder = undefined;
    try {
      return await fn();
    } finally {
      const now = this.session.insns;
      while (this.switches.length && this.switches[this.switches.length - 1]!.insns > now) this.switches.pop();
      this.attachRecorder();
    }
  }

  // ---- threads ---------------------------------------------------------------------------

  /** Live threads (gdb thread id = Linux tid = index + 1). */
  threads(): ThreadInfo[] {
    return this.session.threadList().filter((t) => t.state !== 'exited');
  }

  /** A gdb thread id (hex text as in H, T, qThreadExtraInfo; -1 and 0 allowed where `any` is) to a thread index. */
  threadIndex(tid: number): number {
    const t = this.threads().find((x) => x.tid === tid);
    if (!t) throw new GdbError(1, `no thread ${tid}`);
    return t.id;
  }

  /** Hg: select the thread register and memory packets refer to (0 / -1: any). */
  selectThread(tid: number): void {
    this.general = tid <= 0 ? undefined : this.threadIndex(tid);
  }

  /** The selected thread, or the current one (also when the selected one has exited). */
  currentThread(): number {
    const live = this.threads();
    if (this.general !== undefined && live.some((t) => t.id === this.general)) return this.general;
    return (live.find((t) => t.current) ?? live[0])?.id ?? 0;
  }

  // ---- registers ---------------------------------------------------------------------------

  private readonly unreadable = new Set<number>();

  /** Register i of a thread as little-endian hex ('x' digits where Unicorn cannot read it). */
  private regsHex(thread: number, which: readonly number[]): string[] {
    const regs = which.map((i) => this.tdesc.regs[i]!);
    const bytes = (i: number) => this.tdesc.regs[i]!.bits / 8;
    try {
      const vals = this.session.registerBytes(
        regs.map((r) => ({ id: r.uc, size: r.bits / 8 })),
        { thread },
      );
      return vals.map((v) => toHex(v));
    } catch {
      // one of them is not readable in this Unicorn build: read one by one
      return which.map((i) => {
        if (this.unreadable.has(i)) return 'xx'.repeat(bytes(i));
        try {
          return toHex(this.session.registerBytes([{ id: this.tdesc.regs[i]!.uc, size: bytes(i) }], { thread })[0]!);
        } catch {
          this.unreadable.add(i);
          return 'xx'.repeat(bytes(i));
        }
      });
    }
  }

  /** `g`: every register of the selected thread. */
  readAllRegisters(): string {
    return this.regsHex(this.currentThread(), this.tdesc.regs.map((_, i) => i)).join('');
  }

  /** `p n` */
  readRegister(n: number): string {
    if (n < 0 || n >= this.tdesc.regs.length) throw new GdbError(1, `no register ${n}`);
    return this.regsHex(this.currentThread(), [n])[0]!;
  }

  /** `P n=v`: write a register if its value changes (a write starts a new history). */
  writeRegister(n: number, bytes: Uint8Array): void {
    const r = this.tdesc.regs[n];
    if (!r) throw new GdbError(1, `no register ${n}`);
    if (bytes.length !== r.bits / 8) throw new GdbError(1, `register ${r.name} has ${r.bits / 8} bytes, not ${bytes.length}`);
    const thread = this.currentThread();
    if (this.readRegister(n) === toHex(bytes)) return;
    this.session.setRegisterBytes(r.uc, bytes, { thread });
  }

  /** `G`: every register (those that change are written). */
  writeAllRegisters(bytes: Uint8Array): void {
    const total = this.tdesc.regs.reduce((n, r) => n + r.bits / 8, 0);
    if (bytes.length !== total) throw new GdbError(1, `G packet of ${bytes.length} bytes; the registers take ${total}`);
    let off = 0;
    this.tdesc.regs.forEach((r, i) => {
      const n = r.bits / 8;
      if (!this.unreadable.has(i)) this.writeRegister(i, bytes.subarray(off, off + n));
      off += n;
    });
  }

  // ---- memory ------------------------------------------------------------------------------

  /** `m`: the readable prefix of [addr, addr+len); an error when none of it is. */
  readMemory(addr: number, len: number): Uint8Array {
    const lo = REGIONS.text.start;
    if (addr < lo || addr >= ARENA_END) throw new GdbError(14, `0x${addr.toString(16)} is not mapped`);
    const n = Math.min(len, ARENA_END - addr);
    return this.session.readMemory(addr, n);
  }

  /** `M` / `X`: write memory if it changes (a write starts a new history). */
  writeMemory(addr: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (addr < REGIONS.text.start || addr + bytes.length > ARENA_END) throw new GdbError(14, `0x${addr.toString(16)} (+${bytes.length}) is not mapped`);
    if (Buffer.compare(Buffer.from(this.session.readMemory(addr, bytes.length)), Buffer.from(bytes)) === 0) return;
    this.session.writeMemory(addr, bytes);
  }

  // ---- breakpoints and watchpoints ---------------------------------------------------------

  /** Where code runs: linked text, and host slots at their start. */
  private codeAddress(addr: number): boolean {
    const { image, host } = this.session.process.machine;
    if (addr >= image.base && addr < image.end) return true;
    return host.nameAt(addr) !== undefined && (addr - host.base) % 16 === 0;
  }

  /** Z0 / Z1 */
  insertBreakpoint(addr: number): void {
    const b = this.bps.get(addr);
    if (b) {
      b.refs++;
      return;
    }
    if (!this.codeAddress(addr)) throw new GdbError(14, `0x${addr.toString(16)} is not an instruction of the program`);
    this.bps.set(addr, { id: this.session.addBreakpoint(addr), refs: 1 });
  }

  /** z0 / z1 */
  removeBreakpoint(addr: number): void {
    const b = this.bps.get(addr);
    if (!b || --b.refs > 0) return;
    this.bps.delete(addr);
    this.session.removeBreakpoint(b.id);
  }

  /** Z2 (write), Z3 (read), Z4 (access) */
  insertWatchpoint(kind: WatchKind, addr: number, len: number): void {
    const key = `${kind},${addr},${len}`;
    if (this.watches.has(key)) return;
    if (addr < REGIONS.text.start || addr + len > ARENA_END) throw new GdbError(14, `0x${addr.toString(16)} is not mapped`);
    try {
      this.watches.set(key, this.session.addWatchpoint(addr, len, kind, { stop: this.tdesc.watchStop }));
    } catch (e) {
      throw new GdbError(22, (e as Error).message);
    }
  }

  removeWatchpoint(kind: WatchKind, addr: number, len: number): void {
    const key = `${kind},${addr},${len}`;
    const id = this.watches.get(key);
    if (id === undefined) return;
    this.watches.delete(key);
    this.session.removeWatchpoint(id);
  }

  // ---- running -----------------------------------------------------------------------------

  /** The reply to `?`: the last stop. */
  get lastStop(): string {
    return this.last;
  }

  /** Console lines gathered since the last stop reply (sent as O packets before it). */
  takeNotes(): string[] {
    return this.notes.splice(0);
  }

  note(line: string): void {
    this.notes.push(line);
  }

  /** `c` / vCont;c: run until a breakpoint, watchpoint, switch of `monitor break-switch`, ^C or the end. */
  async continue(): Promise<string> {
    return this.reply(await this.session.runUntil(this.switchFilters.map((f) => ('asyncPreempt' in f ? { address: f.asyncPreempt } : { switch: f }))));
  }

  /**
   * `s` / vCont;s:T: one instruction of a thread (the others run as the
   * timeline says). At a host function's slot the instruction is the whole
   * host call: the step ends where it returns or tail-calls to.
   */
  async step(thread: number): Promise<string> {
    const s = this.session;
    return this.reply(atHostSlot(s, thread) ? await s.runUntil({ threadAt: thread }) : await s.step(1, { thread }));
  }

  /** `bs`: back one instruction of a thread (to just before it: a host call before it has run). */
  async reverseStep(thread: number): Promise<string> {
    const r = await this.travel(() => reverseStep(this.session, thread));
    if ('begin' in r) return this.beginning(thread);
    return this.reply({ ...r, reason: 'step', thread });
  }

  /**
   * `bc`: back to the previous breakpoint or watchpoint hit. Going
   * backwards, a watchpoint is hit where executing backwards undoes the
   * access, i.e. just before the accessing instruction, and that is where
   * gdb expects an arch whose watchpoints trap after the access (amd64).
   * Where they trap before it (arm, gdb's "non-steppable" watchpoints), gdb
   * itself steps (backwards) over the instruction after the stop, so the
   * stub stops just after it. The search runs with every watchpoint
   * stopping after its access; the landing then goes back over the
   * instruction where the arch wants.
   */
  async reverseContinue(): Promise<string> {
    const s = this.session;
    const r = await this.travel(async () => {
      this.rearmWatchpoints('after');
      try {
        const res = await reverseContinue(s);
        if ('hit' in res && res.hit.stop.reason === 'watchpoint' && this.tdesc.watchStop === 'after') {
          await reverseStep(s, res.hit.thread);
        }
        return res;
      } finally {
        this.rearmWatchpoints(this.tdesc.watchStop);
      }
    });
    if ('begin' in r) return this.beginning(r.begin.thread);
    if ('paused' in r) return this.reply(r.paused);
    const pcReg = s.arch.pcReg;
    const pc = Number(s.registers({ thread: r.hit.thread, names: [pcReg] })[pcReg]);
    return this.reply({ ...r.hit.stop, thread: r.hit.thread, pc, insns: s.insns });
  }

  /** Set every watchpoint again with the given stop (same addresses, new session ids). */
  private rearmWatchpoints(stop: 'after' | 'before'): void {
    for (const [key, id] of this.watches) {
      const w = this.session.watchpoints().find((x) => x.id === id);
      if (!w || w.stop === stop) continue;
      this.session.removeWatchpoint(id);
      this.watches.set(key, this.session.addWatchpoint(w.address, w.length, w.kind, { stop }));
    }
  }

  /** ^C: stop a run in progress. */
  interrupt(): boolean {
    return this.session.pause();
  }

  /** The beginning of the recorded history (gdb: "No more reverse-execution history."). */
  private beginning(thread: number): string {
    this.general = thread;
    this.last = `T${hex2(SIG.TRAP)}replaylog:begin;${this.expedite(thread)}thread:${(thread + 1).toString(16)};`;
    return this.last;
  }

  /** pc and sp of a thread as `n:value;` pairs (saves gdb two round trips). */
  private expedite(thread: number): string {
    const { pc, sp } = this.tdesc;
    try {
      const [p, s] = this.regsHex(thread, [pc, sp]);
      return `${pc.toString(16)}:${p};${sp.toString(16)}:${s};`;
    } catch {
      return '';
    }
  }

  /** The stop reply for a session stop (see the file comment). */
  reply(r: StopResult): string {
    if (r.reason === 'exit') {
      this.exited = true;
      this.last = `W${hex2(r.exitCode ?? 0)}`;
      return this.last;
    }
    let sig: number = r.reason === 'event' ? 0 : SIG.TRAP;
    let why = '';
    switch (r.reason) {
      case 'breakpoint':
        if (r.breakpoint !== undefined && [...this.bps.values()].some((b) => b.id === r.breakpoint)) why = 'swbreak:;';
        else if (r.breakpoint === undefined) {
          // an address stop of `monitor break-switch asyncPreempt`
          sig = 0;
          this.note(`gogo-emu: stopped at ${this.session.process.machine.describe(r.pc)}`);
        }
        break;
      case 'watchpoint': {
        const w = r.watchpoint!;
        const wp = this.session.watchpoints().find((x) => x.id === w.id);
        const kw = wp?.kind === 'read' ? 'rwatch' : wp?.kind === 'access' ? 'awatch' : 'watch';
        why = `${kw}:${(wp?.address ?? w.address).toString(16)};`;
        break;
      }
      case 'switch': {
        // not a breakpoint gdb knows of: signal 0 ("Program stopped."), the note says why
        sig = 0;
        const sw = r.switch!;
        const g = (n: number | undefined) => (n === undefined ? '?' : `g${n}`);
        this.note(`gogo-emu: stopped at ${sw.stub} (${sw.kind}${sw.kind === 'gogo' ? ` ${g(sw.from)} -> ${g(sw.to)}` : ` from ${g(sw.from)}`})`);
        break;
      }
      case 'paused':
        sig = SIG.INT;
        break;
      case 'fault': {
        const f = r.error as { fault?: string } | undefined;
        sig = f?.fault === 'invalid instruction' ? SIG.ILL : SIG.SEGV;
        this.note(`gogo-emu: ${r.error?.message ?? 'emulation fault'}`);
        break;
      }
      case 'budget':
        sig = SIG.XCPU;
        this.note(`gogo-emu: ${r.error?.message ?? 'instruction budget exhausted'}`);
        break;
      case 'parked':
        sig = SIG.STOP;
        this.note('gogo-emu: every thread waits and nothing can wake one');
        break;
    }
    const thread = this.threads().some((t) => t.id === r.thread) ? r.thread : this.currentThread();
    this.general = thread;
    this.last = `T${hex2(sig)}${why}${this.expedite(thread)}thread:${(thread + 1).toString(16)};`;
    return this.last;
  }
}
