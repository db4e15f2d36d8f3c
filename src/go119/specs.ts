// The go1.19 runtime structs (g, gobuf, m, p, schedt, hchan, sudog, ...):
// their fields as runtime2.go declares them, resolved to the offsets the real
// compiler uses (Layout, layoutFor). views.ts builds typed views on them.
//
// Where offsets come from: every offset and struct size is read from go_asm.h
// (src/go119/goasm/<arch>.json, see goasm.ts); nothing here hard-codes a
// number that differs between arches. go_asm.h has no names for the fields of
// anonymous nested structs (p.gFree, schedt.gFree, schedt.disable). Their
// offsets are written as sums of go_asm.h sizes that follow from the Go field
// order and alignment ("= mutex__size + gList__size"), and layoutFor() checks
// that each such struct exactly fills the gap go_asm.h leaves for it.
//
// How a field is read follows its Go type, written in the table below as
// runtime2.go declares it:
//   bool                  u8, true iff != 0 (writes 1 / 0)
//   uint8 int8 uint16 uint32 int32 (and named types over them: waitReason,
//                         throwType, atomic.Uint32, ...)   number, range-checked on write
//   uintptr, pointers, guintptr/muintptr/puintptr, unsafe.Pointer, func values
//                         pointer-sized, as a number. Reads are exact below 2^53
//                         (every arena address); the amd64 sentinels stackPreempt,
//                         stackFork and ^uintptr(0) read as a rounded number that
//                         still compares above every address. Use
//                         g.stackguard0Word / stackguard1Word (bigint) for them.
//                         Writes must be safe non-negative integers.
//   int64 uint64          number, read as two u32 halves (on arm an int64 is only
//                         4-byte aligned, e.g. g.waitsince at 92). Values must
//                         stay within +-(2^53-1): a read beyond throws RangeError
//                         (snapshot() falls back to bigint), a write of anything
//                         but a safe integer throws TypeError. Go's goids, ids,
//                         ticks and nanotimes stay far below.
// Setters check the range of the Go type (RangeError) and want booleans for bool.
//   int uint              pointer-sized signed / unsigned, same rule as int64.
//   gobuf, stack, gQueue, gList, note, mutex, waitq, string, []T, and the
//                         anonymous structs: a nested view (no copy) at addr + offset
//   [N]T                  no property; the owning class has index methods
//                         (p.runq(i), m.tls(i), ...)
//   other structs         (gsignalStack, libcall, gcWork, ...) listed for
//                         describeLayout() with their go_asm.h size, no accessor
// Field sizes come from the same rules: scalar sizes are Go's, pointer-sized is
// arch.ptrSize, nested structs use their go_asm.h <type>__size, arrays N * elem.
//
// Every row of a table below becomes a getter (and, for scalars, a setter) on
// the view class: `atomicstatus: ['g_atomicstatus', 'uint32']` means
// `gp.atomicstatus` reads the uint32 at gp.addr + g_atomicstatus.
import { ARCHES, type Arch, type ArchName } from '../arch/index.ts';
import type { Arena } from '../engine/arena.ts';
import { goAsm } from './goasm.ts';

// ---------------------------------------------------------------------------
// Go types -> storage kinds

export type ScalarKind = 'bool' | 'u8' | 'i8' | 'u16' | 'u32' | 'i32' | 'u64' | 'i64' | 'int' | 'uint' | 'ptr';

/** Go scalar types by name. Pointer types (`*T`) and func types are 'ptr' too. */
export const SCALAR_KIND = {
  bool: 'bool',
  uint8: 'u8',
  byte: 'u8',
  waitReason: 'u8',
  int8: 'i8',
  uint16: 'u16',
  uint32: 'u32',
  throwType: 'u32',
  'atomic.Uint32': 'u32',
  goroutineProfileStateHolder: 'u32',
  int32: 'i32',
  uint64: 'u64',
  int64: 'i64',
  int: 'int',
  gcMarkWorkerMode: 'int',
  uint: 'uint',
  uintptr: 'ptr',
  guintptr: 'ptr',
  muintptr: 'ptr',
  puintptr: 'ptr',
  'unsafe.Pointer': 'ptr',
  traceBufPtr: 'ptr',
} as const satisfies Record<string, ScalarKind>;

/**
 * Types that go_asm.h gives no <type>__size for, spelled as what they are on
 * linux/amd64 and linux/arm: sigset is [2]uint32 (os_linux_generic.go), `any`
 * is an empty interface (eface).
 */
const TYPE_ALIAS: Readonly<Record<string, string>> = { sigset: '[2]uint32', any: 'eface' };

