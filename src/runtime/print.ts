// The print builtins' runtime side: ports of go1.19 print.go printlock,
// printunlock, printint, printbool, printstring, printsp, printnl. Output goes
// to `write` (fd 2, as in Go). println(a, b) is compiled into
// printlock; printint(a); printsp; printint(b); printnl; printunlock.
import type { HostRegistry } from '../os/host.ts';

export function definePrintHosts(host: HostRegistry, writer: (s: string) => unknown): void {
  // never let the writer's return value become the host call's result
  const write = (s: string): void => {
    writer(s);
  };
  const words64 = (ptrSize: number) => 8 / ptrSize;
  // printlock/printunlock serialise print output between Ms; one M prints at a time here.
  host.define('runtime.printlock', { abi: 'internal', nargs: 0 }, () => undefined);
  host.define('runtime.printunlock', { abi: 'internal', nargs: 0 }, () => undefined);
  host.define('runtime.printint', { abi: 'internal', nargs: words64(host.arch.ptrSize) }, (c) => write(c.argI64(0).toString()));
  host.define('runtime.printbool', { abi: 'internal', nargs: 1 }, (c) => write((c.arg(0) & 0xffn) !== 0n ? 'true' : 'false'));
  host.define('runtime.printstring', { abi: 'internal', nargs: 2 }, (c) => {
    const n = c.argN(1);
    write(n === 0 ? '' : Buffer.from(c.mem.read(c.argN(0), n)).toString('utf8'));
  });
  host.define('runtime.printsp', { abi: 'internal', nargs: 0 }, () => write(' '));
  host.define('runtime.printnl', { abi: 'internal', nargs: 0 }, () => write('\n'));
}
