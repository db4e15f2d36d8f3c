// GODEBUG=schedtrace=N / scheddetail=1 for emulated programs: sysmon prints
// the lines itself, as Go's does (src/runtime/sysmon.ts, schedtrace.ts), on
// the virtual clock; this module only re-exports the line formatter for the
// views (GDB monitor) and keeps the options' type.
export { schedtraceLines } from '../runtime/schedtrace.ts';

export interface SchedtraceOptions {
  periodMs: number;
  detail: boolean;
}

/** The GODEBUG settings that ask for these lines (added to the program's GODEBUG). */
export function schedtraceGodebug(o: SchedtraceOptions): string {
  return `schedtrace=${o.periodMs}${o.detail ? ',scheddetail=1' : ''}`;
}