// ---------------------------------------------------------------------------
// The struct tables: field name -> [where, Go type].
// `where` is the go_asm.h name of the offset, or "= expr" for a field go_asm.h
// does not name: a sum of terms `[k*]name`, where name is a go_asm.h constant,
// an integer or PtrSize. A struct's size is <struct>__size from go_asm.h unless
// given as "= expr" (then rounded up to PtrSize, the alignment of all of them).

type FieldSpec = readonly [where: string, goType: string];
export interface StructSpec {
  readonly size?: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

export const SPECS = {
  g: {
    fields: {
      stack: ['g_stack', 'stack'],
      stackguard0: ['g_stackguard0', 'uintptr'],
      stackguard1: ['g_stackguard1', 'uintptr'],
      _panic: ['g__panic', '*_panic'],
      _defer: ['g__defer', '*_defer'],
      m: ['g_m', '*m'],
      sched: ['g_sched', 'gobuf'],
      syscallsp: ['g_syscallsp', 'uintptr'],
      syscallpc: ['g_syscallpc', 'uintptr'],
      stktopsp: ['g_stktopsp', 'uintptr'],
      param: ['g_param', 'unsafe.Pointer'],
      atomicstatus: ['g_atomicstatus', 'uint32'],
      stackLock: ['g_stackLock', 'uint32'],
      goid: ['g_goid', 'int64'],
      schedlink: ['g_schedlink', 'guintptr'],
      waitsince: ['g_waitsince', 'int64'],
      waitreason: ['g_waitreason', 'waitReason'],
      preempt: ['g_preempt', 'bool'],
      preemptStop: ['g_preemptStop', 'bool'],
      preemptShrink: ['g_preemptShrink', 'bool'],
      asyncSafePoint: ['g_asyncSafePoint', 'bool'],
      paniconfault: ['g_paniconfault', 'bool'],
      gcscandone: ['g_gcscandone', 'bool'],
      throwsplit: ['g_throwsplit', 'bool'],
      activeStackChans: ['g_activeStackChans', 'bool'],
      parkingOnChan: ['g_parkingOnChan', 'uint8'],
      raceignore: ['g_raceignore', 'int8'],
      sysblocktraced: ['g_sysblocktraced', 'bool'],
      tracking: ['g_tracking', 'bool'],
      trackingSeq: ['g_trackingSeq', 'uint8'],
      runnableStamp: ['g_runnableStamp', 'int64'],
      runnableTime: ['g_runnableTime', 'int64'],
      sysexitticks: ['g_sysexitticks', 'int64'],
      traceseq: ['g_traceseq', 'uint64'],
      tracelastp: ['g_tracelastp', 'puintptr'],
      lockedm: ['g_lockedm', 'muintptr'],
      sig: ['g_sig', 'uint32'],
      writebuf: ['g_writebuf', '[]byte'],
      sigcode0: ['g_sigcode0', 'uintptr'],
      sigcode1: ['g_sigcode1', 'uintptr'],
      sigpc: ['g_sigpc', 'uintptr'],
      gopc: ['g_gopc', 'uintptr'],
      ancestors: ['g_ancestors', '*[]ancestorInfo'],
      startpc: ['g_startpc', 'uintptr'],
      racectx: ['g_racectx', 'uintptr'],
      waiting: ['g_waiting', '*sudog'],
      cgoCtxt: ['g_cgoCtxt', '[]uintptr'],
      labels: ['g_labels', 'unsafe.Pointer'],
      timer: ['g_timer', '*timer'],
      selectDone: ['g_selectDone', 'uint32'],
      goroutineProfiled: ['g_goroutineProfiled', 'goroutineProfileStateHolder'],
      gcAssistBytes: ['g_gcAssistBytes', 'int64'],
    },
  },
  gobuf: {
    fields: {
      sp: ['gobuf_sp', 'uintptr'],
      pc: ['gobuf_pc', 'uintptr'],
      g: ['gobuf_g', 'guintptr'],
      ctxt: ['gobuf_ctxt', 'unsafe.Pointer'],
      ret: ['gobuf_ret', 'uintptr'],
      lr: ['gobuf_lr', 'uintptr'],
      bp: ['gobuf_bp', 'uintptr'],
    },
  },
  m: {
    fields: {
      g0: ['m_g0', '*g'],
      morebuf: ['m_morebuf', 'gobuf'],
      divmod: ['m_divmod', 'uint32'],
      procid: ['m_procid', 'uint64'],
      gsignal: ['m_gsignal', '*g'],
      goSigStack: ['m_goSigStack', 'gsignalStack'],
      sigmask: ['m_sigmask', 'sigset'],
      tls: ['m_tls', '[tlsSlots]uintptr'],
      mstartfn: ['m_mstartfn', 'func()'],
      curg: ['m_curg', '*g'],
      caughtsig: ['m_caughtsig', 'guintptr'],
      p: ['m_p', 'puintptr'],
      nextp: ['m_nextp', 'puintptr'],
      oldp: ['m_oldp', 'puintptr'],
      id: ['m_id', 'int64'],
      mallocing: ['m_mallocing', 'int32'],
      throwing: ['m_throwing', 'throwType'],
      preemptoff: ['m_preemptoff', 'string'],
      locks: ['m_locks', 'int32'],
      dying: ['m_dying', 'int32'],
      profilehz: ['m_profilehz', 'int32'],
      spinning: ['m_spinning', 'bool'],
      blocked: ['m_blocked', 'bool'],
      newSigstack: ['m_newSigstack', 'bool'],
      printlock: ['m_printlock', 'int8'],
      incgo: ['m_incgo', 'bool'],
      freeWait: ['m_freeWait', 'atomic.Uint32'],
      fastrand: ['m_fastrand', 'uint64'],
      needextram: ['m_needextram', 'bool'],
      traceback: ['m_traceback', 'uint8'],
      ncgocall: ['m_ncgocall', 'uint64'],
      ncgo: ['m_ncgo', 'int32'],
      cgoCallersUse: ['m_cgoCallersUse', 'uint32'],
      cgoCallers: ['m_cgoCallers', '*cgoCallers'],
      park: ['m_park', 'note'],
      alllink: ['m_alllink', '*m'],
      schedlink: ['m_schedlink', 'muintptr'],
      lockedg: ['m_lockedg', 'guintptr'],
      createstack: ['m_createstack', '[32]uintptr'],
      lockedExt: ['m_lockedExt', 'uint32'],
      lockedInt: ['m_lockedInt', 'uint32'],
      nextwaitm: ['m_nextwaitm', 'muintptr'],
      waitunlockf: ['m_waitunlockf', 'func(*g, unsafe.Pointer) bool'],
      waitlock: ['m_waitlock', 'unsafe.Pointer'],
      waittraceev: ['m_waittraceev', 'byte'],
      waittraceskip: ['m_waittraceskip', 'int'],
      startingtrace: ['m_startingtrace', 'bool'],
      syscalltick: ['m_syscalltick', 'uint32'],
      freelink: ['m_freelink', '*m'],
      libcall: ['m_libcall', 'libcall'],
      libcallpc: ['m_libcallpc', 'uintptr'],
      libcallsp: ['m_libcallsp', 'uintptr'],
      libcallg: ['m_libcallg', 'guintptr'],
      syscall: ['m_syscall', 'libcall'],
      vdsoSP: ['m_vdsoSP', 'uintptr'],
      vdsoPC: ['m_vdsoPC', 'uintptr'],
      preemptGen: ['m_preemptGen', 'uint32'],
      signalPending: ['m_signalPending', 'uint32'],
      mOS: ['m_mOS', 'mOS'],
      locksHeldLen: ['m_locksHeldLen', 'int'],
      locksHeld: ['m_locksHeld', '[10]heldLockInfo'],
    },
  },
  p: {
    // Not listed: mspancache, an anonymous struct{len int; buf [128]*mspan}.
    fields: {
      id: ['p_id', 'int32'],
      status: ['p_status', 'uint32'],
      link: ['p_link', 'puintptr'],
      schedtick: ['p_schedtick', 'uint32'],
      syscalltick: ['p_syscalltick', 'uint32'],
      sysmontick: ['p_sysmontick', 'sysmontick'],
      m: ['p_m', 'muintptr'],
      mcache: ['p_mcache', '*mcache'],
      pcache: ['p_pcache', 'pageCache'],
      raceprocctx: ['p_raceprocctx', 'uintptr'],
      deferpool: ['p_deferpool', '[]*_defer'],
      deferpoolbuf: ['p_deferpoolbuf', '[32]*_defer'],
      goidcache: ['p_goidcache', 'uint64'],
      goidcacheend: ['p_goidcacheend', 'uint64'],
      runqhead: ['p_runqhead', 'uint32'],
      runqtail: ['p_runqtail', 'uint32'],
      runq: ['p_runq', '[256]guintptr'],
      runnext: ['p_runnext', 'guintptr'],
      gFree: ['p_gFree', 'p.gFree'],
      sudogcache: ['p_sudogcache', '[]*sudog'],
      sudogbuf: ['p_sudogbuf', '[128]*sudog'],
      tracebuf: ['p_tracebuf', 'traceBufPtr'],
      traceSweep: ['p_traceSweep', 'bool'],
      traceSwept: ['p_traceSwept', 'uintptr'],
      traceReclaimed: ['p_traceReclaimed', 'uintptr'],
      palloc: ['p_palloc', 'persistentAlloc'],
      timer0When: ['p_timer0When', 'uint64'],
      timerModifiedEarliest: ['p_timerModifiedEarliest', 'uint64'],
      gcAssistTime: ['p_gcAssistTime', 'int64'],
      gcFractionalMarkTime: ['p_gcFractionalMarkTime', 'int64'],
      limiterEvent: ['p_limiterEvent', 'limiterEvent'],
      gcMarkWorkerMode: ['p_gcMarkWorkerMode', 'gcMarkWorkerMode'],
      gcMarkWorkerStartTime: ['p_gcMarkWorkerStartTime', 'int64'],
      gcw: ['p_gcw', 'gcWork'],
      wbBuf: ['p_wbBuf', 'wbBuf'],
      runSafePointFn: ['p_runSafePointFn', 'uint32'],
      statsSeq: ['p_statsSeq', 'uint32'],
      timersLock: ['p_timersLock', 'mutex'],
      timers: ['p_timers', '[]*timer'],
      numTimers: ['p_numTimers', 'uint32'],
      deletedTimers: ['p_deletedTimers', 'uint32'],
      timerRaceCtx: ['p_timerRaceCtx', 'uintptr'],
      maxStackScanDelta: ['p_maxStackScanDelta', 'int64'],
      scannedStackSize: ['p_scannedStackSize', 'uint64'],
      scannedStacks: ['p_scannedStacks', 'uint64'],
      preempt: ['p_preempt', 'bool'],
    },
  },
  // p.gFree is struct { gList; n int32 }: the embedded gList at 0, n right after it.
  'p.gFree': {
    size: '= gList__size + 4',
    fields: {
      gList: ['= 0', 'gList'],
      n: ['= gList__size', 'int32'],
    },
  },
  schedt: {
    fields: {
      goidgen: ['schedt_goidgen', 'uint64'],
      lastpoll: ['schedt_lastpoll', 'uint64'],
      pollUntil: ['schedt_pollUntil', 'uint64'],
      lock: ['schedt_lock', 'mutex'],
      midle: ['schedt_midle', 'muintptr'],
      nmidle: ['schedt_nmidle', 'int32'],
      nmidlelocked: ['schedt_nmidlelocked', 'int32'],
      mnext: ['schedt_mnext', 'int64'],
      maxmcount: ['schedt_maxmcount', 'int32'],
      nmsys: ['schedt_nmsys', 'int32'],
      nmfreed: ['schedt_nmfreed', 'int64'],
      ngsys: ['schedt_ngsys', 'uint32'],
      pidle: ['schedt_pidle', 'puintptr'],
      npidle: ['schedt_npidle', 'uint32'],
      nmspinning: ['schedt_nmspinning', 'uint32'],
      runq: ['schedt_runq', 'gQueue'],
      runqsize: ['schedt_runqsize', 'int32'],
      disable: ['schedt_disable', 'schedt.disable'],
      gFree: ['schedt_gFree', 'schedt.gFree'],
      sudoglock: ['schedt_sudoglock', 'mutex'],
      sudogcache: ['schedt_sudogcache', '*sudog'],
      deferlock: ['schedt_deferlock', 'mutex'],
      deferpool: ['schedt_deferpool', '*_defer'],
      freem: ['schedt_freem', '*m'],
      gcwaiting: ['schedt_gcwaiting', 'uint32'],
      stopwait: ['schedt_stopwait', 'int32'],
      stopnote: ['schedt_stopnote', 'note'],
      sysmonwait: ['schedt_sysmonwait', 'uint32'],
      sysmonnote: ['schedt_sysmonnote', 'note'],
      safePointFn: ['schedt_safePointFn', 'func(*p)'],
      safePointWait: ['schedt_safePointWait', 'int32'],
      safePointNote: ['schedt_safePointNote', 'note'],
      profilehz: ['schedt_profilehz', 'int32'],
      procresizetime: ['schedt_procresizetime', 'int64'],
      totaltime: ['schedt_totaltime', 'int64'],
      sysmonlock: ['schedt_sysmonlock', 'mutex'],
      timeToRun: ['schedt_timeToRun', 'timeHistogram'],
    },
  },
  // schedt.disable is struct { user bool; runnable gQueue; n int32 }: the gQueue
  // is pointer-aligned, so it starts one word in.
  'schedt.disable': {
    size: '= PtrSize + gQueue__size + 4',
    fields: {
      user: ['= 0', 'bool'],
      runnable: ['= PtrSize', 'gQueue'],
      n: ['= PtrSize + gQueue__size', 'int32'],
    },
  },
  // schedt.gFree is struct { lock mutex; stack gList; noStack gList; n int32 }.
  'schedt.gFree': {
    size: '= mutex__size + 2*gList__size + 4',
    fields: {
      lock: ['= 0', 'mutex'],
      stack: ['= mutex__size', 'gList'],
      noStack: ['= mutex__size + gList__size', 'gList'],
      n: ['= mutex__size + 2*gList__size', 'int32'],
    },
  },
  stack: { fields: { lo: ['stack_lo', 'uintptr'], hi: ['stack_hi', 'uintptr'] } },
  funcval: { fields: { fn: ['funcval_fn', 'uintptr'] } },
  gQueue: { fields: { head: ['gQueue_head', 'guintptr'], tail: ['gQueue_tail', 'guintptr'] } },
  gList: { fields: { head: ['gList_head', 'guintptr'] } },
  hchan: {
    fields: {
      qcount: ['hchan_qcount', 'uint'],
      dataqsiz: ['hchan_dataqsiz', 'uint'],
      buf: ['hchan_buf', 'unsafe.Pointer'],
      elemsize: ['hchan_elemsize', 'uint16'],
      closed: ['hchan_closed', 'uint32'],
      elemtype: ['hchan_elemtype', '*_type'],
      sendx: ['hchan_sendx', 'uint'],
      recvx: ['hchan_recvx', 'uint'],
      recvq: ['hchan_recvq', 'waitq'],
      sendq: ['hchan_sendq', 'waitq'],
      lock: ['hchan_lock', 'mutex'],
    },
  },
  waitq: { fields: { first: ['waitq_first', '*sudog'], last: ['waitq_last', '*sudog'] } },
  sudog: {
    fields: {
      g: ['sudog_g', '*g'],
      next: ['sudog_next', '*sudog'],
      prev: ['sudog_prev', '*sudog'],
      elem: ['sudog_elem', 'unsafe.Pointer'],
      acquiretime: ['sudog_acquiretime', 'int64'],
      releasetime: ['sudog_releasetime', 'int64'],
      ticket: ['sudog_ticket', 'uint32'],
      isSelect: ['sudog_isSelect', 'bool'],
      success: ['sudog_success', 'bool'],
      parent: ['sudog_parent', '*sudog'],
      waitlink: ['sudog_waitlink', '*sudog'],
      waittail: ['sudog_waittail', '*sudog'],
      c: ['sudog_c', '*hchan'],
    },
  },
  // sema.go: a hash bucket of the semaphore table (the root of a treap of sudogs)
  semaRoot: {
    fields: {
      lock: ['semaRoot_lock', 'mutex'],
      treap: ['semaRoot_treap', '*sudog'],
      nwait: ['semaRoot_nwait', 'uint32'],
    },
  },
  _defer: {
    fields: {
      started: ['_defer_started', 'bool'],
      heap: ['_defer_heap', 'bool'],
      openDefer: ['_defer_openDefer', 'bool'],
      sp: ['_defer_sp', 'uintptr'],
      pc: ['_defer_pc', 'uintptr'],
      fn: ['_defer_fn', 'func()'],
      _panic: ['_defer__panic', '*_panic'],
      link: ['_defer_link', '*_defer'],
      fd: ['_defer_fd', 'unsafe.Pointer'],
      varp: ['_defer_varp', 'uintptr'],
      framepc: ['_defer_framepc', 'uintptr'],
    },
  },
  _panic: {
    fields: {
      argp: ['_panic_argp', 'unsafe.Pointer'],
      arg: ['_panic_arg', 'any'],
      link: ['_panic_link', '*_panic'],
      pc: ['_panic_pc', 'uintptr'],
      sp: ['_panic_sp', 'unsafe.Pointer'],
      recovered: ['_panic_recovered', 'bool'],
      aborted: ['_panic_aborted', 'bool'],
      goexit: ['_panic_goexit', 'bool'],
    },
  },
  // note and mutex hold one uintptr key (lock_futex.go); mutex's lockRankStruct
  // is empty unless the runtime is built with staticlockranking.
  note: { fields: { key: ['note_key', 'uintptr'] } },
  // time.go: a runtime timer (arg is an eface: its type word, then its data word)
  timer: {
    fields: {
      pp: ['timer_pp', 'puintptr'],
      when: ['timer_when', 'int64'],
      period: ['timer_period', 'int64'],
      f: ['timer_f', 'func(any, uintptr)'],
      argType: ['timer_arg', 'unsafe.Pointer'],
      argData: ['= timer_arg + PtrSize', 'unsafe.Pointer'],
      seq: ['timer_seq', 'uintptr'],
      nextwhen: ['timer_nextwhen', 'int64'],
      status: ['timer_status', 'uint32'],
    },
  },
  mutex: { fields: { key: ['mutex_key', 'uintptr'] } },
  // the header of a Go string and of a slice
  stringStruct: { fields: { str: ['stringStruct_str', 'unsafe.Pointer'], len: ['stringStruct_len', 'int'] } },
  slice: {
    fields: {
      array: ['slice_array', 'unsafe.Pointer'],
      len: ['slice_len', 'int'],
      cap: ['slice_cap', 'int'],
    },
  },
} as const satisfies Record<string, StructSpec>;

type Specs = typeof SPECS;
/** The structs this module describes; 'p.gFree' etc. are Go's anonymous nested structs. */
export type StructName = keyof Specs;
export type FieldsOf<S extends StructName> = Specs[S]['fields'];
/** The fields of a struct, as named in Go. */
export type FieldName<S extends StructName> = keyof FieldsOf<S> & string;

// ---------------------------------------------------------------------------
// Layout: the resolved offsets and sizes for one arch

export interface FieldInfo {
  /** Go field name */
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** the Go type as runtime2.go declares it ('p.gFree' etc. name the anonymous structs) */
  readonly goType: string;
  /** the go_asm.h name of the offset; absent for fields go_asm.h does not name */
  readonly asm?: string;
  /** for those: how the offset is derived from go_asm.h sizes */
  readonly derived?: string;
  /** arrays: element count and size */
  readonly len?: number;
  readonly elemSize?: number;
}

export interface StructInfo {
  readonly struct: StructName;
  readonly size: number;
  /** the go_asm.h name of the size (g__size); absent for the anonymous structs */
  readonly asm?: string;
  readonly derived?: string;
  readonly fields: readonly FieldInfo[];
}

/** Stack and TLS constants of one arch (stack.go, runtime2.go), all from go_asm.h. */
export interface RuntimeConsts {
  readonly _StackSystem: number;
  readonly _StackMin: number;
  readonly _FixedStack: number;
  readonly _StackBig: number;
  readonly _StackGuard: number;
  readonly _StackSmall: number;
  readonly _StackLimit: number;
  /** stackguard0 value that asks the goroutine to yield at its next prologue check */
  readonly stackPreempt: bigint;
  /** stackguard0 value that makes a forked child's stack growth throw */
  readonly stackFork: bigint;
  /** stackguard0 value that forces a stack move (debug) */
  readonly stackForceMove: bigint;
  readonly _GoidCacheBatch: number;
  /** pointer-sized slots of m.tls, and their total bytes */
  readonly tlsSlots: number;
  readonly tlsSize: number;
}

export type Offsets = { readonly [S in StructName]: { readonly [F in FieldName<S>]: number } };
export type Sizes = { readonly [S in StructName]: number };

/** o with the same properties in a fresh object (fast properties, see the Layout constructor) */
function fastCopy<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o)) as T;
}

