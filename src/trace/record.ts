// The switch record: one hit of a switching stub (gogo, mcall, systemstack,
// morestack, ...), normalized so that the same validator code checks records
// made by our recorder (switches.ts, from the emulator) and records loaded
// from the real go1.19 runtime (oracle.ts, fixtures/oracle/trace-<arch>.jsonl).
//
// Values are bigints (registers and addresses; amd64 registers exceed 2^53).
// Symbol names follow our asm/ spelling: `runtime.gogo`, `runtime.gogo<>`,
// `runtime.setg<>` (the oracle's `runtime.gogo.abi0` and `gogo` are renamed).
import { ARCHES, type ArchName } from '../arch/index.ts';

export type SwitchKind = 'gogo' | 'mcall' | 'systemstack' | 'systemstack_ret' | 'morestack' | 'morestack_noctxt' | 'goexit_ret' | 'mstart';

export const SWITCH_KINDS: readonly SwitchKind[] = ['gogo', 'mcall', 'systemstack', 'systemstack_ret', 'morestack', 'morestack_noctxt', 'goexit_ret', 'mstart'];

/**
 * systemstack's path: on the goroutine (`switch`), already on g0 or gsignal
 * (a tail call), or `skipped` (oracle only: the recording stepped over it).
 * `bad` = g is none of g0, gsignal, curg (Go calls badsystemstack).
 */
export type SystemstackPath = 'switch' | 'noswitch(g0)' | 'noswitch(gsignal)' | 'skipped' | 'bad';

/** A gobuf's fields (lr matters on arm, bp on amd64; the other stays 0). */
export interface GobufValues {
  sp: bigint;
  pc: bigint;
  g: bigint;
  ctxt: bigint;
  ret: bigint;
  lr: bigint;
  bp: bigint;
}

export const GOBUF_FIELDS: readonly (keyof GobufValues)[] = ['sp', 'pc', 'g', 'ctxt', 'ret', 'lr', 'bp'];

/** What a switch record keeps of a g (and of its M, like the oracle's `g`). */
export interface GState {
  addr: bigint;
  goid: number;
  status: number;
  stackLo: bigint;
  stackHi: bigint;
  stackguard0: bigint;
  /** g.m */
  m: bigint;
  sched: GobufValues;
  /** facts of g.m, when g.m is set */
  mInfo?: MState;
}

export interface MState {
  id: number;
  g0: bigint;
  curg: bigint;
  gsignal: bigint;
  p: bigint;
  /** m.g0.sched.sp: where mcall/systemstack/morestack put g0's SP */
  g0SchedSp: bigint;
}

/** The CPU (and the words around SP) at the entry or exit of a switch. */
export interface CpuState {
  pc: bigint;
  /** symbol+offset of pc */
  sym: string;
  /** the arch's dump registers (Arch.dumpRegs names) */
  regs: Record<string, bigint>;
  /** the TLS g slot, where the arch keeps g there (amd64) and TLS is set up */
  tlsG?: bigint;
  /** the word at SP (amd64: a return address after a CALL; arm: the saved-LR slot) */
  atSp?: bigint;
  /** the word at SP + PtrSize (the first stack argument slot) */
  atSp1?: bigint;
  /** the current g (getg(): TLS on amd64, R10 on arm; the oracle: the g register) */
  g?: GState;
}

/** One executed instruction of a switch. */
export interface Step {
  /** the instruction's address */
  pc: bigint;
  sym: string;
  /** registers this instruction changed, with their new values (pseudo-register tls_g for the TLS slot) */
  changed: Record<string, bigint>;
  /** bytes (unknown for oracle steps) */
  size?: number;
  /** disassembly */
  insn?: string;
  /** .s source position (ours only) */
  file?: string;
  line?: number;
  /** modeled cycles (ours only) */
  cycles?: number;
}

