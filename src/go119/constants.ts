// Runtime constants of go1.19 that are the same on every supported arch,
// read from go_asm.h and checked at load: G and P statuses (with who owns a
// G or P in each), the goid batch size, and the wait reasons with their text.
import { ARCHES } from '../arch/index.ts';
import { goAsm } from './goasm.ts';

function sharedConst(name: string): number {
  let v: number | undefined;
  for (const a of Object.values(ARCHES)) {
    const x = goAsm(a).get(name);
    if (typeof x !== 'number') throw new Error(`layout: go_asm.h (${a.name}) has no numeric constant ${name}`);
    if (v !== undefined && x !== v) throw new Error(`layout: ${name} differs between arches`);
    v = x;
  }
  return v!;
}

// G statuses (runtime2.go). Who owns the g in each state:
/** just allocated, not yet initialised; owned by its allocator (malg / newproc1) */
export const _Gidle = sharedConst('const__Gidle');
/** on a run queue (a P's runq/runnext or sched.runq), not executing; the queue owns it */
export const _Grunnable = sharedConst('const__Grunnable');
/** executing user code on an M that holds a P; owns its stack */
export const _Grunning = sharedConst('const__Grunning');
/** in a system call on an M, not necessarily holding a P; owns its stack */
export const _Gsyscall = sharedConst('const__Gsyscall');
/** blocked (channel, semaphore, ...); whoever will ready it holds a record of it (sudog) */
export const _Gwaiting = sharedConst('const__Gwaiting');
/** no longer used; the number stays reserved */
export const _Gmoribund_unused = sharedConst('const__Gmoribund_unused');
/** exited or not yet used; on a free list (p.gFree / sched.gFree) or being set up */
export const _Gdead = sharedConst('const__Gdead');
/** unused, keeps its number */
export const _Genqueue_unused = sharedConst('const__Genqueue_unused');
/** its stack is being moved by the goroutine itself (newstack); on no run queue */
export const _Gcopystack = sharedConst('const__Gcopystack');
/** stopped by suspendG for a preemption; whoever moves it to _Gwaiting owns it */
export const _Gpreempted = sharedConst('const__Gpreempted');
/** bit or-ed into a status while the GC scans the stack; the scanner owns the g */
export const _Gscan = sharedConst('const__Gscan');
export const _Gscanrunnable = sharedConst('const__Gscanrunnable');
export const _Gscanrunning = sharedConst('const__Gscanrunning');
export const _Gscansyscall = sharedConst('const__Gscansyscall');
export const _Gscanwaiting = sharedConst('const__Gscanwaiting');
export const _Gscanpreempted = sharedConst('const__Gscanpreempted');

// P statuses (runtime2.go).
/** not running anything; on sched.pidle (under sched.lock) or just created */
export const _Pidle = sharedConst('const__Pidle');
/** held by exactly one M (p.m), which may change it to any other status */
export const _Prunning = sharedConst('const__Prunning');
/** its M is in a system call; sysmon or another M may take it (CAS on status) */
export const _Psyscall = sharedConst('const__Psyscall');
/** stopped for stop-the-world; owned by the M that stopped the world */
export const _Pgcstop = sharedConst('const__Pgcstop');
/** no longer used (GOMAXPROCS shrank); keeps its mcache until procresize frees it */
export const _Pdead = sharedConst('const__Pdead');

/** goids a P takes from sched.goidgen at a time (proc.go) */
export const _GoidCacheBatch = sharedConst('const__GoidCacheBatch');

// ---------------------------------------------------------------------------
// Wait reasons (runtime2.go waitReason): numbers from go_asm.h, the text that
// tracebacks and scheddetail print, by enum name.

export const WAIT_REASON_TEXT = {
  Zero: '',
  GCAssistMarking: 'GC assist marking',
  IOWait: 'IO wait',
  ChanReceiveNilChan: 'chan receive (nil chan)',
  ChanSendNilChan: 'chan send (nil chan)',
  DumpingHeap: 'dumping heap',
  GarbageCollection: 'garbage collection',
  GarbageCollectionScan: 'garbage collection scan',
  PanicWait: 'panicwait',
  Select: 'select',
  SelectNoCases: 'select (no cases)',
  GCAssistWait: 'GC assist wait',
  GCSweepWait: 'GC sweep wait',
  GCScavengeWait: 'GC scavenge wait',
  ChanReceive: 'chan receive',
  ChanSend: 'chan send',
  FinalizerWait: 'finalizer wait',
  ForceGCIdle: 'force gc (idle)',
  Semacquire: 'semacquire',
  Sleep: 'sleep',
  SyncCondWait: 'sync.Cond.Wait',
  TimerGoroutineIdle: 'timer goroutine (idle)',
  TraceReaderBlocked: 'trace reader (blocked)',
  WaitForGCCycle: 'wait for GC cycle',
  GCWorkerIdle: 'GC worker (idle)',
  Preempted: 'preempted',
  DebugCall: 'debug call',
} as const;

const wr = (name: keyof typeof WAIT_REASON_TEXT): number => sharedConst(`const_waitReason${name}`);
export const waitReasonZero = wr('Zero');
export const waitReasonGCAssistMarking = wr('GCAssistMarking');
export const waitReasonIOWait = wr('IOWait');
export const waitReasonChanReceiveNilChan = wr('ChanReceiveNilChan');
export const waitReasonChanSendNilChan = wr('ChanSendNilChan');
export const waitReasonDumpingHeap = wr('DumpingHeap');
export const waitReasonGarbageCollection = wr('GarbageCollection');
export const waitReasonGarbageCollectionScan = wr('GarbageCollectionScan');
export const waitReasonPanicWait = wr('PanicWait');
export const waitReasonSelect = wr('Select');
export const waitReasonSelectNoCases = wr('SelectNoCases');
export const waitReasonGCAssistWait = wr('GCAssistWait');
export const waitReasonGCSweepWait = wr('GCSweepWait');
export const waitReasonGCScavengeWait = wr('GCScavengeWait');
export const waitReasonChanReceive = wr('ChanReceive');
export const waitReasonChanSend = wr('ChanSend');
export const waitReasonFinalizerWait = wr('FinalizerWait');
export const waitReasonForceGCIdle = wr('ForceGCIdle');
export const waitReasonSemacquire = wr('Semacquire');
export const waitReasonSleep = wr('Sleep');
export const waitReasonSyncCondWait = wr('SyncCondWait');
export const waitReasonTimerGoroutineIdle = wr('TimerGoroutineIdle');
export const waitReasonTraceReaderBlocked = wr('TraceReaderBlocked');
export const waitReasonWaitForGCCycle = wr('WaitForGCCycle');
export const waitReasonGCWorkerIdle = wr('GCWorkerIdle');
export const waitReasonPreempted = wr('Preempted');
export const waitReasonDebugCall = wr('DebugCall');

/** waitReasonStrings[w] is the text of wait reason w. */
export const waitReasonStrings: readonly string[] = (() => {
  const out: string[] = [];
  for (const [name, text] of Object.entries(WAIT_REASON_TEXT)) out[wr(name as keyof typeof WAIT_REASON_TEXT)] = text;
  const inAsm = [...goAsm(ARCHES.amd64).keys()].filter((k) => k.startsWith('const_waitReason'));
  if (inAsm.length !== out.length || out.includes(undefined as unknown as string)) {
    throw new Error('layout: the wait reason table does not match go_asm.h const_waitReason*');
  }
  return out;
})();

/** The text of a wait reason, as waitReason.String() gives it. */
export function waitReasonString(w: number): string {
  return waitReasonStrings[w] ?? 'unknown wait reason';
}

