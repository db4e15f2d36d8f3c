// Loading the switches recorded from the real go1.19 runtime
// (fixtures/oracle/trace-<arch>.jsonl, recorded by tools/oracle/trace.sh; see
// tools/oracle/README.md "Trace format") as
// normalized switch records, so that the validator checks them with the same
// code as ours.
//
// Normalization:
// - symbol names in our spelling: `runtime.gogo.abi0` -> `runtime.gogo`, the
//   file-local labels `gogo`, `setg`, `gosave_systemstack_switch` ->
//   `runtime.gogo<>`, `runtime.setg<>`, `runtime.gosave_systemstack_switch<>`;
// - steps: the oracle lists, per stepi, the pc reached and the registers that
//   changed; a record step here is the instruction executed (its pc) with the
//   registers *it* changed, as our recorder makes them;
// - exit: the first instruction outside the stub and its helpers. The amd64
//   systemstack_ret records go 2 steps further (the caller's reload of R14
//   from TLS); their exit registers are rebuilt from the steps up to
//   `left_at_step`, while the memory facts (TLS g, the g) stay those recorded;
// - rt0_go is an entry breakpoint only (no switch) and is not a record; the
//   mstart record has no exit (its exit is its entry here);
// - [SP+8] at entry of morestack on amd64 is the recorded `f_caller_pc`.
//
// Symbols: the oracle has no symbol table; addresses come from every
// pc/symbol pair in the file. runtime.systemstack_switch never executes, so
// no pair names it: its address is the one the README documents for these
// recordings (amd64 0x454880, "its 1-byte RET"; arm 0x6da18, from
// "systemstack_switch+4 (0x6da1c)").
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { archByName, type ArchName } from '../arch/index.ts';
import { UserError } from '../engine/errors.ts';
import { ROOT } from '../os/machine.ts';
import type { CpuState, GobufValues, GState, Step, SwitchKind, SwitchRecord, SymbolTable, SystemstackPath } from './record.ts';

export const ORACLE_DIR = join(ROOT, 'fixtures', 'oracle');

export function oracleTracePath(arch: ArchName): string {
  return join(ORACLE_DIR, `trace-${arch}.jsonl`);
}

const DOCUMENTED_SYMBOLS: Record<ArchName, Record<string, bigint>> = {
  amd64: { 'runtime.systemstack_switch': 0x454880n },
  arm: { 'runtime.systemstack_switch': 0x6da18n },
};

export interface OracleTrace {
  arch: ArchName;
  path: string;
  /** lines in the file */
  total: number;
  records: SwitchRecord[];
  /** lines that are not switches (rt0_go's entry) */
  notSwitches: { seq: number; kind: string; reason: string }[];
  symbols: SymbolTable;
}

type Json = Record<string, unknown>;

/** Our spelling of an oracle symbol name. */
export function normalizeName(n: string): string {
  const s = n.replace(/\.abi0$/, '');
  return s.includes('.') ? s : `runtime.${s}<>`;
}

/** Our spelling of an oracle "symbol+offset". */
export function normalizeSym(s: string): string {
  const m = /^(.*)\+(\d+)$/.exec(s);
  return m ? `${normalizeName(m[1]!)}+${m[2]}` : s;
}

const big = (v: unknown): bigint | undefined => (typeof v === 'string' ? BigInt(v) : typeof v === 'number' ? BigInt(v) : undefined);

function gobuf(o: unknown): GobufValues | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const j = o as Json;
  return { sp: big(j.sp)!, pc: big(j.pc)!, g: big(j.g)!, ctxt: big(j.ctxt)!, ret: big(j.ret)!, lr: big(j.lr)!, bp: big(j.bp)! };
}

