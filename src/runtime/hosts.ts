// Every host function the stubs of asm/<arch>/ call, bound in one place so
// that linking the stubs (for running or just for `gogo-emu disasm`) always
// sees the same symbol set.
import type { HostRegistry } from '../os/host.ts';
import { defineFatalHosts } from './fatal.ts';
import { goThrow } from './throw.ts';

export function defineRuntimeHosts(host: HostRegistry): void {
  defineFatalHosts(host);
  // goexit1 finishes a goroutine (mcall(goexit0)); the scheduler port that
  // implements it replaces this definition (issue: boot a Go program).
  for (const name of ['runtime.goexit1', 'runtime.args', 'runtime.osinit', 'runtime.schedinit', 'runtime.mstart0', 'runtime.newproc.func1', 'runtime.newstack', 'runtime.main_start', 'runtime.main_exit', 'runtime.badmorestackg0', 'runtime.badmorestackgsignal']) {
    host.define(name, { abi: 'abi0', nargs: 0 }, () => goThrow(`${name}: the scheduler is not part of this build yet`));
  }
}