export class Layout {
  readonly arch: ArchName;
  readonly ptrSize: 4 | 8;
  /** byte offsets: L.off.g.sched === go_asm.h g_sched, L.off['p.gFree'].n === gList__size */
  readonly off: Offsets;
  /** struct sizes: L.sizes.g === g__size */
  readonly sizes: Sizes;
  /** the array fields of each struct: L.arrays.p.runq.len === 256 (named loads for the views' element accessors) */
  readonly arrays: { readonly [S in StructName]: Readonly<Record<string, FieldInfo>> };
  readonly consts: RuntimeConsts;
  private readonly infos: ReadonlyMap<StructName, StructInfo>;
  private readonly byField: ReadonlyMap<StructName, ReadonlyMap<string, FieldInfo>>;

  constructor(arch: Arch) {
    this.arch = arch.name;
    this.ptrSize = arch.ptrSize;
    const asm = goAsm(arch);
    const num = (name: string): number => {
      const v = asm.get(name);
      if (typeof v !== 'number') throw new Error(`layout (${arch.name}): go_asm.h has no numeric constant ${name}`);
      return v;
    };
    const big = (name: string): bigint => {
      const v = asm.get(name);
      if (v === undefined) throw new Error(`layout (${arch.name}): go_asm.h has no constant ${name}`);
      return BigInt(v);
    };
    const evalExpr = (expr: string): number => evaluate(expr, num, arch.ptrSize);
    const roundUp = (n: number): number => Math.ceil(n / arch.ptrSize) * arch.ptrSize;

    const names = Object.keys(SPECS) as StructName[];
    const sizes = {} as Record<StructName, number>;
    for (const s of names) {
      const spec: StructSpec = SPECS[s];
      sizes[s] = spec.size === undefined ? num(`${s}__size`) : roundUp(evalExpr(derivedExpr(spec.size)));
    }

    const sizeOfType = (goType: string, where: string): { size: number; len?: number; elemSize?: number } => {
      const c = classify(goType);
      switch (c.t) {
        case 'scalar':
          return { size: scalarSize(c.kind, arch.ptrSize) };
        case 'view':
          return { size: sizes[c.struct] };
        case 'opaque':
          return { size: num(`${c.type}__size`) };
        case 'array': {
          const len = /^\d+$/.test(c.len) ? Number(c.len) : num(`const_${c.len}`);
          const elem = sizeOfType(c.elem, where);
          if (elem.len !== undefined) throw new Error(`layout: nested arrays are not supported (${where})`);
          return { size: len * elem.size, len, elemSize: elem.size };
        }
      }
    };

    const asmOffsets = asmOffsetsByStruct(asm);
    const infos = new Map<StructName, StructInfo>();
    const byField = new Map<StructName, Map<string, FieldInfo>>();
    const off = {} as Record<StructName, Record<string, number>>;
    const arrays = {} as Record<StructName, Record<string, FieldInfo>>;
    for (const s of names) {
      const spec: StructSpec = SPECS[s];
      const fields: FieldInfo[] = [];
      for (const [name, [where, goType]] of Object.entries(spec.fields)) {
        const label = `${s}.${name}`;
        const t = sizeOfType(goType, label);
        if (where.startsWith('=')) {
          const expr = derivedExpr(where);
          fields.push({ name, offset: evalExpr(expr), goType, derived: expr, ...t });
        } else {
          if (!where.startsWith(`${s}_`)) throw new Error(`layout: ${label} uses go_asm.h name ${where} of another struct`);
          fields.push({ name, offset: num(where), goType, asm: where, ...t });
        }
      }
      const info: StructInfo =
        spec.size === undefined
          ? { struct: s, size: sizes[s], asm: `${s}__size`, fields }
          : { struct: s, size: sizes[s], derived: derivedExpr(spec.size), fields };
      checkStruct(info, asmOffsets);
      infos.set(s, info);
      byField.set(s, new Map(fields.map((f) => [f.name, f])));
      off[s] = Object.fromEntries(fields.map((f) => [f.name, f.offset]));
      arrays[s] = Object.fromEntries(fields.filter((f) => f.len !== undefined).map((f) => [f.name, f]));
    }
    // Copied with Object.fromEntries: objects grown by stores of computed keys
    // (off[s] = ...) turn into slow dictionaries past a dozen properties, and
    // the views load L.off.<struct> on every field access.
    this.arrays = fastCopy(arrays);
    this.infos = infos;
    this.byField = byField;
    this.off = fastCopy(off) as unknown as Offsets;
    this.sizes = fastCopy(sizes);
    this.consts = {
      _StackSystem: num('const__StackSystem'),
      _StackMin: num('const__StackMin'),
      _FixedStack: num('const__FixedStack'),
      _StackBig: num('const__StackBig'),
      _StackGuard: num('const__StackGuard'),
      _StackSmall: num('const__StackSmall'),
      _StackLimit: num('const__StackLimit'),
      stackPreempt: big('const_stackPreempt'),
      stackFork: big('const_stackFork'),
      stackForceMove: big('const_stackForceMove'),
      _GoidCacheBatch: num('const__GoidCacheBatch'),
      tlsSlots: num('const_tlsSlots'),
      tlsSize: num('const_tlsSize'),
    };
  }