function gstate(o: unknown): GState | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const j = o as Json;
  const g: GState = {
    addr: big(j.addr)!,
    goid: j.goid as number,
    status: j.status as number,
    stackLo: big(j.stack_lo)!,
    stackHi: big(j.stack_hi)!,
    stackguard0: big(j.stackguard0)!,
    m: big(j.m)!,
    sched: gobuf(j.sched)!,
  };
  if (j.m_g0 !== undefined) {
    g.mInfo = { id: j.m_id as number, g0: big(j.m_g0)!, curg: big(j.m_curg)!, gsignal: big(j.m_gsignal)!, p: big(j.m_p)!, g0SchedSp: big(j.g0_sched_sp)! };
  }
  return g;
}

function regsOf(o: unknown): Record<string, bigint> {
  return Object.fromEntries(Object.entries((o ?? {}) as Record<string, string>).map(([k, v]) => [k, BigInt(v)]));
}

function cpu(o: Json, ptrSize: number): CpuState {
  const c: CpuState = { pc: big(o.pc)!, sym: normalizeSym(o.sym as string), regs: regsOf(o.regs) };
  const tls = big(o.tls_g);
  if (tls !== undefined) c.tlsG = tls;
  const at = big(o.ret_addr_at_sp) ?? big(o.word_at_sp);
  if (at !== undefined) c.atSp = at;
  const at1 = ptrSize === 4 ? big(o.word_at_sp4) : big(o.word_at_sp8);
  if (at1 !== undefined) c.atSp1 = at1;
  const g = gstate(o.g);
  if (g) c.g = g;
  return c;
}

const KINDS = new Set<string>(['gogo', 'mcall', 'systemstack', 'systemstack_ret', 'morestack', 'morestack_noctxt', 'goexit_ret', 'mstart']);

/** One oracle line as a switch record (undefined for rt0_go). */
export function oracleRecord(j: Json): SwitchRecord | undefined {
  const kind = j.kind as string;
  if (!KINDS.has(kind)) return undefined;
  const arch = archByName(j.arch as string);
  const entry = cpu(j.entry as Json, arch.ptrSize);
  if (kind === 'morestack' || kind === 'morestack_noctxt') {
    // [SP+8] at entry is f's caller PC (README: "[RSP+8] = f's caller PC")
    const fc = big(j.f_caller_pc);
    if (entry.atSp1 === undefined && fc !== undefined && !arch.usesLR) entry.atSp1 = fc;
  }
  let exit = j.exit ? cpu(j.exit as Json, arch.ptrSize) : entry;
  const raw = (j.steps ?? []) as { pc: string; sym: string; changed: Record<string, string> }[];
  const steps: Step[] = [];
  if (raw.length > 0) {
    const last = typeof j.left_at_step === 'number' ? j.left_at_step : raw.length - 1;
    let pc = entry.pc;
    let sym = entry.sym;
    const regs = { ...entry.regs };
    for (let i = 0; i <= last; i++) {
      const s = raw[i]!;
      const changed = regsOf(s.changed);
      steps.push({ pc, sym, changed });
      Object.assign(regs, changed);
      pc = BigInt(s.pc);
      sym = normalizeSym(s.sym);
    }
    regs[arch.pcReg] = pc;
    if (last !== raw.length - 1) {
      // the recording went on into the caller: the exit is where it left the stub
      exit = { ...exit, pc, sym, regs };
    }
  }
  const rec: SwitchRecord = {
    source: 'oracle',
    arch: arch.name,
    seq: j.seq as number,
    kind: kind as SwitchKind,
    stub: kind === 'goexit_ret' ? 'runtime.goexit' : kind === 'systemstack_ret' ? 'runtime.systemstack' : `runtime.${kind}`,
    thread: j.thread as number,
    mId: entry.g?.mInfo?.id ?? -1,
    pId: -1,
    entry,
    exit,
    steps,
    insns: steps.length,
  };
  if (typeof j.path === 'string') rec.path = j.path as SystemstackPath;
  if (j.buf !== undefined) rec.buf = big(j.buf);
  if (j.gobuf) rec.gobuf = gobuf(j.gobuf);
  if (j.gobuf_after) rec.gobufAfter = gobuf(j.gobuf_after);
  if (j.target_g) rec.targetG = gstate(j.target_g);
  if (typeof j.fresh_goroutine === 'boolean') rec.fresh = j.fresh_goroutine;
  if (j.fn !== undefined) rec.fn = big(j.fn);
  if (j.fn_fn !== undefined) rec.fnFn = big(j.fn_fn);
  if (j.oldg_after) rec.oldgAfter = gstate(j.oldg_after);
  if (j.m_morebuf) rec.morebuf = gobuf(j.m_morebuf);
  return rec;
}

