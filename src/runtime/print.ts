// The print builtins' runtime side: ports of go1.19 print.go printlock,
// printunlock, printint, printbool, printstring, printsp, printnl. Output goes
// to `write` (fd 2, as in Go). println(a, b) is compiled into
// printlock; printint(a); printsp; printint(b); printnl; printunlock. Their
// ABI and argument words (printint's int64 is two words on arm) are those of
// their entries in src/abi. Each print function ends in a raw write(2)
// system call made by machine code, as in go1.19 (gwrite).
// printlock/printunlock hold debuglock around one print statement, so that
// Ms printing at once do not mix their lines.
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostCall, HostRegistry, TailCall } from '../os/host.ts';
import { lock, mutexAt, unlock } from './lock.ts';
import type { Runtime } from './runtime.ts';
import { printfloat } from './ftoa.ts';

/**
 * Ports printlock: the M counts its print nesting in m.printlock and takes
 * debuglock on the outermost (a runtime lock: held across the compiled code
 * of the print statement, so its thread keeps its CPU until printunlock).
 */
export function printlock(rt: Runtime): void {
  const mp = rt.curm();
  mp.locks += 1; // no rescheduling between printlock++ and lock(&debuglock)
  mp.printlock += 1;
  if (mp.printlock === 1) lock(rt, mutexAt(rt, rt.machine.sym('runtime.debuglock')));
  mp.locks -= 1;
}

/** Ports printunlock. */
export function printunlock(rt: Runtime): void {
  const mp = rt.curm();
  mp.printlock -= 1;
  if (mp.printlock === 0) unlock(rt, mutexAt(rt, rt.machine.sym('runtime.debuglock')));
}

/** How far below SP the bytes a print function formats are put (see gwrite). */
const PRINT_BUF_BELOW_SP = 256;
/** The most bytes one print function formats ("(0x...,0x...)" of printeface is the longest). */
const PRINT_BUF_MAX = 128;

/**
 * Ports gwrite's path to the terminal (gwrite -> writeErr -> write ->
 * write1): `bytes` go out with a raw write(2) on fd 2, no entersyscall, as
 * go1.19's print does. A host function cannot make the system call itself,
 * so it ends with a tail call of runtime.writeErr (asm/<arch>/sys_linux.s),
 * which returns to the print call's caller. A string's bytes are written
 * from where they are; bytes the runtime formats (a number, " ", "\n") are
 * first put on the goroutine's stack 256 bytes below SP, where printuint's
 * buf would be: inside the 800 bytes below SP every nosplit chain may use,
 * and below writeErr's and write1's frames. Differs: no g.writebuf (only
 * Go's own tests set it) and no recordForPanic backlog.
 */
function gwrite(call: HostCall, rt: Runtime, p: number, n: number): TailCall | undefined {
  if (n === 0) return undefined;
  return call.tailCall(rt.machine.sym('runtime.writeErr'), [p, n], 'regs');
}

function gwriteText(call: HostCall, rt: Runtime, text: string): TailCall | undefined {
  const b = Buffer.from(text, 'utf8');
  if (b.length > PRINT_BUF_MAX) throw new Error(`print: ${b.length} formatted bytes (at most ${PRINT_BUF_MAX})`);
  const at = Math.floor((call.engine.sp - PRINT_BUF_BELOW_SP) / 8) * 8;
  call.mem.write(at, b);
  return gwrite(call, rt, at, b.length);
}

/**
 * The print builtins' host functions. With a runtime (`rt`) their output is
 * a write(2) system call made by machine code (gwrite); without one (the
 * compiler's test harness, which has no OS) it goes to `writer` directly.
 * Differs: go1.19's printint writes a negative number's "-" and its digits
 * with two write calls, and printeface / printiface their five pieces with
 * five; here each print function makes one write of the same bytes.
 */
export function definePrintHosts(host: HostRegistry, writer: (s: string) => unknown, rt?: () => Runtime): void {
  const text = rt
    ? (c: HostCall, s: string) => gwriteText(c, rt(), s)
    : (_c: HostCall, s: string): undefined => {
        writer(s);
      };
  // printlock/printunlock serialise print output between Ms (without a runtime: nothing to serialise)
  defineEntry(host, ENTRY.printlock, () => (rt ? printlock(rt()) : undefined));
  defineEntry(host, ENTRY.printunlock, () => (rt ? printunlock(rt()) : undefined));
  defineEntry(host, ENTRY.printint, (c) => text(c, c.argI64(0).toString()));
  defineEntry(host, ENTRY.printfloat, (c) => text(c, printfloat(c.argF64(0))));
  defineEntry(host, ENTRY.printuint, (c) => text(c, BigInt.asUintN(64, c.argI64(0)).toString()));
  defineEntry(host, ENTRY.printbool, (c) => text(c, (c.arg(0) & 0xffn) !== 0n ? 'true' : 'false'));
  defineEntry(host, ENTRY.printstring, (c) => {
    const p = c.argN(0);
    const n = c.argN(1);
    if (rt) return gwrite(c, rt(), p, n);
    writer(n === 0 ? '' : Buffer.from(c.mem.read(p, n)).toString('utf8'));
    return undefined;
  });
  // printeface / printiface: the two words as printpointer prints them
  defineEntry(host, ENTRY.printeface, (c) => text(c, `(0x${c.arg(0).toString(16)},0x${c.arg(1).toString(16)})`));
  defineEntry(host, ENTRY.printsp, (c) => text(c, ' '));
  defineEntry(host, ENTRY.printnl, (c) => text(c, '\n'));
}
