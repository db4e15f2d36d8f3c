// A small typed API over one Unicorn instance. Knows nothing about Go.
//
// - registers by name (the names come from an EngineArch descriptor that
//   src/arch supplies, so this file has no ISA tables of its own);
// - memory: arenas mapped with uc_mem_map_ptr (zero-copy DataView access);
// - run(pc, {count}) exits through an unmapped sentinel address, never an
//   `until` inside code and never Unicorn's `timeout` (ENGINE-NOTES §1, §5);
// - hooks are disposables; their callbacks stay registered until disposed;
// - an exception thrown by a hook stops the emulator and is rethrown after
//   uc_emu_start returns; a fault becomes an EmulationFault;
// - snapshots: CPU state as plain bytes (saveCpu/loadCpu, EngineContext
//   toBytes/fromBytes) and arena snapshots of dirty pages (Arena.snapshot);
//   a restore drops the translated code of rewritten executable pages.
import type { TypeObject } from 'koffi';
import { Arena, PAGE, type ArenaOptions } from './arena.ts';
import type { ArenaSnapshot } from './snapshot.ts';
import { EmulationFault, UcError } from './errors.ts';
import { koffi, MEM_ACCESS, UC, UC_ERR, uc, ucCtl } from './unicorn.ts';

/** What the engine needs to know about an ISA. Supplied by src/arch. */
export interface EngineArch {
  readonly name: string;
  readonly ucArch: number;
  readonly ucMode: number;
  /** register name (lower case) -> Unicorn register id */
  readonly regIds: Readonly<Record<string, number>>;
  /** registers shown in dumps and fault reports, in order */
  readonly dumpRegs: readonly string[];
  readonly pcReg: string;
  readonly spReg: string;
  /** bytes per general register (4 on arm: upper bytes of the read buffer are ignored) */
  readonly regBytes: 4 | 8;
  readonly wordSize: 4 | 8;
  /**
   * Registers that share no bits with any other register id (a write to one
   * of them changes no other): their remembered values survive writes to
   * other registers (see Engine.regById).
   */
  readonly isolatedRegs?: readonly string[];
  /**
   * Registers host calls read most (PC, SP, the g, argument registers): a
   * read of one that is not remembered reads them all in one FFI call.
   */
  readonly hotRegs?: readonly string[];
  /** disassemble one instruction for fault reports; '' when it does not decode */
  describeInsn?(bytes: Uint8Array, address: number): string;
}

/**
 * The exit sentinel: an address that is never mapped. Returning or jumping to
 * it ends a run cleanly. Above the emulated address space's arena (which ends
 * at 0xf0000000, src/os/memmap.ts checks it) and below arm's high-vectors page.
 */
export const EXIT_SENTINEL = 0xf7ff0000;

export interface Disposable {
  dispose(): void;
}

export type StopReason =
  /** execution reached EXIT_SENTINEL */
  | 'exit'
  /** the instruction count given to run() was used up */
  | 'count'
  /** a hook called engine.stop() */
  | 'stop';

export interface RunResult {
  reason: StopReason;
  pc: number;
}

export interface MemFaultInfo {
  kind: string;
  address: number;
  size: number;
}

const UNLIMITED = Number.MAX_SAFE_INTEGER;
/** register ids below this are remembered between reads (Unicorn's x86 and ARM ids are smaller) */
const REG_CACHE_IDS = 512;

