// The print builtins' runtime side: ports of go1.19 print.go printlock,
// printunlock, printint, printbool, printstring, printsp, printnl. Output goes
// to `write` (fd 2, as in Go). println(a, b) is compiled into
// printlock; printint(a); printsp; printint(b); printnl; printunlock. Their
// ABI and argument words (printint's int64 is two words on arm) are those of
// their entries in src/abi. printlock/printunlock hold debuglock around one
// print statement, so that Ms printing at once do not mix their lines.
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostRegistry } from '../os/host.ts';
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

export function definePrintHosts(host: HostRegistry, writer: (s: string) => unknown, rt?: () => Runtime): void {
  // never let the writer's return value become the host call's result
  const write = (s: string): void => {
    writer(s);
  };
  // printlock/printunlock serialise print output between Ms (without a runtime: nothing to serialise)
  defineEntry(host, ENTRY.printlock, () => (rt ? printlock(rt()) : undefined));
  defineEntry(host, ENTRY.printunlock, () => (rt ? printunlock(rt()) : undefined));
  defineEntry(host, ENTRY.printint, (c) => write(c.argI64(0).toString()));
  defineEntry(host, ENTRY.printfloat, (c) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(c.argI64(0));
    write(printfloat(b.readDoubleLE(0)));
  });
  defineEntry(host, ENTRY.printuint, (c) => write(BigInt.asUintN(64, c.argI64(0)).toString()));
  defineEntry(host, ENTRY.printbool, (c) => write((c.arg(0) & 0xffn) !== 0n ? 'true' : 'false'));
  defineEntry(host, ENTRY.printstring, (c) => {
    const n = c.argN(1);
    write(n === 0 ? '' : Buffer.from(c.mem.read(c.argN(0), n)).toString('utf8'));
  });
  // printeface / printiface: the two words as printpointer prints them
  defineEntry(host, ENTRY.printeface, (c) => write(`(0x${c.arg(0).toString(16)},0x${c.arg(1).toString(16)})`));
  defineEntry(host, ENTRY.printsp, () => write(' '));
  defineEntry(host, ENTRY.printnl, () => write('\n'));
}
