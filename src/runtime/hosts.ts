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
  host.define('runtime.goexit1', { abi: 'internal', nargs: 0 }, () => goThrow('runtime.goexit1: the scheduler is not part of this build yet'));
}
