// Ending a run from outside: SIGINT / SIGQUIT from the user (Ctrl-C,
// Ctrl-\) and the wall-clock time limit. Each pauses the session where it
// is; the run then ends with a report in the shape of what a Go program
// prints when it gets SIGQUIT (runtime/signal_unix.go sighandler with
// GOTRACEBACK=all, as SIGQUIT sets it):
//
//   SIGQUIT: quit
//   PC=0x400b6e m=0 sigcode=0
//
//   goroutine 1 [running]:
//   main.main(...)
//   	./prog.go:6 +0x1e
//
//   goroutine 5 [chan receive]:
//   ...
//
//   rax    0x0
//   ...
//
// and exit status 2. Differs from Go: a goroutine running on another M shows
// where that thread stopped (Go signals every M); SIGINT, which kills
// a Go program without a word, gets the same report here (the program is
// emulated: the user wants to see where it was); the time limit prints
// gogo-emu's own line first.
import { _Grunning } from '../go119/index.ts';
import { traceback, tracebackothers } from '../runtime/traceback.ts';
import type { Session } from './session.ts';

/** The signals a run reports; sigtable's names in runtime/sigtab_linux_generic.go. */
export const SIGNAL_NAMES = { SIGINT: 'SIGINT: interrupt', SIGQUIT: 'SIGQUIT: quit' } as const;
export type StopSignal = keyof typeof SIGNAL_NAMES;

/** The dump Go prints for a signal that crashes the program (sighandler: header, tracebacks, registers). */
export function signalDump(s: Session, signal: StopSignal): string {
  const { rt, threads, machine } = s.process;
  const lines: string[] = [];
  const cur = threads.current;
  const info = s.threadList();
  const me = info.find((t) => t.current) ?? info.find((t) => t.state !== 'exited');
  const pc = cur && cur.state !== 'exited' ? threads.withRegisters(cur, () => machine.engine.pc) : 0;
  lines.push(SIGNAL_NAMES[signal], `PC=0x${pc.toString(16)} m=${me?.m ?? 0} sigcode=0`);
  // the goroutines running on a thread, at that thread's PC; the signalled thread's first
  const running = new Set<number>();
  const onThreads = [...info].sort((a, b) => Number(b.current) - Number(a.current));
  for (const t of onThreads) {
    if (t.state === 'exited' || t.g === undefined || !t.goid) continue;
    const gp = rt.g(t.g);
    if (rt.isSystemGoroutine(gp) || gp.atomicstatus !== _Grunning || running.has(gp.addr)) continue;
    running.add(gp.addr);
    const start = threads.withRegisters(threads.all[t.id]!, () => ({ pc: machine.engine.pc, isReturnAddr: false, sp: machine.engine.sp }));
    lines.push('', ...traceback(rt, gp, { start, status: 'running' }));
  }
  for (const l of tracebackothers(rt)) {
    lines.push(l);
  }
  // tracebackothers lists the running ones again from their (stale) gobufs: keep the first listing only
  const out = dedupeRunning(lines, rt, running);
  if (cur && cur.state !== 'exited') {
    const regs = s.registers();
    out.push('');
    for (const [name, v] of Object.entries(regs)) out.push(`${name.padEnd(6)} 0x${v.toString(16)}`);
  }
  return `${out.join('\n')}\n`;
}

function dedupeRunning(lines: string[], rt: Session['process']['rt'], running: Set<number>): string[] {
  const goids = new Set([...running].map((a) => rt.g(a).goid));
  const out: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^goroutine (\d+) \[/.exec(lines[i]!);
    if (m) {
      const id = Number(m[1]);
      if (seen.has(id) && goids.has(id)) {
        // drop this header, its frame lines and the blank line before it
        if (out[out.length - 1] === '') out.pop();
        while (i + 1 < lines.length && lines[i + 1] !== '') i++;
        continue;
      }
      seen.add(id);
    }
    out.push(lines[i]!);
  }
  return out;
}

/**
 * Have SIGINT and SIGQUIT pause a running session (the run loop yields to
 * the event loop often). Trap them as soon as the command starts (a signal
 * during compilation is kept) and attach the session once it exists.
 */
export function trapStopSignals(): { attach(s: Session): void; signal(): StopSignal | undefined; dispose(): void } {
  let got: StopSignal | undefined;
  let session: Session | undefined;
  const handlers = (Object.keys(SIGNAL_NAMES) as StopSignal[]).map((sig) => {
    const h = () => {
      got ??= sig;
      session?.pause();
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return {
    attach: (s) => {
      session = s;
      // a signal before the run: stop at its first chance (pause() works once it runs)
      if (got) setImmediate(() => s.pause());
    },
    signal: () => got,
    dispose: () => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
    },
  };
}
