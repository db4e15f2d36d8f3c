// `gogo-emu run prog.go [--arch X] [--max-insns N] [--seed N]`: compile a Go
// program of the supported subset and run it on the emulated CPU like
// `go run`: its output on stdout/stderr as Go writes it, Go's exit status.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { reportError, UserError } from '../session/errors.ts';
import type { Process, ProcessResult } from '../session/process.ts';
import { readProgramFile } from '../session/program.ts';
import { runToExit, Session } from '../session/session.ts';
import { signalDump, trapStopSignals } from '../session/sigquit.ts';
import { attachSchedtrace, type SchedtraceOptions } from '../trace/schedtrace.ts';
import { TimelineRecorder } from '../trace/timeline.ts';

export interface RunOptions {
  maxInsns?: number;
  seed?: number;
  /** the GOMAXPROCS environment variable */
  gomaxprocsEnv?: string;
  /** the machine's virtual CPU count (default 4) */
  cpus?: number;
  /** perturb thread quanta with this seed (other interleavings; default off) */
  interleaveSeed?: number;
  /** instructions per thread quantum (default 10,000) */
  slice?: number;
  observe?: (p: Process) => void;
  /** called when the run has ended (also by a Go fatal error or panic), before the process is closed */
  atEnd?: (p: Process) => void;
  /** GODEBUG=schedtrace=MS[,scheddetail=1] in virtual milliseconds */
  schedtrace?: SchedtraceOptions;
  /** write a Trace Event Format timeline (Perfetto, chrome://tracing) to this file */
  timeline?: string;
  /** assert the runtime port's preconditions (default: GOGO_EMU_DEBUG=1) */
  debugChecks?: boolean;
  /** stop after this many seconds of wall-clock time (0 or undefined: no limit) */
  timeLimit?: number;
  /** end the run on SIGINT / SIGQUIT with Go's SIGQUIT dump (the CLI; default off) */
  trapSignals?: boolean;
}

/** Compile and run a Go source text; faults and budget overruns become Go-style output with status 2. */
export async function runSource(source: string, file: string, arch: Arch, o: RunOptions = {}): Promise<ProcessResult> {
  const signals = o.trapSignals ? trapStopSignals() : undefined;
  let timeline: TimelineRecorder | undefined;
  const observe = (p: Process) => {
    if (o.schedtrace) attachSchedtrace(p, o.schedtrace);
    if (o.timeline) timeline = new TimelineRecorder(p, `${basename(file)} (${arch.name})`);
    o.observe?.(p);
  };
  let s: Session;
  try {
    s = await Session.create({ file, source }, arch, {
      maxInsns: o.maxInsns,
      seed: o.seed,
      cpus: o.cpus,
      interleaveSeed: o.interleaveSeed,
      slice: o.slice,
      gomaxprocsEnv: o.gomaxprocsEnv,
      debugChecks: o.debugChecks,
      observe,
      replay: false,
    });
  } catch (e) {
    signals?.dispose();
    throw e;
  }
  signals?.attach(s);
  let timedOut = false;
  const timer = o.timeLimit
    ? setTimeout(() => {
        timedOut = true;
        s.pause();
      }, o.timeLimit * 1000)
    : undefined;
  try {
    const { result, error, paused } = await runToExit(s);
    o.atEnd?.(s.process);
    if (paused) {
      // a signal or the time limit: the output so far, then where every goroutine was, as Go's SIGQUIT shows it
      const sig = signals?.signal();
      const head = timedOut && !sig ? `gogo-emu: time limit of ${o.timeLimit} s reached after ${s.insns} instructions; raise it with --time-limit (0: none)\n` : '';
      return { ...result, stderr: result.stderr + head + signalDump(s, sig ?? 'SIGQUIT'), cycles: 0, exitCode: 2 };
    }
    if (error) {
      // a fault or the budget ends the run: the output so far, then the report
      const r = reportError(error, { process: s.process });
      return { ...result, stderr: result.stderr + r.text, cycles: 0, exitCode: r.exitCode };
    }
    if (timeline && o.timeline) writeTimeline(o.timeline, timeline);
    return result;
  } finally {
    if (timer) clearTimeout(timer);
    signals?.dispose();
    timeline?.dispose();
    s.close();
  }
}

function writeTimeline(path: string, t: TimelineRecorder): void {
  try {
    t.writeJSON(path);
  } catch (e) {
    throw new UserError(`--timeline ${path}: ${(e as Error).message}`);
  }
}

export async function runCommand(file: string, arch: Arch, o: RunOptions): Promise<number> {
  const r = await runSource(readProgramFile(file), file, arch, o);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}