  /** The fields this module defines for `struct`, in declaration (= offset) order. */
  fields(struct: StructName): readonly FieldInfo[] {
    return this.struct(struct).fields;
  }

  struct(struct: StructName): StructInfo {
    const i = this.infos.get(struct);
    if (!i) throw new Error(`layout: unknown struct ${struct}`);
    return i;
  }

  field<S extends StructName>(struct: S, name: FieldName<S>): FieldInfo {
    const f = this.byField.get(struct)?.get(name);
    if (!f) throw new Error(`layout: ${struct} has no field ${name}`);
    return f;
  }

  structs(): StructInfo[] {
    return [...this.infos.values()];
  }
}

function derivedExpr(where: string): string {
  if (!where.startsWith('=')) throw new Error(`layout: expected "= expr", got ${where}`);
  return where.slice(1).trim();
}

/** Evaluates "a + 2*b + 4 + PtrSize" over go_asm.h constants. */
function evaluate(expr: string, num: (name: string) => number, ptrSize: number): number {
  let total = 0;
  for (const term of expr.split('+')) {
    const m = /^\s*(?:(\d+)\s*\*\s*)?(\w+)\s*$/.exec(term);
    if (!m) throw new Error(`layout: bad offset expression "${expr}"`);
    const k = m[1] === undefined ? 1 : Number(m[1]);
    const name = m[2]!;
    total += k * (/^\d+$/.test(name) ? Number(name) : name === 'PtrSize' ? ptrSize : num(name));
  }
  return total;
}

