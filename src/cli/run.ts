// `gogo-emu run prog.go [--arch X] [--max-insns N] [--seed N]`: compile a Go
// program of the supported subset and run it on the emulated CPU like
// `go run`: its output on stdout/stderr as Go writes it, Go's exit status.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { reportError, UserError } from '../session/errors.ts';
import type { OutputSink } from '../session/process.ts';
import type { Process, ProcessResult } from '../session/process.ts';
import { readProgramFile } from '../session/program.ts';
import { runToExit, Session } from '../session/session.ts';
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
  /** where the program's output goes as it is written (default: only kept in the result) */
  output?: OutputSink;
  /** characters of each stream kept in the result (default DEFAULT_RETAIN; 0: none) */
  retainOutput?: number;
}

/** Compile and run a Go source text; faults and budget overruns become Go-style output with status 2. */
export async function runSource(source: string, file: string, arch: Arch, o: RunOptions = {}): Promise<ProcessResult> {
  let timeline: TimelineRecorder | undefined;
  const observe = (p: Process) => {
    if (o.schedtrace) attachSchedtrace(p, o.schedtrace);
    if (o.timeline) timeline = new TimelineRecorder(p, `${basename(file)} (${arch.name})`);
    o.observe?.(p);
  };
  const s = await Session.create({ file, source }, arch, {
    maxInsns: o.maxInsns,
    seed: o.seed,
    cpus: o.cpus,
    interleaveSeed: o.interleaveSeed,
    slice: o.slice,
    gomaxprocsEnv: o.gomaxprocsEnv,
    debugChecks: o.debugChecks,
    output: o.output,
    retainOutput: o.retainOutput,
    observe,
    replay: false,
  });
  try {
    const { result, error } = await runToExit(s);
    o.atEnd?.(s.process);
    if (error) {
      // a fault or the budget ends the run: the output so far, then the report
      const r = reportError(error, { process: s.process });
      s.process.rt.output.write(2, r.text);
      if (timeline && o.timeline) {
        // the case one most wants to look at: write what was recorded, and say so
        timeline.stop(error.message.split('\n')[0]!);
        writeTimeline(o.timeline, timeline);
        s.process.rt.output.write(2, `gogo-emu: --timeline ${o.timeline}: written up to where the run stopped\n`);
      }
      return { ...s.result(), cycles: 0, exitCode: r.exitCode };
    }
    if (timeline && o.timeline) writeTimeline(o.timeline, timeline);
    return result;
  } finally {
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

/**
 * GODEBUG's scheduler settings as Go reads them (comma-separated key=value):
 * schedtrace=MS (0 or less: off) and scheddetail=1; anything else is ignored.
 */
export function godebugSchedtrace(godebug: string | undefined): SchedtraceOptions | undefined {
  let periodMs = 0;
  let detail = false;
  for (const kv of (godebug ?? '').split(',')) {
    const [k, v = ''] = kv.split('=', 2);
    if (!/^[+-]?\d+$/.test(v)) continue;
    if (k === 'schedtrace') periodMs = Number(v);
    else if (k === 'scheddetail') detail = Number(v) === 1;
  }
  return periodMs > 0 ? { periodMs, detail } : undefined;
}

/**
 * The program's output streamed to gogo-emu's own stdout and stderr. Writes
 * are gathered for at most FLUSH_MS (or FLUSH_BYTES) so that a program
 * printing in small pieces does not make a system call per piece; a change
 * of stream flushes first, so stdout and stderr keep their order.
 */
export class StdioSink implements OutputSink {
  static readonly FLUSH_MS = 20;
  static readonly FLUSH_BYTES = 64 << 10;
  private fd = 1;
  private pending: (Uint8Array | string)[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = { stdout: process.stdout, stderr: process.stderr }) {}

  write(fd: number, data: Uint8Array | string): void {
    const to = fd === 1 ? 1 : 2;
    if (to !== this.fd) this.flush();
    this.fd = to;
    this.pending.push(data);
    this.size += data.length;
    if (this.size >= StdioSink.FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), StdioSink.FLUSH_MS).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const data = Buffer.concat(this.pending.map((d) => (typeof d === 'string' ? Buffer.from(d, 'utf8') : d)));
    this.pending = [];
    this.size = 0;
    (this.fd === 1 ? this.streams.stdout : this.streams.stderr).write(data);
  }
}

/** `gogo-emu run`: the output streamed as the program writes it (nothing kept in memory); Ctrl-C keeps what was written. */
export async function runCommand(file: string, arch: Arch, o: RunOptions): Promise<number> {
  const sink = new StdioSink();
  const onInt = () => {
    sink.flush();
    process.exit(130);
  };
  process.once('SIGINT', onInt);
  try {
    const r = await runSource(readProgramFile(file), file, arch, { ...o, output: sink, retainOutput: 0 });
    return r.exitCode;
  } finally {
    sink.flush();
    process.off('SIGINT', onInt);
  }
}