export interface SwitchRecord {
  /** who made it: the emulator's recorder or the oracle loader */
  source: 'emulator' | 'oracle';
  arch: ArchName;
  seq: number;
  kind: SwitchKind;
  /** the stub symbol entered (runtime.gogo, ..., runtime.goexit for goexit_ret) */
  stub: string;
  /** host thread (= M) number, from 1 in order of first appearance, like the oracle */
  thread: number;
  /** m.id and p.id of the M running the switch (-1 when unknown / no P) */
  mId: number;
  pId: number;
  path?: SystemstackPath;
  entry: CpuState;
  exit: CpuState;

  // gogo
  /** the gobuf argument */
  buf?: bigint;
  /** *buf at entry and at exit */
  gobuf?: GobufValues;
  gobufAfter?: GobufValues;
  /** the g gobuf.g points at, at entry */
  targetG?: GState;
  /** gogo starts a goroutine for the first time (the frame newproc1 laid out) */
  fresh?: boolean;

  // mcall and systemstack
  /** the funcval argument and its code pointer */
  fn?: bigint;
  fnFn?: bigint;

  // mcall, systemstack (switch) and morestack
  /** the goroutine switched away from, read at exit (its g.sched now holds the saved state) */
  oldgAfter?: GState;
  /** m.morebuf at entry and at exit (morestack) */
  morebufBefore?: GobufValues;
  morebuf?: GobufValues;

  /** the instructions executed, entry to exit */
  steps: Step[];
  insns: number;
  /** modeled cycles (ours only; the oracle has no cycle model) */
  cycles?: number;
  /** the virtual clock at entry, in ns (ours only: the running thread's nanotime, the timeline's clock) */
  time?: number;
}

/** Addresses of symbols and names of addresses, for the validator and for display. */
export interface SymbolTable {
  /** address of a symbol in our spelling, or undefined when not known */
  addr(name: string): bigint | undefined;
  /** "symbol+offset" (or hex) */
  describe(addr: bigint): string;
  /** file:line of an address in the program's own code (not a built-in stub), when known */
  source?(addr: bigint): string | undefined;
}

/**
 * The goroutine a record is about: gogo's target, the g mcall/systemstack/
 * morestack switched away from, the g whose function returned, the curg a
 * systemstack return goes back to.
 */
export function subjectGoid(r: SwitchRecord): number | undefined {
  switch (r.kind) {
    case 'gogo':
      return r.targetG?.goid ?? r.exit.g?.goid;
    case 'systemstack_ret':
      return r.exit.g?.goid;
    case 'mstart':
      return r.entry.g?.goid;
    default:
      return r.oldgAfter?.goid ?? r.entry.g?.goid;
  }
}

// ---- JSON (one object per line; values as hex strings like the oracle) ----

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

function gobufJson(b: GobufValues): Record<string, string> {
  return Object.fromEntries(GOBUF_FIELDS.map((f) => [f, hex(b[f])]));
}

function gJson(g: GState): Record<string, unknown> {
  const o: Record<string, unknown> = {
    addr: hex(g.addr),
    goid: g.goid,
    status: g.status,
    stack_lo: hex(g.stackLo),
    stack_hi: hex(g.stackHi),
    stackguard0: hex(g.stackguard0),
    m: hex(g.m),
    sched: gobufJson(g.sched),
  };
  if (g.mInfo) {
    Object.assign(o, {
      m_g0: hex(g.mInfo.g0),
      m_curg: hex(g.mInfo.curg),
      m_gsignal: hex(g.mInfo.gsignal),
      m_id: g.mInfo.id,
      m_p: hex(g.mInfo.p),
      g0_sched_sp: hex(g.mInfo.g0SchedSp),
    });
  }
  return o;
}

/**
 * The oracle's names for the words at SP: on amd64 the word at SP is a
 * return address after a CALL (`ret_addr_at_sp`); on arm it is the saved-LR
 * slot (`word_at_sp`); the next word is `word_at_sp<PtrSize>`.
 */