/**
 * The numeric go_asm.h constants named <struct>_<field> (not <struct>__size),
 * by struct name, for the structs of SPECS: one pass over go_asm.h.
 */
function asmOffsetsByStruct(asm: ReadonlyMap<string, number | string>): Map<string, number[]> {
  const structs = Object.keys(SPECS).sort((a, b) => b.length - a.length); // longest prefix first
  const out = new Map<string, number[]>();
  for (const [k, v] of asm) {
    if (typeof v !== 'number') continue;
    for (const s of structs) {
      if (k.startsWith(`${s}_`) && k !== `${s}__size`) {
        const list = out.get(s) ?? [];
        list.push(v);
        out.set(s, list);
      }
    }
  }
  return out;
}

/**
 * Consistency of one struct: fields in offset order, none running into the
 * next offset go_asm.h knows for this struct (or the struct's end), and each
 * anonymous nested struct exactly filling its gap.
 */
function checkStruct(info: StructInfo, asmOffsets: ReadonlyMap<string, readonly number[]>): void {
  const s = info.struct;
  const known = new Set<number>([info.size]);
  for (const f of info.fields) known.add(f.offset);
  if (info.asm !== undefined) for (const v of asmOffsets.get(s) ?? []) known.add(v);
  const boundaries = [...known].sort((a, b) => a - b);
  let prev = -1;
  for (const f of info.fields) {
    if (f.offset <= prev) throw new Error(`layout: ${s}.${f.name} is not in offset order`);
    prev = f.offset;
    const next = boundaries.find((b) => b > f.offset) ?? info.size;
    if (f.offset + f.size > next) {
      throw new Error(`layout: ${s}.${f.name} (${f.goType}, ${f.size} bytes at ${f.offset}) overlaps the field at ${next}`);
    }
    if (f.goType in DERIVED_STRUCT_TYPES && f.offset + f.size !== next) {
      throw new Error(`layout: ${s}.${f.name} is ${f.size} bytes but go_asm.h leaves ${next - f.offset}`);
    }
  }
}