/** Every pc/symbol pair of the trace, as a symbol table. */
function oracleSymbols(arch: ArchName, lines: Json[]): SymbolTable {
  const bases = new Map<string, bigint>(Object.entries(DOCUMENTED_SYMBOLS[arch]));
  // ABI0 wrappers keep their `.abi0` name here (runtime.goexit1 and
  // runtime.goexit1.abi0 are different functions); the plain name also
  // resolves to the wrapper when the ABIInternal function never appears.
  const wrappers = new Map<string, bigint>();
  const note = (pc: unknown, sym: unknown) => {
    if (typeof pc !== 'string' || typeof sym !== 'string') return;
    const m = /^(.*)\+(\d+)$/.exec(sym);
    if (!m) return;
    const base = BigInt(pc) - BigInt(m[2]!);
    const name = m[1]!.endsWith('.abi0') ? m[1]! : normalizeName(m[1]!);
    bases.set(name, base);
    if (name.endsWith('.abi0')) wrappers.set(name.slice(0, -5), base);
  };
  for (const j of lines) {
    for (const k of ['entry', 'exit'] as const) {
      const c = j[k] as Json | undefined;
      if (c) note(c.pc, c.sym);
    }
    for (const s of (j.steps ?? []) as Json[]) note(s.pc, s.sym);
    note(j.fn_fn, j.fn_sym);
    note(j.caller_pc, j.caller_sym);
    note(j.f_pc, j.f_sym);
    note(j.f_caller_pc, j.f_caller_sym);
    note(j.return_into, j.return_into_sym);
    note((j.gobuf as Json | undefined)?.pc, j.gobuf_pc_sym);
  }
  for (const [plain, a] of wrappers) if (!bases.has(plain)) bases.set(plain, a);
  const sorted = [...bases].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return {
    addr: (name) => bases.get(name),
    describe(addr) {
      // the nearest symbol at or below, within 4 KiB (the table is partial)
      let best: [string, bigint] | undefined;
      for (const e of sorted) if (e[1] <= addr) best = e;
      return best && addr - best[1] < 4096n ? `${best[0]}+${addr - best[1]}` : `0x${addr.toString(16)}`;
    },
  };
}

/** Load fixtures/oracle/trace-<arch>.jsonl (or `file`). */
export function loadOracleTrace(arch: ArchName, file = oracleTracePath(arch)): OracleTrace {
  if (!existsSync(file)) throw new UserError(`oracle trace ${file} not found (fixtures/oracle/trace-${arch}.jsonl; tools/oracle/trace.sh records it)`);
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Json;
      } catch {
        throw new UserError(`${file}:${i + 1}: not a JSON object`);
      }
    });
  const records: SwitchRecord[] = [];
  const notSwitches: OracleTrace['notSwitches'] = [];
  for (const j of lines) {
    if (j.arch !== arch) throw new UserError(`${file}: record ${String(j.seq)} is for ${String(j.arch)}, not ${arch}`);
    const r = oracleRecord(j);
    if (r) records.push(r);
    else notSwitches.push({ seq: j.seq as number, kind: String(j.kind), reason: 'an entry breakpoint, not a switch' });
  }
  return { arch, path: file, total: lines.length, records, notSwitches, symbols: oracleSymbols(arch, lines) };
}
