// Goroutine headers and tracebacks as Go prints them after a fatal error or
// panic: "goroutine 1 [chan receive]:" followed by frames
// "main.main()\n\t./prog.go:12 +0x2f". Ports traceback.go goroutineheader and
// the shape of traceback1's output. Differs: only the top frame is printed
// (the PC the goroutine will resume at), found through the linker's line map.
import { _Gwaiting, waitReasonString, type G } from '../go119/index.ts';
import type { Runtime } from './runtime.ts';

/** gStatusStrings of traceback.go, by status. */
const gStatusStrings = ['idle', 'runnable', 'running', 'syscall', 'waiting', 'moribund_unused', 'dead', 'enqueue_unused', 'copystack', 'preempted'];

/** Ports goroutineheader (without the wait time and lock annotations). */
export function goroutineheader(gp: G): string {
  const st = gp.atomicstatus;
  const status = st === _Gwaiting && gp.waitreason !== 0 ? waitReasonString(gp.waitreason) : (gStatusStrings[st] ?? '???');
  return `goroutine ${gp.goid} [${status}]:`;
}

/** One frame for `pc`: "fn()" and "\tfile:line +0xoff". A return address is looked up at pc-1, as Go does. */
export function frameLines(rt: Runtime, pc: number, isReturnAddr: boolean): string[] {
  // a goroutine that never ran resumes at its function's entry, which is no
  // return address (gentraceback backs up only from pc > entry)
  const here = isReturnAddr ? rt.machine.image.lookup(pc) : undefined;
  const pos = here && here.offset === 0 ? here : rt.machine.image.lookup(isReturnAddr ? pc - 1 : pc);
  if (!pos) return [`${rt.machine.describe(pc)}()`, `\t?:0 pc=0x${pc.toString(16)}`];
  const file = pos.file.endsWith('.go') && !pos.file.startsWith('/') && !pos.file.startsWith('.') ? `./${pos.file}` : pos.file;
  return [`${pos.symbol}(...)`, `\t${file}:${pos.line} +0x${pos.offset.toString(16)}`];
}

/** A header and the top frame of a goroutine that is not running (its gobuf holds where it resumes). */
export function tracebackParked(rt: Runtime, gp: G): string[] {
  return [goroutineheader(gp), ...frameLines(rt, gp.sched.pc, true)];
}

/** Ports tracebackothers: every user goroutine that is not dead, in allgs order. */
export function tracebackothers(rt: Runtime, skip?: G): string[] {
  const out: string[] = [];
  for (const a of rt.allgs) {
    const gp = rt.g(a);
    if (gp.addr === skip?.addr || rt.isSystemGoroutine(gp) || gp.atomicstatus === 6 /* _Gdead */) continue;
    out.push('', ...tracebackParked(rt, gp));
  }
  return out;
}