type Classified =
  | { t: 'scalar'; kind: ScalarKind }
  | { t: 'view'; struct: StructName }
  | { t: 'array'; len: string; elem: string }
  | { t: 'opaque'; type: string };

/** Go types that are views, by the struct they show. */
const VIEW_STRUCT = {
  stack: 'stack',
  gobuf: 'gobuf',
  gQueue: 'gQueue',
  gList: 'gList',
  note: 'note',
  mutex: 'mutex',
  waitq: 'waitq',
  string: 'stringStruct',
  'p.gFree': 'p.gFree',
  'schedt.disable': 'schedt.disable',
  'schedt.gFree': 'schedt.gFree',
} as const satisfies Record<string, StructName>;
const DERIVED_STRUCT_TYPES = { 'p.gFree': 1, 'schedt.disable': 1, 'schedt.gFree': 1 } as const;

export function classify(goType: string): Classified {
  const alias = TYPE_ALIAS[goType];
  if (alias !== undefined) return classify(alias);
  if (Object.hasOwn(SCALAR_KIND, goType)) return { t: 'scalar', kind: SCALAR_KIND[goType as keyof typeof SCALAR_KIND] };
  if (goType.startsWith('*') || goType.startsWith('func')) return { t: 'scalar', kind: 'ptr' };
  if (goType.startsWith('[]')) return { t: 'view', struct: 'slice' };
  const arr = /^\[(\w+)\](.+)$/.exec(goType);
  if (arr) return { t: 'array', len: arr[1]!, elem: arr[2]! };
  if (Object.hasOwn(VIEW_STRUCT, goType)) return { t: 'view', struct: VIEW_STRUCT[goType as keyof typeof VIEW_STRUCT] };
  return { t: 'opaque', type: goType };
}

function scalarSize(kind: ScalarKind, ptrSize: 4 | 8): number {
  switch (kind) {
    case 'bool':
    case 'u8':
    case 'i8':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
    case 'i32':
      return 4;
    case 'u64':
    case 'i64':
      return 8;
    case 'int':
    case 'uint':
    case 'ptr':
      return ptrSize;
  }
}

const layouts = new Map<ArchName, Layout>();

/** The layout of one arch (built once, then cached). */
export function layoutFor(arch: Arch): Layout {
  let L = layouts.get(arch.name);
  if (!L) {
    L = new Layout(arch);
    layouts.set(arch.name, L);
  }
  return L;
}