export function stackWordKeys(arch: ArchName): { atSp: string; atSp1: string } {
  const { usesLR, ptrSize } = ARCHES[arch]; // a CALL that pushes its return address, or a link register
  return { atSp: usesLR ? 'word_at_sp' : 'ret_addr_at_sp', atSp1: `word_at_sp${ptrSize}` };
}

function cpuJson(c: CpuState, arch: ArchName): Record<string, unknown> {
  const o: Record<string, unknown> = { pc: hex(c.pc), sym: c.sym, regs: Object.fromEntries(Object.entries(c.regs).map(([k, v]) => [k, hex(v)])) };
  if (c.tlsG !== undefined) o.tls_g = hex(c.tlsG);
  const keys = stackWordKeys(arch);
  if (c.atSp !== undefined) o[keys.atSp] = hex(c.atSp);
  if (c.atSp1 !== undefined) o[keys.atSp1] = hex(c.atSp1);
  o.g = c.g ? gJson(c.g) : null;
  return o;
}

function stepJson(s: Step): Record<string, unknown> {
  const o: Record<string, unknown> = { pc: hex(s.pc), sym: s.sym };
  if (s.insn !== undefined) o.insn = s.insn;
  if (s.file !== undefined) o.src = `${s.file}:${s.line}`;
  if (s.cycles !== undefined) o.cycles = s.cycles;
  o.changed = Object.fromEntries(Object.entries(s.changed).map(([k, v]) => [k, hex(v)]));
  return o;
}

/**
 * A record as a JSON-able object with the oracle's field names where the
 * oracle has the field (fixtures/oracle/trace-<arch>.jsonl: entry/exit with
 * pc, sym, regs, tls_g, ret_addr_at_sp or word_at_sp/word_at_sp4, g; buf,
 * gobuf, gobuf_after, target_g, fresh_goroutine, fn, fn_fn, oldg_after,
 * m_morebuf, steps, checks), snake_case for the rest, hex-string values.
 * `checks`: the validator's verdict per invariant evaluated on the record
 * (Validator.lastChecks), as the oracle's records carry its own.
 */
export function recordToJson(r: SwitchRecord, checks?: Readonly<Record<string, boolean>>): Record<string, unknown> {
  const o: Record<string, unknown> = {
    seq: r.seq,
    arch: r.arch,
    kind: r.kind,
    stub: r.stub,
    thread: r.thread,
    m_id: r.mId,
    p_id: r.pId,
    goid: subjectGoid(r) ?? null,
  };
  if (r.path) o.path = r.path;
  const brief = (g: GState | undefined) => (g ? { goid: g.goid, status: g.status, addr: hex(g.addr) } : null);
  o.from_g = brief(r.entry.g);
  o.to_g = brief(r.kind === 'gogo' ? (r.targetG ?? r.exit.g) : r.exit.g);
  o.entry = cpuJson(r.entry, r.arch);
  o.exit = cpuJson(r.exit, r.arch);
  if (r.buf !== undefined) o.buf = hex(r.buf);
  if (r.gobuf) o.gobuf = gobufJson(r.gobuf);
  if (r.gobufAfter) o.gobuf_after = gobufJson(r.gobufAfter);
  if (r.targetG) o.target_g = gJson(r.targetG);
  if (r.fresh !== undefined) o.fresh_goroutine = r.fresh;
  if (r.fn !== undefined) o.fn = hex(r.fn);
  if (r.fnFn !== undefined) o.fn_fn = hex(r.fnFn);
  if (r.oldgAfter) o.oldg_after = gJson(r.oldgAfter);
  if (r.morebufBefore) o.m_morebuf_before = gobufJson(r.morebufBefore);
  if (r.morebuf) o.m_morebuf = gobufJson(r.morebuf);
  o.insns = r.insns;
  if (r.cycles !== undefined) o.cycles = r.cycles;
  if (r.time !== undefined) o.time_ns = r.time;
  o.steps = r.steps.map(stepJson);
  if (checks) o.checks = { ...checks };
  return o;
}

