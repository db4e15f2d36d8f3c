// What the page shows of a stopped session, as JSON (protocol.ts ViewState):
// where the current thread stands, its registers, the current switch (the
// latest switch the recorded run started at or before this instruction,
// with its record), the G, M and P decoded field by field at their go1.19
// offsets, the goroutines' stacks as memory with frames marked, the run
// queues. Reads only: building a view never changes the run.
import type { Arch } from '../arch/index.ts';
import { describeLayout, type DescribedStruct } from '../go119/index.ts';
import { REGIONS } from '../os/memmap.ts';
import type { Session, StopResult, ThreadInfo } from '../session/session.ts';
import { goroutineRows } from '../trace/goroutines.ts';
import type { SwitchRecord } from '../trace/record.ts';
import { stubListing } from './listing.ts';
import type { QueueView, RegRow, StackView, StackWord, StructField, StructView, SwitchMark, SwitchView, ViewState } from './protocol.ts';
import type { Recording } from './recording.ts';

const hex = (v: bigint | number) => `0x${v.toString(16)}`;
const P_STATUS = ['idle', 'running', 'syscall', 'gcstop', 'dead'];
/** Stack words shown per goroutine (from SP up). */
export const STACK_WORDS = 40;

/** The latest switch the recording started at or before instruction n (binary search). */
export function switchAt(marks: readonly SwitchMark[], n: number): number {
  let lo = 0;
  let hi = marks.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid]!.insns <= n) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export class ViewBuilder {
  private readonly layout: Map<string, DescribedStruct>;
  /** registers at the previous view, to mark what changed since */
  private prevRegs: Record<string, bigint> | undefined;

  constructor(
    private readonly s: Session,
    private readonly rec: Recording,
  ) {
    this.layout = new Map(describeLayout(s.arch).map((d) => [d.struct, d]));
  }

  private get arch(): Arch {
    return this.s.arch;
  }

  build(stop: StopResult | undefined): ViewState {
    const s = this.s;
    const threads = s.threadList();
    const cur = threads.find((t) => t.current) ?? threads[0]!;
    const live = cur.state !== 'exited';
    const { machine, rt } = s.process;
    const regsNow = live ? this.regs(cur.id) : {};
    const pc = live ? Number(regsNow[this.arch.pcReg]) : (stop?.pc ?? 0);
    const ended = stop !== undefined && ['exit', 'fault', 'budget', 'parked'].includes(stop.reason);
    const view: ViewState = {
      insns: s.insns,
      reason: stop?.reason ?? 'start',
      ended,
      thread: { id: cur.id, tid: cur.tid, name: cur.name, clock: cur.clock / 1000 },
      pc: hex(pc),
      where: machine.describe(pc),
      registers: [],
      structs: [],
      stacks: [],
      queues: this.queues(),
      goroutines: [],
      stdout: rt.stdout,
    };
    if (stop?.reason === 'exit') view.endText = `the program exited with status ${stop.exitCode}`;
    else if (ended) view.endText = stop?.error?.message ?? `the run stopped: ${stop?.reason}`;
    if (cur.m !== undefined) view.thread.m = cur.m;
    if (cur.goid !== undefined) view.thread.goid = cur.goid;
    const pos = machine.image.lookup(pc);
    if (pos) view.where = `${machine.describe(pc)} (${pos.file}:${pos.line})`;
    const go = this.goLine(cur, pc);
    if (go) {
      view.goLine = go.line;
      view.goLineOf = go.goid;
    }
    const idx = switchAt(this.rec.switches, s.insns);
    const mark = idx >= 0 ? this.rec.switches[idx] : undefined;
    const record = mark?.seq !== undefined ? this.rec.records.get(mark.seq) : undefined;
    if (mark) view.switch = this.switchView(mark, record, cur, pc);
    view.registers = this.registerRows(regsNow, record);
    this.prevRegs = regsNow;
    view.structs = this.structs(cur, record);
    view.stacks = this.stacks(threads, cur, record);
    try {
      view.goroutines = goroutineRows(s, threads).map((g) => {
        const row = { goid: g.goid, status: g.waitReason ? `${g.status} (${g.waitReason})` : g.status, where: g.where } as ViewState['goroutines'][number];
        if (g.m !== undefined) row.m = g.m;
        return row;
      });
    } catch {
      view.goroutines = [];
    }
    return view;
  }

  /** The dump registers of a thread, plus the TLS g slot where the arch keeps g there. */
  private regs(thread: number): Record<string, bigint> {
    const s = this.s;
    const regs = s.registers({ thread });
    const { arch } = this;
    const { threads, machine } = s.process;
    if (arch.switchFacts.gInTLS) {
      const slot = threads.withRegisters(threads.all[thread]!, () => arch.tlsSlot(machine.engine));
      if (slot !== 0 && machine.mem.contains(slot, arch.ptrSize)) regs.tls_g = machine.mem.word(slot);
    }
    return regs;
  }

  private registerRows(now: Record<string, bigint>, record: SwitchRecord | undefined): RegRow[] {
    const names = [...this.arch.dumpRegs, ...(this.arch.switchFacts.gInTLS ? ['tls_g'] : [])];
    return names.map((name) => {
      const row: RegRow = { name };
      const entry = name === 'tls_g' ? record?.entry.tlsG : record?.entry.regs[name];
      const exit = name === 'tls_g' ? record?.exit.tlsG : record?.exit.regs[name];
      if (entry !== undefined) row.entry = hex(entry);
      if (exit !== undefined) row.exit = hex(exit);
      if (entry !== undefined && exit !== undefined && entry !== exit) row.changed = true;
      const v = now[name];
      if (v !== undefined) {
        row.now = hex(v);
        const before = this.prevRegs?.[name];
        if (before !== undefined && before !== v) row.changedNow = true;
      }
      return row;
    });
  }

  /** The Go line the goroutine of a thread is at: where its PC is in Go code, else where it resumes (g.sched.pc, or its M's curg's). */
  private goLine(t: ThreadInfo, pc: number): { line: number; goid: number } | undefined {
    const { machine, rt } = this.s.process;
    const isGo = (p: { file: string } | undefined) => !!p && p.file.endsWith('.go');
    const here = machine.image.lookup(pc);
    if (isGo(here) && t.goid !== undefined) return { line: here!.line, goid: t.goid };
    let g = t.g;
    if (g !== undefined && rt.g(g).goid === 0) {
      const m = rt.g(g).m;
      g = m !== 0 ? rt.m(m).curg || undefined : undefined;
    }
    if (g === undefined) return undefined;
    const spc = rt.g(g).sched.pc;
    const b = machine.image.blockAt(spc);
    const p = b && machine.image.lookup(spc !== b.addr ? spc - 1 : spc);
    return isGo(p) ? { line: p!.line, goid: rt.g(g).goid } : undefined;
  }

  private switchView(mark: SwitchMark, record: SwitchRecord | undefined, cur: ThreadInfo, pc: number): SwitchView {
    const s = this.s;
    const inside = record !== undefined && cur.id + 1 === record.thread && record.steps.some((st) => Number(st.pc) === pc);
    const where = s.insns === mark.insns && inside && Number(record!.entry.pc) === pc ? 'entry' : inside ? 'inside' : 'after';
    const stub = record?.stub ?? `runtime.${mark.kind}`;
    const blocks = record ? [...new Set(record.steps.map((st) => st.sym.replace(/\+\d+$/, '')))] : [stub];
    const executed = new Set(record?.steps.map((st) => Number(st.pc)) ?? []);
    const lst = stubListing(s.process.machine, this.arch, blocks.filter((b) => s.process.machine.image.block(b)));
    const listing = lst.lines.map((l) => ({
      ...l,
      insns: l.insns.map((i) => ({ ...i, ...(executed.has(Number(i.addr)) ? { executed: true } : {}), ...(inside && Number(i.addr) === pc ? { current: true } : {}) })),
    }));
    const v: SwitchView = { kind: mark.kind, stub, insns: mark.insns, where, listing, count: record?.insns ?? 0 };
    if (record?.kind && record.kind !== mark.kind) v.kind = record.kind;
    if (mark.seq !== undefined) v.seq = mark.seq;
    if (mark.from !== undefined) v.from = mark.from;
    if (mark.to !== undefined) v.to = mark.to;
    if (record) {
      if (record.mId >= 0) v.m = record.mId;
      if (record.pId >= 0) v.p = record.pId;
    }
    if (lst.original) v.original = lst.original;
    if (record?.gobuf) {
      const a = record.gobuf;
      const b = record.gobufAfter ?? a;
      const fields = this.arch.lrReg ? (['sp', 'pc', 'g', 'ctxt', 'ret', 'lr'] as const) : (['sp', 'pc', 'g', 'ctxt', 'ret', 'bp'] as const);
      v.gobuf = fields.map((f) => ({ field: f, entry: hex(a[f]), exit: hex(b[f]) }));
    }
    return v;
  }

  // ---- structs ----------------------------------------------------------------------

  private structs(cur: ThreadInfo, record: SwitchRecord | undefined): StructView[] {
    const { rt, machine } = this.s.process;
    const out: StructView[] = [];
    const seen = new Set<number>();
    const addG = (addr: number | undefined, title: string) => {
      if (addr === undefined || addr === 0 || seen.has(addr) || !machine.mem.contains(addr, rt.L.sizes.g)) return;
      seen.add(addr);
      out.push(this.decode('g', addr, `${title}: g${rt.g(addr).goid}`));
    };
    addG(cur.g, 'g in the g register');
    if (record?.targetG) addG(Number(record.targetG.addr), 'gogo target');
    const ma = rt.mOfThread.get(cur.id);
    if (ma !== undefined) {
      const m = rt.m(ma);
      out.push(this.decode('m', ma, `M${m.id} (this thread)`));
      if (m.p !== 0) out.push(this.decode('p', m.p, `P${rt.p(m.p).id} (held by M${m.id})`));
    }
    return out;
  }

  /** A struct's fields at their go1.19 offsets: scalars and pointers as read, gobuf and stack fields expanded, arrays and the rest left out. */
  private decode(struct: string, addr: number, title: string): StructView {
    const d = this.layout.get(struct)!;
    const fields: StructField[] = [];
    const add = (prefix: string, sd: DescribedStruct, base: number, off0: number) => {
      for (const f of sd.fields) {
        const inner = this.layout.get(f.goType);
        if (inner && (f.goType === 'gobuf' || f.goType === 'stack')) {
          add(`${prefix}${f.name}.`, inner, base + f.offset, off0 + f.offset);
          continue;
        }
        if (![1, 2, 4, 8].includes(f.size) || f.goType.startsWith('[') || inner) continue;
        const v = this.readUnsigned(base + f.offset, f.size);
        const field: StructField = { offset: off0 + f.offset, name: `${prefix}${f.name}`, type: f.goType, value: this.isPointer(f.goType) ? hex(v) : String(signed(v, f.size, f.goType)) };
        const note = this.note(f.name, f.goType, v);
        if (note) field.note = note;
        fields.push(field);
      }
    };
    add('', d, addr, 0);
    return { title, struct: struct, addr: hex(addr), fields };
  }

  private readUnsigned(addr: number, size: number): bigint {
    const b = this.s.process.machine.mem.read(addr, size);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  private isPointer(t: string): boolean {
    return t.startsWith('*') || /uintptr|unsafe\.Pointer|^func/.test(t);
  }

  /** What a value is: the goid of a g pointer, the id of an M or P, the symbol of a code address. */
  private note(name: string, type: string, v: bigint): string | undefined {
    const { rt, machine } = this.s.process;
    const a = Number(v);
    if (a === 0) return undefined;
    const ok = (size: number) => machine.mem.contains(a, size);
    if ((type === '*g' || type === 'guintptr') && ok(rt.L.sizes.g)) return `g${rt.g(a).goid}`;
    if ((type === '*m' || type === 'muintptr') && ok(rt.L.sizes.m)) return `M${rt.m(a).id}`;
    if ((type === '*p' || type === 'puintptr') && ok(rt.L.sizes.p)) return `P${rt.p(a).id}`;
    if (name === 'atomicstatus') return ['idle', 'runnable', 'running', 'syscall', 'waiting', 'moribund', 'dead', 'enqueue', 'copystack', 'preempted'][a] ?? undefined;
    if (isCode(a) && /pc|lr|startpc|fn/.test(name)) return machine.describe(a);
    return undefined;
  }

  // ---- stacks -----------------------------------------------------------------------

  private stacks(threads: readonly ThreadInfo[], cur: ThreadInfo, record: SwitchRecord | undefined): StackView[] {
    const { rt } = this.s.process;
    const gs: { g: number; title: string }[] = [];
    const add = (g: number | undefined, title: string) => {
      if (g === undefined || g === 0 || gs.some((x) => x.g === g)) return;
      gs.push({ g, title });
    };
    add(cur.g, 'the g register');
    const byGoid = (goid: number | undefined) => (goid === undefined || goid === 0 ? undefined : rt.allgs.find((a) => rt.g(a).goid === goid));
    if (record) {
      add(record.entry.g ? Number(record.entry.g.addr) : undefined, `${record.kind} from`);
      add(record.targetG ? Number(record.targetG.addr) : record.exit.g ? Number(record.exit.g.addr) : undefined, `${record.kind} to`);
    }
    const ma = rt.mOfThread.get(cur.id);
    if (ma !== undefined) add(rt.m(ma).curg || undefined, 'its M\'s curg');
    add(byGoid(cur.goid), 'current');
    return gs.slice(0, 3).map(({ g, title }) => this.stack(g, title, threads));
  }

  private stack(g: number, title: string, threads: readonly ThreadInfo[]): StackView {
    const { rt, machine } = this.s.process;
    const { arch } = this;
    const gp = rt.g(g);
    const lo = gp.stack.lo;
    const hi = gp.stack.hi;
    const on = threads.find((t) => t.state !== 'exited' && t.g === g);
    let sp: number;
    let fp: number | undefined;
    let spFrom: string;
    if (on) {
      const r = this.s.registers({ thread: on.id });
      sp = Number(r[arch.spReg]);
      fp = arch.lrReg ? undefined : Number(r.rbp ?? 0n);
      spFrom = `SP (thread ${on.tid})`;
    } else {
      sp = gp.sched.sp;
      fp = arch.lrReg ? undefined : gp.sched.bp;
      spFrom = 'g.sched.sp';
    }
    if (sp === 0 || sp < lo || sp > hi) {
      sp = Math.max(lo, hi - STACK_WORDS * arch.ptrSize);
      spFrom = sp === lo ? 'stack.lo' : 'top of the stack';
    }
    const w = arch.ptrSize;
    const words: StackWord[] = [];
    const chain = new Map<number, string[]>();
    const mark = (a: number, m: string) => chain.set(a, [...(chain.get(a) ?? []), m]);
    // amd64: the frame pointer chain, each saved BP with the return address above it
    for (let bp = fp ?? 0, n = 0; bp >= sp && bp + 2 * w <= hi && n < 32; n++) {
      mark(bp, 'saved BP');
      mark(bp + w, 'return address');
      const next = Number(machine.mem.word(bp));
      if (next <= bp) break;
      bp = next;
    }
    if (arch.lrReg && sp < hi) mark(sp, 'saved LR slot (0(SP))');
    if (gp.sched.sp !== 0 && gp.sched.sp !== sp) mark(gp.sched.sp, 'g.sched.sp');
    for (let a = sp; a + w <= hi && words.length < STACK_WORDS; a += w) {
      const v = machine.mem.word(a);
      const marks: string[] = [];
      if (a === sp) marks.push(spFrom);
      marks.push(...(chain.get(a) ?? []));
      const n = Number(v);
      if (isCode(n)) {
        const pos = machine.image.blockAt(n) ? machine.image.lookup(n - 1) : undefined;
        marks.push(`-> ${machine.describe(n)}${pos ? ` (${pos.file}:${pos.line})` : ''}`);
      }
      const word: StackWord = { addr: hex(a), value: hex(v), marks };
      if (chain.has(a) || (isCode(n) && arch.lrReg)) word.frame = true;
      words.push(word);
    }
    return { title: `g${gp.goid} (${title})`, goid: gp.goid, lo: hex(lo), hi: hex(hi), sp: hex(sp), words };
  }

  // ---- run queues -------------------------------------------------------------------

  private queues(): QueueView {
    const { rt } = this.s.process;
    const goid = (g: number) => rt.g(g).goid;
    const ps = rt.allp.map((a) => {
      const p = rt.p(a);
      const runq: number[] = [];
      for (let i = p.runqhead; i !== p.runqtail && runq.length < p.runqLen; i = (i + 1) >>> 0) runq.push(goid(p.runq(i % p.runqLen)));
      const row: QueueView['ps'][number] = { id: p.id, status: P_STATUS[p.status] ?? String(p.status), m: p.m !== 0 ? `M${rt.m(p.m).id}` : '-', runq };
      if (p.runnext !== 0) row.runnext = goid(p.runnext);
      return row;
    });
    const global: number[] = [];
    for (let g = rt.sched.runq.head; g !== 0 && global.length < 10_000; g = rt.g(g).schedlink) global.push(goid(g));
    return { ps, global };
  }
}

function isCode(a: number): boolean {
  return a >= REGIONS.text.start && a < REGIONS.host.start + REGIONS.host.size;
}

function signed(v: bigint, size: number, type: string): bigint {
  if (!/^int/.test(type)) return v;
  const bits = BigInt(size * 8);
  return v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}
