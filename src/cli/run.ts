// `gogo-emu run prog.go [--arch X] [--max-insns N] [--seed N]`: compile a Go
// program of the supported subset and run it on the emulated CPU like
// `go run`: its output on stdout/stderr as Go writes it, Go's exit status.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { EmulationFault, UserError } from '../engine/errors.ts';
import { compileProgram } from '../compile/index.ts';
import { BudgetExceeded } from '../os/threads.ts';
import { Process, type ProcessResult } from '../session/process.ts';
import { attachSchedtrace, type SchedtraceOptions } from '../trace/schedtrace.ts';
import { TimelineRecorder } from '../trace/timeline.ts';

export interface RunOptions {
  maxInsns?: number;
  seed?: number;
  /** the GOMAXPROCS environment variable */
  gomaxprocsEnv?: string;
  observe?: (p: Process) => void;
  /** GODEBUG=schedtrace=MS[,scheddetail=1] in virtual milliseconds */
  schedtrace?: SchedtraceOptions;
  /** write a Trace Event Format timeline (Perfetto, chrome://tracing) to this file */
  timeline?: string;
}

/** Read a program file with a one-line error when it cannot be read. */
export function readProgram(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
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
  const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, maxInsns: o.maxInsns, seed: o.seed, gomaxprocsEnv: o.gomaxprocsEnv, observe });
  try {
    const r = p.run();
    if (timeline && o.timeline) writeTimeline(o.timeline, timeline);
    return r;
  } catch (e) {
    const partial = { stdout: p.rt.stdout, stderr: p.rt.stderr, insns: p.threads.totalInsns, cycles: 0 };
    if (e instanceof BudgetExceeded) return { ...partial, stderr: `${partial.stderr}gogo-emu: ${e.message}\n`, exitCode: 2 };
    if (e instanceof EmulationFault) return { ...partial, stderr: partial.stderr + describeFault(p, e), exitCode: 2 };
    throw e;
  } finally {
    timeline?.dispose();
    p.close();
  }
}

function writeTimeline(path: string, t: TimelineRecorder): void {
  try {
    t.writeJSON(path);
  } catch (e) {
    throw new UserError(`--timeline ${path}: ${(e as Error).message}`);
  }
}

/** Go's report of a fault in the program, then the emulator's view: registers and the code around PC. */
function describeFault(p: Process, f: EmulationFault): string {
  const { machine, rt } = p;
  const lines: string[] = [];
  const nil = f.address !== undefined && f.address < 0x1000;
  lines.push(nil ? 'panic: runtime error: invalid memory address or nil pointer dereference' : `unexpected fault address 0x${(f.address ?? f.pc).toString(16)}`);
  lines.push(`[signal SIGSEGV: segmentation violation code=0x1 addr=0x${(f.address ?? 0).toString(16)} pc=0x${f.pc.toString(16)}]`);
  let goid = 0;
  try {
    goid = rt.getg().goid;
  } catch {
    // no g
  }
  lines.push('', `goroutine ${goid} [running]:`, `${machine.describe(f.pc)}`, '');
  lines.push(`gogo-emu: ${f.kind}${f.address !== undefined ? ` at 0x${f.address.toString(16)}` : ''}, pc=0x${f.pc.toString(16)} ${machine.describe(f.pc)}: ${f.instruction}`);
  lines.push(Object.entries(f.registers).map(([k, v]) => `${k}=0x${v.toString(16)}`).join(' '));
  const pos = machine.image.lookup(f.pc);
  if (pos) lines.push(`at ${pos.file}:${pos.line}`);
  return `${lines.join('\n')}\n`;
}

export async function runCommand(file: string, arch: Arch, o: RunOptions): Promise<number> {
  const r = await runSource(readProgram(file), file, arch, o);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}