/** The JSON text of steps that share an instruction (same pc and facts), up to "changed". */
const stepHeads = new Map<bigint, { s: Step; head: string }>();

function stepLine(s: Step): string {
  let h = stepHeads.get(s.pc);
  if (!h || h.s.sym !== s.sym || h.s.insn !== s.insn || h.s.file !== s.file || h.s.line !== s.line || h.s.cycles !== s.cycles) {
    const o = stepJson({ ...s, changed: {} });
    delete o.changed;
    const text = JSON.stringify(o);
    h = { s, head: `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"changed":{` };
    if (stepHeads.size > 100_000) stepHeads.clear();
    stepHeads.set(s.pc, h);
  }
  let out = h.head;
  let first = true;
  for (const k in s.changed) {
    out += `${first ? '' : ','}${js(k)}:"0x${s.changed[k]!.toString(16)}"`;
    first = false;
  }
  return `${out}}}`;
}

/** JSON.stringify of a string, remembered (symbols, register and field names repeat) */
const strJsonCache = new Map<string, string>();
function js(v: string): string {
  let j = strJsonCache.get(v);
  if (j === undefined) {
    j = JSON.stringify(v);
    if (strJsonCache.size > 100_000) strJsonCache.clear();
    strJsonCache.set(v, j);
  }
  return j;
}

const hexJson = (v: bigint | number) => `"0x${v.toString(16)}"`;

function gobufLine(b: GobufValues): string {
  return `{"sp":${hexJson(b.sp)},"pc":${hexJson(b.pc)},"g":${hexJson(b.g)},"ctxt":${hexJson(b.ctxt)},"ret":${hexJson(b.ret)},"lr":${hexJson(b.lr)},"bp":${hexJson(b.bp)}}`;
}

function gLine(g: GState): string {
  let o = `{"addr":${hexJson(g.addr)},"goid":${g.goid},"status":${g.status},"stack_lo":${hexJson(g.stackLo)},"stack_hi":${hexJson(g.stackHi)},"stackguard0":${hexJson(g.stackguard0)},"m":${hexJson(g.m)},"sched":${gobufLine(g.sched)}`;
  const m = g.mInfo;
  if (m) o += `,"m_g0":${hexJson(m.g0)},"m_curg":${hexJson(m.curg)},"m_gsignal":${hexJson(m.gsignal)},"m_id":${m.id},"m_p":${hexJson(m.p)},"g0_sched_sp":${hexJson(m.g0SchedSp)}`;
  return `${o}}`;
}

function cpuLine(c: CpuState, keys: { atSp: string; atSp1: string }): string {
  let regs = '';
  for (const k in c.regs) regs += `${regs ? ',' : ''}${js(k)}:${hexJson(c.regs[k]!)}`;
  let o = `{"pc":${hexJson(c.pc)},"sym":${js(c.sym)},"regs":{${regs}}`;
  if (c.tlsG !== undefined) o += `,"tls_g":${hexJson(c.tlsG)}`;
  if (c.atSp !== undefined) o += `,${js(keys.atSp)}:${hexJson(c.atSp)}`;
  if (c.atSp1 !== undefined) o += `,${js(keys.atSp1)}:${hexJson(c.atSp1)}`;
  return `${o},"g":${c.g ? gLine(c.g) : 'null'}}`;
}

/**
 * JSON.stringify(recordToJson(r, checks)), the same text, written directly
 * (switches --json writes millions of records; each instruction's fixed
 * part is made once). test/trace/switches.test.ts compares the two.
 */
