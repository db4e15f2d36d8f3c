// Host functions that the stubs call when a runtime invariant is broken.
// Each ports the Go function of the same name (proc.go / stubs.go): they report
// the bug and never return.
import type { HostRegistry } from '../os/host.ts';
import { goThrow } from './throw.ts';

export function defineFatalHosts(host: HostRegistry): void {
  // proc.go badmcall: mcall was called while already on g0.
  host.define('runtime.badmcall', { abi: 'abi0', nargs: 1 }, () => goThrow('runtime: mcall called on m->g0 stack'));
  // proc.go badmcall2: the function given to mcall returned.
  host.define('runtime.badmcall2', { abi: 'abi0', nargs: 1 }, () => goThrow('runtime: mcall function returned'));
  // stubs.go badsystemstack: systemstack on a g that is neither g0, gsignal nor curg.
  host.define('runtime.badsystemstack', { abi: 'abi0', nargs: 0 }, () => goThrow('systemstack called from unexpected goroutine'));
  // stubs.go abort: a deliberate crash.
  host.define('runtime.abort', { abi: 'abi0', nargs: 0 }, () => goThrow('runtime.abort'));
}
