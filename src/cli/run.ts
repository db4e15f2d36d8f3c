// `gogo-emu run prog.go [--arch X] [--max-insns N] [--seed N]`: compile a Go
// program of the supported subset and run it on the emulated CPU like
// `go run`: its output on stdout/stderr as Go writes it, Go's exit status.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { compileProgram } from '../compile/index.ts';
import { GogoError, reportError, UserError } from '../session/errors.ts';
import { Process, type ProcessResult } from '../session/process.ts';
import { readProgramFile } from '../session/program.ts';
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
}

/** Compile and run a Go source text; faults and budget overruns become Go-style output with status 2. */
export async function runSource(source: string, file: string, arch: Arch, o: RunOptions = {}): Promise<ProcessResult> {
  const prog = await compileProgram(source, file, arch);
  let timeline: TimelineRecorder | undefined;
  const observe = (p: Process) => {
    if (o.schedtrace) attachSchedtrace(p, o.schedtrace);
    if (o.timeline) timeline = new TimelineRecorder(p, `${basename(file)} (${arch.name})`);
    o.observe?.(p);
  };
  const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, maxInsns: o.maxInsns, seed: o.seed, cpus: o.cpus, interleaveSeed: o.interleaveSeed, slice: o.slice, gomaxprocsEnv: o.gomaxprocsEnv, debugChecks: o.debugChecks, observe });
  try {
    const r = p.run();
    o.atEnd?.(p);
    if (timeline && o.timeline) writeTimeline(o.timeline, timeline);
    return r;
  } catch (e) {
    // a fault or the budget ends the run: the output so far, then the report
    if (!(e instanceof GogoError && (e.kind === 'fault' || e.kind === 'budget'))) throw e;
    const r = reportError(e, { process: p });
    return { stdout: p.rt.stdout, stderr: p.rt.stderr + r.text, insns: p.threads.totalInsns, cycles: 0, exitCode: r.exitCode };
  } finally {
    timeline?.dispose();
    p.close();
  }
}

function writeTimeline(path: string, t: TimelineRecorder): void {
  try {
    writeFileSync(path, JSON.stringify(t.toJSON()));
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