export function recordJsonLine(r: SwitchRecord, checks?: Readonly<Record<string, boolean>>): string {
  const brief = (g: GState | undefined) => (g ? `{"goid":${g.goid},"status":${g.status},"addr":${hexJson(g.addr)}}` : 'null');
  const goid = subjectGoid(r);
  let o = `{"seq":${r.seq},"arch":${js(r.arch)},"kind":${js(r.kind)},"stub":${js(r.stub)},"thread":${r.thread},"m_id":${r.mId},"p_id":${r.pId},"goid":${goid ?? 'null'}`;
  if (r.path) o += `,"path":${js(r.path)}`;
  o += `,"from_g":${brief(r.entry.g)},"to_g":${brief(r.kind === 'gogo' ? (r.targetG ?? r.exit.g) : r.exit.g)}`;
  const keys = stackWordKeys(r.arch);
  o += `,"entry":${cpuLine(r.entry, keys)},"exit":${cpuLine(r.exit, keys)}`;
  if (r.buf !== undefined) o += `,"buf":${hexJson(r.buf)}`;
  if (r.gobuf) o += `,"gobuf":${gobufLine(r.gobuf)}`;
  if (r.gobufAfter) o += `,"gobuf_after":${gobufLine(r.gobufAfter)}`;
  if (r.targetG) o += `,"target_g":${gLine(r.targetG)}`;
  if (r.fresh !== undefined) o += `,"fresh_goroutine":${r.fresh}`;
  if (r.fn !== undefined) o += `,"fn":${hexJson(r.fn)}`;
  if (r.fnFn !== undefined) o += `,"fn_fn":${hexJson(r.fnFn)}`;
  if (r.oldgAfter) o += `,"oldg_after":${gLine(r.oldgAfter)}`;
  if (r.morebufBefore) o += `,"m_morebuf_before":${gobufLine(r.morebufBefore)}`;
  if (r.morebuf) o += `,"m_morebuf":${gobufLine(r.morebuf)}`;
  o += `,"insns":${r.insns}`;
  if (r.cycles !== undefined) o += `,"cycles":${r.cycles}`;
  if (r.time !== undefined) o += `,"time_ns":${r.time}`;
  let steps = '';
  for (let i = 0; i < r.steps.length; i++) steps += (i ? ',' : '') + stepLine(r.steps[i]!);
  o += `,"steps":[${steps}]`;
  if (checks) o += `,"checks":${JSON.stringify({ ...checks })}`;
  return `${o}}`;
}

/** A control transfer (x86 jmp/jcc/call/ret, arm b/bl/bx/blx or a write of pc): its successor is where it says, even the next address. */
export function isJump(insn: string): boolean {
  return /^(j[a-z]*|call|ret[a-z]*|loop[a-z]*)\b/.test(insn) || /^(b|bl|bx|blx)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(\.w)?\s/.test(insn) || /^[a-z]+\s+(pc\b|\{[^}]*\bpc\b)|^(pop|ldm[a-z]*)\b.*\bpc\b/.test(insn);
}

/**
 * Where a switch ran off the end of a block: an instruction that is not a
 * jump (so the CPU went on at the next address) and is the last of its block
 * (so the next address is the next block, or alignment padding that the
 * recorder does not list). `next` is where the run went after the last step
 * (the exit PC, or the PC of a fault that ended the run). A stub that forgets
 * its final jump or return does this.
 */
export function ranOffEnd(r: SwitchRecord, symbols: SymbolTable, next?: bigint): { block: string; insn: Step; into: string } | undefined {
  const blockOf = (pc: bigint) => /^(.*)\+\d+$/.exec(symbols.describe(pc))?.[1];
  const pcs = [...r.steps.map((s) => s.pc), ...(next === undefined ? [] : [next])];
  for (let i = 0; i < r.steps.length && i + 1 < pcs.length; i++) {
    const s = r.steps[i]!;
    // a fault on the instruction itself: it did not complete
    if (s.size === undefined || pcs[i + 1] === s.pc || isJump(s.insn ?? '')) continue;
    const end = s.pc + BigInt(s.size);
    const block = blockOf(s.pc);
    if (block !== undefined && blockOf(end) !== block) return { block, insn: s, into: symbols.describe(end) };
  }
  return undefined;
}
