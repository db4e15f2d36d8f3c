// The runtime's package-level variables that stubs or the TS runtime address
// directly, placed at fixed addresses at the start of the data region (sizes
// from go_asm.h): runtime.m0, runtime.g0 and runtime.sched as in Go's data
// segment; the runtime's tables (runtime.semtable) follow the program's
// variables. Everything else the runtime allocates lives in the heap region.
import type { Arch } from '../arch/index.ts';
import { REGIONS } from '../os/memmap.ts';
import { goAsmConst } from '../go119/goasm.ts';

export interface GlobalVar {
  name: string;
  size: number;
  align: number;
}

/** The runtime's globals, in address order. */
function runtimeGlobals(arch: Arch): GlobalVar[] {
  const w = arch.ptrSize;
  return [
    { name: 'runtime.m0', size: goAsmConst(arch, 'm__size'), align: 8 },
    { name: 'runtime.g0', size: goAsmConst(arch, 'g__size'), align: 8 },
    { name: 'runtime.sched', size: goAsmConst(arch, 'schedt__size'), align: 8 },
    { name: 'runtime.allp', size: 3 * w, align: w }, // slice header: ptr, len, cap
    // semaphores of stop-the-world (proc.go): uint32s whose Go initial value 1 schedinit stores
    { name: 'runtime.worldsema', size: 4, align: 4 },
    { name: 'runtime.gcsema', size: 4, align: 4 },
    // print.go's lock of one print statement (a runtime.mutex: its key word)
    { name: 'runtime.debuglock', size: w, align: w },
    // mfinal.go's fingCreate: 1 once createfing has started the finalizer goroutine (a uint32)
    { name: 'runtime.fingCreate', size: 4, align: 4 },
  ];
}

/** sema.go semTabSize: the number of semaRoots in the semaphore table (a prime). */
export const SEM_TAB_SIZE = 251;

/**
 * The runtime's tables, laid out after the program's variables: sema.go's
 * semtable, SEM_TAB_SIZE semaRoots (without Go's cache-line padding), then
 * runningPanicDefers and runtime.main's exit wait counter (panic.ts).
 */
function runtimeTables(arch: Arch): GlobalVar[] {
  return [
    { name: 'runtime.semtable', size: SEM_TAB_SIZE * goAsmConst(arch, 'semaRoot__size'), align: 8 },
    // panic.go's runningPanicDefers: goroutines running deferred calls for a panic (a uint32)
    { name: 'runtime.runningPanicDefers', size: 4, align: 4 },
    // runtime.main's local c: the Gosched rounds it has waited for them after main.main returned (a uint32)
    { name: 'runtime.main.exitRounds', size: 4, align: 4 },
    // runtime.main's local needUnlock: its deferred unlockOSThread still has to run (a uint32; lockosthread.ts)
    { name: 'runtime.main.needUnlock', size: 4, align: 4 },
  ];
}

/** Lay out globals from `start`; returns name -> address and the first free address. */
export function layoutGlobals(vars: readonly GlobalVar[], start: number): { addrs: Map<string, number>; end: number } {
  const addrs = new Map<string, number>();
  let at = start;
  for (const v of vars) {
    at = Math.ceil(at / v.align) * v.align;
    addrs.set(v.name, at);
    at += Math.max(v.size, 1);
  }
  if (at > REGIONS.data.start + REGIONS.data.size) throw new Error(`globals need ${at - REGIONS.data.start} bytes; the data region holds ${REGIONS.data.size}`);
  return { addrs, end: at };
}

/** The runtime's globals followed by the program's (e.g. compiled package-level vars). */
export function dataSymbols(arch: Arch, programVars: readonly GlobalVar[] = []): { addrs: Map<string, number>; end: number } {
  return layoutGlobals([...runtimeGlobals(arch), ...programVars, ...runtimeTables(arch)], REGIONS.data.start);
}