function num(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

export class Engine {
  private readonly handle: unknown;
  private readonly regBuf = new BigUint64Array(1);
  /** regBuf as two 32-bit halves, low first (numbers without a BigInt) */
  private readonly regHalves = new Uint32Array(this.regBuf.buffer);
  /** Unicorn ids of the PC and SP */
  private readonly pcId: number;
  private readonly spId: number;
  private readonly hooks = new Set<HookHandle>();
  private pendingError: unknown = undefined;
  private stopRequested = false;
  private lastMemFault: MemFaultInfo | undefined;
  private readonly faultHook: HookHandle;
  private closed = false;
  readonly arenas: Arena[] = [];

  constructor(readonly arch: EngineArch) {
    const out: unknown[] = [null];
    this.check('uc_open', uc().uc_open(arch.ucArch, arch.ucMode, out));
    this.handle = out[0];
    this.pcId = this.regId(arch.pcReg);
    this.spId = this.regId(arch.spReg);
    for (const r of arch.isolatedRegs ?? []) this.isolated[this.regId(r)] = 1;
    if (arch.hotRegs?.length) {
      this.hotBatch = this.registerBatch(arch.hotRegs);
      for (const id of this.hotBatch.ids) this.hot[id] = 1;
    }
    // Always record the details of the last invalid memory access, so that a
    // fault can name the address and access kind. Returning false lets Unicorn
    // stop with its own error code.
    this.faultHook = this.addRawHook(
      UC.HOOK_MEM_INVALID,
      uc().HookMem,
      (_h: unknown, type: number, addr: number | bigint, size: number) => {
        this.lastMemFault = { kind: MEM_ACCESS[type] ?? `access type ${type}`, address: num(addr), size };
        return false;
      },
      1,
      0,
    );
  }

  private check(call: string, code: number): void {
    if (code !== UC_ERR.OK) throw new UcError(call, code, uc().uc_strerror(code) as string);
  }

  // ---- memory -------------------------------------------------------------

  /**
   * Allocate an arena of host memory and map [base, base+size) of it with the
   * given permissions per region. `regions` are offsets relative to base; the
   * whole arena is mapped read/write/exec when regions is omitted.
   */
  mapArena(base: number, size: number, regions?: { start: number; size: number; perms: number }[], options?: ArenaOptions): Arena {
    const arena = new Arena(base, size, this.arch.wordSize, options);
    const parts = regions ?? [{ start: base, size: arena.size, perms: UC.PROT_ALL }];
    for (const r of parts) {
      if (r.start % PAGE || r.size % PAGE) throw new Error(`region 0x${r.start.toString(16)}+0x${r.size.toString(16)} is not page aligned`);
      const off = r.start - base;
      if (off < 0 || off + r.size > arena.size) throw new Error(`region 0x${r.start.toString(16)} lies outside the arena`);
      const ptr = koffi.as(koffi.address(arena.hostPtr) + BigInt(off), 'void *');
      this.check('uc_mem_map_ptr', uc().uc_mem_map_ptr(this.handle, BigInt(r.start), r.size, r.perms, ptr));
    }
    // A restore rewrites pages behind Unicorn's back: drop translated code of
    // the rewritten pages that are mapped executable (ENGINE-NOTES: code
    // writes through the view need TB_REMOVE_CACHE). Only executable regions,
    // and one call per region piece: Unicorn 2.0.1 translates the start
    // address as an instruction fetch, and separately mapped regions need not
    // be contiguous inside Unicorn.
    const exec = parts.filter((r) => r.perms & UC.PROT_EXEC);
    if (exec.length) arena.onRestore((written) => this.invalidatePages(base, written, exec));
    this.arenas.push(arena);
    return arena;
  }

  private invalidatePages(base: number, pages: Uint32Array, exec: readonly { start: number; size: number }[]): void {
    for (let i = 0; i < pages.length; ) {
      let j = i + 1;
      while (j < pages.length && pages[j] === pages[j - 1]! + 1) j++;
      const lo = base + pages[i]! * PAGE;
      const hi = base + (pages[j - 1]! + 1) * PAGE;
      for (const r of exec) {
        const a = Math.max(lo, r.start);
        const b = Math.min(hi, r.start + r.size);
        if (a < b) this.invalidateCode(a, b - a);
      }
      i = j;
    }
  }

  /** Read emulated memory through Unicorn (works for any mapped address). */
  memRead(addr: number, len: number): Uint8Array {
    const buf = new Uint8Array(len);
    this.check('uc_mem_read', uc().uc_mem_read(this.handle, BigInt(addr), buf, len));
    return buf;
  }

  memWrite(addr: number, data: Uint8Array): void {
    this.check('uc_mem_write', uc().uc_mem_write(this.handle, BigInt(addr), data, data.length));
  }

  /** Drop translated code for [addr, addr+len): call after rewriting code through an arena view. */
  invalidateCode(addr: number, len: number): void {
    this.check(
      'uc_ctl(TB_REMOVE_CACHE)',
      uc().uc_ctl(this.handle, ucCtl(UC.CTL_TB_REMOVE_CACHE, 2, UC.CTL_IO_WRITE), 'uint64_t', BigInt(addr), 'uint64_t', BigInt(addr + len)),
    );
  }

  /** Drop all translated code. Slow (seconds on a fresh instance): prefer invalidateCode. */
  flushCode(): void {
    this.check('uc_ctl(TB_FLUSH)', uc().uc_ctl(this.handle, ucCtl(UC.CTL_TB_FLUSH, 0, UC.CTL_IO_WRITE)));
  }

  // ---- registers ------------------------------------------------------------

  /** The Unicorn id of a register name (for the by-id accessors, which skip the name lookup). */
  regId(name: string): number {
    const id = this.arch.regIds[name] ?? this.arch.regIds[name.toLowerCase()];
    if (id === undefined) throw new Error(`unknown ${this.arch.name} register '${name}'`);
    return id;
  }

  /** A register as an unsigned bigint. */
  reg(name: string): bigint {
    return this.regById(this.regId(name));
  }

  regById(id: number): bigint {
    if (id < REG_CACHE_IDS) {
      this.load(id);
      const hi = this.regHi[id]!;
      return hi === 0 ? BigInt(this.regLo[id]!) : (BigInt(hi) << 32n) | BigInt(this.regLo[id]!);
    }
    this.readOne(id);
    return this.arch.regBytes === 4 ? this.regBuf[0]! & 0xffffffffn : this.regBuf[0]!;
  }

  /**
   * A register as a number, by Unicorn id: the value Number(regById(id))
   * gives (exact below 2^53, rounded above), without making a BigInt.
   */
  regNumById(id: number): number {
    if (id < REG_CACHE_IDS) {
      this.load(id);
      return this.regHi[id]! * 0x1_0000_0000 + this.regLo[id]!;
    }
    this.readOne(id);
    return this.arch.regBytes === 4 ? this.regHalves[0]! : this.regHalves[1]! * 0x1_0000_0000 + this.regHalves[0]!;
  }

  /** make the remembered value of register id (< REG_CACHE_IDS) current */
  private load(id: number): void {
    if (this.regStamp[id] === (this.isolated[id] ? this.epochAll : this.epochGen)) return;
    if (this.hot[id] && this.hotBatch) {
      this.readHot();
      return;
    }
    this.readOne(id);
    this.rememberHalves(id, this.regHalves[0]!, this.arch.regBytes === 4 ? 0 : this.regHalves[1]!);
  }

  /** one uc_reg_read into regBuf */
  private readOne(id: number): void {
    this.regBuf[0] = 0n; // Unicorn writes only the register's width
    this.check('uc_reg_read', uc().uc_reg_read(this.handle, id, this.regBuf));
  }

  // Register reads are remembered until anything may change a register:
  // emulated code (a run, any hook), a context restore, a write (of that
  // register only when it is isolated, else of every register that is not).
  // Host calls read the same few registers (the g, SP, arguments) many times
  // over, each read an FFI call of about half a microsecond.
  /** changes whenever every register may have changed */
  private epochAll = 1;
  /** changes then and whenever a register that is not isolated is written */
  private epochGen = 1;
  private readonly regStamp = new Float64Array(REG_CACHE_IDS);
  /** remembered values as 32-bit halves (no BigInt on the way in or out) */
  private readonly regLo = new Uint32Array(REG_CACHE_IDS);
  private readonly regHi = new Uint32Array(REG_CACHE_IDS);
  private readonly isolated = new Uint8Array(REG_CACHE_IDS);
  private readonly hot = new Uint8Array(REG_CACHE_IDS);
  private hotBatch: RegisterBatch | undefined;

  private rememberHalves(id: number, lo: number, hi: number): void {
    this.regStamp[id] = this.isolated[id] ? this.epochAll : this.epochGen;
    this.regLo[id] = lo;
    this.regHi[id] = hi;
  }

  private readHot(): void {
    const b = this.hotBatch!;
    b.read(); // (4-byte registers: the batch zeroes the upper halves first)
    const h = b.halves;
    const ids = b.ids;
    for (let i = 0; i < ids.length; i++) this.rememberHalves(ids[i]!, h[2 * i]!, h[2 * i + 1]!);
  }

  /** Forget remembered register values (see regById). */
  private forgetRegs(): void {
    this.epochAll++;
    this.epochGen++;
  }

  /** A register as a number (for addresses and small values). */
  regN(name: string): number {
    return this.regNumById(this.regId(name));
  }

  /**
   * A register of any width by Unicorn id, as the little-endian bytes
   * Unicorn stores (x87 ST: 10, XMM: 16, segment selectors: 2 to 8):
   * for registers wider than reg() reads (a debugger's view).
   */
  regBytes(id: number, size: number): Uint8Array {
    const buf = new Uint8Array(Math.max(64, size));
    this.check('uc_reg_read', uc().uc_reg_read(this.handle, id, buf));
    return buf.slice(0, size);
  }

  /** Write a register of any width by Unicorn id (see regBytes). */
  setRegBytes(id: number, bytes: Uint8Array): void {
    this.forgetRegs();
    const buf = new Uint8Array(Math.max(64, bytes.length));
    buf.set(bytes);
    this.check('uc_reg_write', uc().uc_reg_write(this.handle, id, buf));
  }

  setReg(name: string, value: bigint | number): void {
    this.setRegById(this.regId(name), value);
  }

  setRegById(id: number, value: bigint | number): void {
    const h = this.regHalves;
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      // the 64-bit two's complement of a safe integer, as BigInt.asUintN(64, BigInt(value)) gives
      h[0] = value >>> 0;
      h[1] = Math.floor(value / 0x1_0000_0000) >>> 0;
    } else {
      this.regBuf[0] = BigInt.asUintN(64, BigInt(value));
    }
    this.check('uc_reg_write', uc().uc_reg_write(this.handle, id, this.regBuf));
    if (id < REG_CACHE_IDS && this.isolated[id]) this.rememberHalves(id, h[0]!, this.arch.regBytes === 4 ? 0 : h[1]!);
    else this.epochGen++; // registers alias (eax, rax): forget all but the isolated ones
  }

  /** Read several registers in one FFI call (uc_reg_read_batch). */
  regs(names: readonly string[]): Record<string, bigint> {
    let b = this.batches.get(names);
    if (!b) {
      b = this.registerBatch(names);
      this.batches.set(names, b);
    }
    b.read();
    const out: Record<string, bigint> = {};
    const mask = this.arch.regBytes === 4 ? 0xffffffffn : 0xffffffffffffffffn;
    const vals = b.values;
    for (let i = 0; i < names.length; i++) out[names[i]!] = vals[i]! & mask;
    return out;
  }

  /** batches of the name lists regs() was given (callers pass the same arrays again and again) */
  private readonly batches = new WeakMap<readonly string[], RegisterBatch>();
  /** native memory of the register batches, freed by close() */
  private readonly nativeAllocs: unknown[] = [];

  /**
   * A fixed list of registers read by one uc_reg_read_batch call into
   * native memory that is reused (register ids, slot pointers and values are
   * set up once): for reading registers at every instruction without
   * allocating. Valid until the engine is closed.
   */
  registerBatch(names: readonly string[]): RegisterBatch {
    const n = names.length;
    const alloc = (type: string, len: number) => {
      const p = koffi.alloc(type, Math.max(len, 1));
      this.nativeAllocs.push(p);
      return p;
    };
    const ids = alloc('int32_t', n);
    new Int32Array(koffi.view(ids, n * 4)).set(names.map((r) => this.regId(r)));
    const valsPtr = alloc('uint64_t', n);
    const values = new BigUint64Array(koffi.view(valsPtr, n * 8));
    const halves = new Uint32Array(values.buffer);
    const ptrs = alloc('uint64_t', n);
    const base = koffi.address(valsPtr);
    new BigUint64Array(koffi.view(ptrs, n * 8)).set(names.map((_, i) => base + BigInt(i * 8)));
    return {
      names,
      ids: names.map((r) => this.regId(r)),
      values,
      halves,
      read: () => {
        halves.fill(0); // Unicorn writes only each register's width
        this.check('uc_reg_read_batch', uc().uc_reg_read_batch(this.handle, ids, ptrs, n));
      },
    };
  }

  setRegs(values: Record<string, bigint | number>): void {
    for (const [k, v] of Object.entries(values)) this.setReg(k, v);
  }

  get pc(): number {
    return this.regNumById(this.pcId);
  }
  set pc(v: number) {
    this.setRegById(this.pcId, v);
  }
  get sp(): number {
    return this.regNumById(this.spId);
  }
  set sp(v: number) {
    this.setRegById(this.spId, v);
  }

  /** The dump registers of the arch, for reports. */
  dump(): Record<string, bigint> {
    return this.regs(this.arch.dumpRegs);
  }

  // ---- contexts (one per emulated thread) --------------------------------------

  newContext(): EngineContext {
    const out: unknown[] = [null];
    this.check('uc_context_alloc', uc().uc_context_alloc(this.handle, out));
    return new EngineContext(this, out[0]);
  }

  /** @internal */
  contextOp(op: 'save' | 'restore', ctx: unknown): void {
    if (op === 'restore') this.forgetRegs();
    const f = op === 'save' ? uc().uc_context_save : uc().uc_context_restore;
    this.check(`uc_context_${op}`, f(this.handle, ctx));
  }

  private scratch: EngineContext | undefined;
  private header: Buffer | undefined;

  /** Bytes of a uc_context of this engine (uc_context_size): 5544 on x86-64, 4316 on ARM (Unicorn 2.0.1). */
  get contextSize(): number {
    return Number(uc().uc_context_size(this.handle));
  }

  /**
   * @internal The first 16 bytes every context of this engine starts with
   * (Unicorn 2.0.1's struct uc_context: size_t data size, uc_mode, uc_arch).
   */
  contextHeader(): Buffer {
    this.scratch ??= this.newContext();
    this.header ??= this.scratch.toBytes().subarray(0, 16);
    return this.header;
  }

  /**
   * The current CPU state (every register, including FS_BASE / TPIDRURO) as
   * plain bytes that outlive any context object. Restore with loadCpu, on this
   * engine or another one of the same arch in the same Unicorn build: the
   * bytes are Unicorn's raw CPU state, not a stable format. Cost
   * (tools/bench-snapshot.ts): 4-8 us, mostly allocating the returned
   * buffer; loadCpu 0.7-2 us.
   */
  saveCpu(): Buffer {
    this.scratch ??= this.newContext();
    this.scratch.save();
    return this.scratch.toBytes();
  }

  /** Load a CPU state taken by saveCpu (or EngineContext.toBytes). */
  loadCpu(bytes: Uint8Array): void {
    this.scratch ??= this.newContext();
    this.scratch.fromBytes(bytes);
    this.scratch.restore();
  }

  private swap: EngineContext | undefined;
  private swapped = false;

  /**
   * Run fn with the registers saved in `ctx` (a parked thread's) loaded in
   * the CPU, so that reg/setReg and anything written against the Engine
   * (arch helpers) work on them; with `save`, ctx then takes the registers
   * as fn left them. The CPU's own registers are put back afterwards, also
   * when fn throws. Not from inside a hook, and not nested. Cost: a save
   * and a restore of ctx and of the CPU (about a microsecond each).
   */
  withContext<R>(ctx: EngineContext, fn: () => R, o: { save?: boolean } = {}): R {
    if (this.swapped) throw new Error('withContext: already inside withContext');
    this.swap ??= this.newContext();
    this.swap.save();
    this.swapped = true;
    try {
      ctx.restore();
      const r = fn();
      if (o.save) ctx.save();
      return r;
    } finally {
      this.swap.restore();
      this.swapped = false;
    }
  }

  // ---- snapshots -------------------------------------------------------------------

  /**
   * The engine's part of a run snapshot: the current registers and every
   * mapped arena (dirty pages only, see Arena.snapshot). Contexts of parked
   * threads are the caller's to add (EngineContext.toBytes). Call between runs.
   */
  snapshot(): EngineSnapshot {
    return { cpu: this.saveCpu(), arenas: this.arenas.map((a) => a.snapshot()) };
  }

  /** Restore registers and memory of an engine snapshot (translated code of rewritten code pages is dropped). */
  restore(s: EngineSnapshot): void {
    if (s.arenas.length !== this.arenas.length) throw new Error(`snapshot has ${s.arenas.length} arenas, the engine ${this.arenas.length}`);
    this.arenas.forEach((a, i) => a.restore(s.arenas[i]!));
    this.loadCpu(s.cpu);
  }

  // ---- hooks -----------------------------------------------------------------

  private addRawHook(type: number, proto: unknown, fn: (...args: never[]) => unknown, begin: number, end: number, extra?: [string, number]): HookHandle {
    const cb = koffi.register(fn, koffi.pointer(proto as TypeObject));
    const hh = [0];
    const args: unknown[] = [this.handle, hh, type, cb, null, BigInt(begin), BigInt(end)];
    if (extra) args.push(...extra);
    const code = (uc().uc_hook_add as (...a: unknown[]) => number)(...args);
    if (code !== UC_ERR.OK) {
      koffi.unregister(cb);
      this.check('uc_hook_add', code);
    }
    const h = new HookHandle(this, Number(hh[0]), cb);
    this.hooks.add(h);
    return h;
  }

  /** @internal */
  removeHook(h: HookHandle): void {
    if (!this.hooks.delete(h)) return;
    if (!this.closed) this.check('uc_hook_del', uc().uc_hook_del(this.handle, h.hh));
    if (h.cb !== undefined) koffi.unregister(h.cb as Parameters<typeof koffi.unregister>[0]);
    h.slow?.dispose();
  }

  /**
   * A block-hook function in JavaScript as a native function pointer (for
   * machine code to call, e.g. BlockCounter's slow path), guarded like every
   * hook. Unregistered with the native hook it is given to.
   */
  registerBlockCallback(fn: (address: number, size: number) => void): { pointer: unknown; dispose(): void } {
    const g = this.guard((_h: unknown, addr: number | bigint, size: number) => fn(num(addr), size), undefined);
    const cb = koffi.register(g, koffi.pointer(uc().HookCode as TypeObject));
    return { pointer: cb, dispose: () => koffi.unregister(cb) };
  }

  /**
   * A hook whose callback is machine code at `code` (called with `ud` as its
   * user data); `slow`, if given, is released with it.
   */
  addNativeHook(type: number, code: unknown, ud: unknown, begin: number, end: number, slow?: { dispose(): void }): Disposable {
    const hh = [0];
    const rc = (uc().uc_hook_add as (...a: unknown[]) => number)(this.handle, hh, type, code, ud, BigInt(begin), BigInt(end));
    if (rc !== UC_ERR.OK) {
      slow?.dispose();
      this.check('uc_hook_add', rc);
    }
    const h = new HookHandle(this, Number(hh[0]), undefined, slow);
    this.hooks.add(h);
    return h;
  }

  /**
   * Called first whenever a JavaScript hook runs (before its function): the
   * owner of native counters folds them in so that hooks see them current.
   */
  onHookEntry: (() => void) | undefined;

  /** Wrap a hook body: an exception is stashed, the emulator stopped, and rethrown by run(). */
  private guard<A extends unknown[], R>(fn: (...a: A) => R, fallback: R): (...a: A) => R {
    return (...a: A) => {
      try {
        this.forgetRegs();
        this.onHookEntry?.();
        return fn(...a);
      } catch (e) {
        if (this.pendingError === undefined) this.pendingError = e;
        uc().uc_emu_stop(this.handle);
        return fallback;
      }
    };
  }

  /** guard() for a code or block hook's callback, written out: no rest arguments or spread on every call */
  private guardCode(fn: (address: number, size: number) => void): (h: unknown, addr: number | bigint, size: number) => void {
    return (_h: unknown, addr: number | bigint, size: number) => {
      try {
        this.forgetRegs();
        this.onHookEntry?.();
        fn(typeof addr === 'number' ? addr : Number(addr), size);
      } catch (e) {
        if (this.pendingError === undefined) this.pendingError = e;
        uc().uc_emu_stop(this.handle);
      }
    };
  }

  /**
   * Call fn(address, size) before each instruction in [begin, end] (inclusive).
   * begin > end means every address.
   */
  hookCode(begin: number, end: number, fn: (address: number, size: number) => void): Disposable {
    return this.addRawHook(UC.HOOK_CODE, uc().HookCode, this.guardCode(fn), begin, end);
  }

  /** Call fn(address, size) at the start of each translated basic block in [begin, end]. */
  hookBlock(begin: number, end: number, fn: (address: number, size: number) => void): Disposable {
    return this.addRawHook(UC.HOOK_BLOCK, uc().HookCode, this.guardCode(fn), begin, end);
  }

  /**
   * Observe invalid memory accesses (unmapped or protection). The run still ends
   * with an EmulationFault unless fn returns true after mapping the memory.
   */
  hookMemFault(fn: (info: MemFaultInfo) => boolean | void): Disposable {
    const g = this.guard((_h: unknown, type: number, addr: number | bigint, size: number) => {
      return fn({ kind: MEM_ACCESS[type] ?? `access type ${type}`, address: num(addr), size }) === true;
    }, false);
    return this.addRawHook(UC.HOOK_MEM_INVALID, uc().HookMem, g, 1, 0);
  }

  /**
   * Call fn(address, size, value) before each emulated store in [begin, end]
   * (begin > end: everywhere). Sees no TypeScript writes through the arena
   * view. Slow: a JS call per store made a store loop 3.6-6.5x slower (1M
   * stores: 83-98 ms -> 348-539 ms, tools/probe-dirty-tracking.ts).
   */
  hookMemWrite(begin: number, end: number, fn: (address: number, size: number, value: bigint) => void): Disposable {
    const g = this.guard((_h: unknown, _type: number, addr: number | bigint, size: number, value: number | bigint) => {
      fn(num(addr), size, BigInt(value));
      return true;
    }, true);
    return this.addRawHook(UC.HOOK_MEM_WRITE, uc().HookMem, g, begin, end);
  }

  /**
   * Call fn(address, size) before each emulated load in [begin, end]
   * (begin > end: everywhere): Unicorn compares the access's first address
   * with the range. Sees no TypeScript reads through the arena view. Slow
   * in the same way as hookMemWrite.
   */
  hookMemRead(begin: number, end: number, fn: (address: number, size: number) => void): Disposable {
    const g = this.guard((_h: unknown, _type: number, addr: number | bigint, size: number) => {
      fn(num(addr), size);
      return true;
    }, true);
    return this.addRawHook(UC.HOOK_MEM_READ, uc().HookMem, g, begin, end);
  }

  /** Observe invalid instructions. Returning true ends the run without an error (Unicorn does not resume). */
  hookInvalidInsn(fn: (pc: number) => boolean | void): Disposable {
    const g = this.guard(() => fn(this.pc) === true, false);
    return this.addRawHook(UC.HOOK_INSN_INVALID, uc().HookInsnInvalid, g, 1, 0);
  }

  /**
   * Call fn() when the instruction with Unicorn id `insnId` executes (x86
   * SYSCALL = 699). PC is at the instruction; Unicorn steps over it afterwards.
   */
  hookInsn(insnId: number, fn: () => void): Disposable {
    const g = this.guard(() => fn(), undefined);
    return this.addRawHook(UC.HOOK_INSN, uc().HookSyscall, g, 1, 0, ['int', insnId]);
  }

  /** Observe interrupts / traps (x86 int3, ARM svc/bkpt). */
  hookInterrupt(fn: (intno: number) => void): Disposable {
    const g = this.guard((_h: unknown, intno: number) => fn(intno), undefined);
    return this.addRawHook(UC.HOOK_INTR, uc().HookIntr, g, 1, 0);
  }

  // ---- running -------------------------------------------------------------------

  /** Ask the running emulation to stop before the next instruction. From hooks only. */
  stop(): void {
    this.stopRequested = true;
    uc().uc_emu_stop(this.handle);
  }

  /**
   * Run from pc until execution reaches EXIT_SENTINEL, `count` instructions
   * have run (when given), or a hook calls stop(). Faults throw EmulationFault;
   * an exception from a hook is rethrown here.
   */
  run(pc: number, opts: { count?: number } = {}): RunResult {
    this.pendingError = undefined;
    this.stopRequested = false;
    this.lastMemFault = undefined;
    // Always pass a count: with one, Unicorn keeps PC exact at every instruction,
    // so a fault reports the faulting instruction rather than the start of its
    // translation block (measured: see test/engine/engine.test.ts).
    this.forgetRegs();
    const code = uc().uc_emu_start(this.handle, BigInt(pc), BigInt(EXIT_SENTINEL), 0n, opts.count ?? UNLIMITED) as number;
    this.forgetRegs();
    const err = this.pendingError;
    this.pendingError = undefined;
    if (err !== undefined) throw err;
    const at = this.pc;
    if (code !== UC_ERR.OK) {
      if (at === EXIT_SENTINEL && code === UC_ERR.FETCH_UNMAPPED) return { reason: 'exit', pc: at };
      throw this.fault(code);
    }
    if (at === EXIT_SENTINEL) return { reason: 'exit', pc: at };
    if (this.stopRequested) return { reason: 'stop', pc: at };
    if (opts.count === undefined) throw new Error(`emulation ended at pc=0x${at.toString(16)} without a reason`);
    return { reason: 'count', pc: at };
  }

  private fault(code: number): EmulationFault {
    const pc = this.pc;
    const text = uc().uc_strerror(code) as string;
    let kind: string;
    let address: number | undefined;
    const mf = this.lastMemFault;
    if (mf && code >= UC_ERR.READ_UNMAPPED && code <= UC_ERR.FETCH_PROT) {
      kind = mf.kind;
      address = mf.address;
    } else if (code === UC_ERR.INSN_INVALID) {
      kind = 'invalid instruction';
    } else if (code === UC_ERR.EXCEPTION) {
      kind = 'unhandled CPU exception';
    } else {
      kind = text;
    }
    return new EmulationFault(kind, pc, address, this.describe(pc), this.dump(), text);
  }

  /** Disassembly of the instruction at pc, or '' when unreadable. */
  describe(pc: number): string {
    if (!this.arch.describeInsn) return '';
    try {
      return this.arch.describeInsn(this.memRead(pc, 16), pc);
    } catch {
      return '';
    }
  }

  close(): void {
    if (this.closed) return;
    for (const h of [...this.hooks]) this.removeHook(h);
    this.scratch?.free();
    this.swap?.free();
    this.closed = true;
    uc().uc_close(this.handle);
    for (const p of this.nativeAllocs) koffi.free(p);
    this.nativeAllocs.length = 0;
    for (const a of this.arenas) a.free();
    this.arenas.length = 0;
  }
}

