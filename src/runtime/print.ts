// The print builtins' runtime side: ports of go1.19 print.go printlock,
// printunlock, printint, printbool, printstring, printsp, printnl. Output goes
// to `write` (fd 2, as in Go). println(a, b) is compiled into
// printlock; printint(a); printsp; printint(b); printnl; printunlock. Their
// ABI and argument words (printint's int64 is two words on arm) are those of
// their entries in src/abi.
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostRegistry } from '../os/host.ts';

export function definePrintHosts(host: HostRegistry, writer: (s: string) => unknown): void {
  // never let the writer's return value become the host call's result
  const write = (s: string): void => {
    writer(s);
  };
  // printlock/printunlock serialise print output between Ms; one M prints at a time here.
  defineEntry(host, ENTRY.printlock, () => undefined);
  defineEntry(host, ENTRY.printunlock, () => undefined);
  defineEntry(host, ENTRY.printint, (c) => write(c.argI64(0).toString()));
  defineEntry(host, ENTRY.printbool, (c) => write((c.arg(0) & 0xffn) !== 0n ? 'true' : 'false'));
  defineEntry(host, ENTRY.printstring, (c) => {
    const n = c.argN(1);
    write(n === 0 ? '' : Buffer.from(c.mem.read(c.argN(0), n)).toString('utf8'));
  });
  defineEntry(host, ENTRY.printsp, () => write(' '));
  defineEntry(host, ENTRY.printnl, () => write('\n'));
}
