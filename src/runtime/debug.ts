// Ports runtime1.go parsedebugvars for the GODEBUG settings the port acts
// on: asyncpreemptoff (sysmon's preemptone sends no signal; sighandler
// injects no asyncPreempt), schedtrace=N (sysmon prints the scheduler's
// state every N ms) and scheddetail=1 (the detailed form). Go reads GODEBUG
// from the environment in schedinit; here it comes with the run's options
// (the shells pass the GODEBUG environment variable through). Settings are
// comma-separated name=value pairs; the last one of a name wins; names the
// port does not know are ignored, as Go ignores unknown names.

/** The debug variables (Go's `debug` struct) the port reads. */
export interface DebugVars {
  schedtrace: number;
  scheddetail: number;
  asyncpreemptoff: number;
}

/** Ports parsedebugvars: the values of `godebug` (Go's atoi: a bad number leaves the default). */
export function parsedebugvars(godebug: string | undefined): DebugVars {
  const d: DebugVars = { schedtrace: 0, scheddetail: 0, asyncpreemptoff: 0 };
  for (const field of (godebug ?? '').split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq);
    const value = field.slice(eq + 1);
    if (!(key in d) || !/^-?\d+$/.test(value)) continue;
    d[key as keyof DebugVars] = Number(value);
  }
  return d;
}