/** See Engine.registerBatch. */
export interface RegisterBatch {
  readonly names: readonly string[];
  /** their Unicorn ids */
  readonly ids: readonly number[];
  /** the values of the last read(), one u64 per register (high bits zero beyond the register's width) */
  readonly values: BigUint64Array;
  /** the same memory as 32-bit halves, low half first: compare without allocating bigints */
  readonly halves: Uint32Array;
  /** read the registers now */
  read(): void;
}

class HookHandle implements Disposable {
  constructor(
    private readonly engine: Engine,
    readonly hh: number,
    /** the registered JavaScript callback (none for machine code) */
    readonly cb: unknown,
    /** a JavaScript callback the machine code calls, released with the hook */
    readonly slow?: { dispose(): void },
  ) {}
  dispose(): void {
    this.engine.removeHook(this);
  }
}

/** What Engine.snapshot returns: plain data. */
export interface EngineSnapshot {
  /** the current registers (Engine.saveCpu) */
  readonly cpu: Buffer;
  /** one per mapped arena, in mapping order */
  readonly arenas: readonly ArenaSnapshot[];
}

/** A saved CPU state (uc_context): all registers, including FS_BASE / TPIDRURO. */
export class EngineContext {
  private freed = false;
  private readonly size: number;
  /** the uc_context's memory, viewed once (a koffi.view per call costs microseconds) */
  private readonly mem: Uint8Array;
  constructor(
    private readonly engine: Engine,
    private readonly ctx: unknown,
  ) {
    this.size = engine.contextSize;
    this.mem = new Uint8Array(koffi.view(ctx, this.size));
  }
  save(): void {
    this.live();
    this.engine.contextOp('save', this.ctx);
  }
  restore(): void {
    this.live();
    this.engine.contextOp('restore', this.ctx);
  }
  /**
   * A copy of the saved state as plain bytes: the whole uc_context, which in
   * Unicorn 2.0.1 is a 16-byte header (data size, mode, arch) and a memcpy
   * of the CPU state (no arch-specific save hook on x86-64 or ARM; no host
   * pointers found in it). It outlives this object.
   */
  toBytes(): Buffer {
    this.live();
    return Buffer.from(this.mem);
  }
  /** Overwrite the saved state with bytes from toBytes / Engine.saveCpu (then restore() loads it). */
  fromBytes(bytes: Uint8Array): void {
    this.live();
    if (bytes.length !== this.size) throw new Error(`CPU state of ${bytes.length} bytes, this ${this.engine.arch.name} engine's are ${this.size}`);
    const hdr = this.engine.contextHeader();
    if (Buffer.compare(bytes.subarray(0, hdr.length), hdr) !== 0) throw new Error(`CPU state was not saved by a ${this.engine.arch.name} engine of this Unicorn`);
    this.mem.set(bytes);
  }
  free(): void {
    if (this.freed) return;
    this.freed = true;
    uc().uc_context_free(this.ctx);
  }
  private live(): void {
    if (this.freed) throw new Error('context is freed');
  }
}
