// The gogo-emu side of the differential: a small pool of worker processes
// (worker-main.ts), each running the real command line in-process so that a
// program costs tens of milliseconds instead of a Node start-up. Every job
// has a wall-clock limit: a worker that does not answer in time is killed
// (SIGKILL) and replaced, and the job is a hang; a worker that dies is a host
// crash. Workers run with GOMAXPROCS=1 and their own assembly cache
// directory (removed at close).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArchName } from '../../../src/arch/index.ts';
import type { Outcome } from './outcome.ts';
import type { Job, JobResult } from './worker-main.ts';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'worker.mjs');

export interface CliResult {
  stdout: string;
  stderr: string;
  exit: number;
  /** the worker died (signal or exit) while running the job */
  died?: string;
  /** no answer within the limit */
  hung?: boolean;
  ms: number;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  jobs: number;
  current?: { id: number; resolve: (r: CliResult) => void; timer: NodeJS.Timeout; start: number };
  stray: string;
}

export interface PoolOptions {
  workers?: number;
  /** wall-clock limit per job (default 60 s) */
  timeoutMs?: number;
  /** replace a worker after this many jobs (default 400), bounding leaks */
  recycleAfter?: number;
}

export class EmuPool {
  private readonly workers: Worker[] = [];
  private readonly queue: { job: Omit<Job, 'id'>; timeoutMs: number; resolve: (r: CliResult) => void }[] = [];
  private nextId = 1;
  readonly dir: string;
  private closed = false;
  /** output that reached a worker's real stdout/stderr (should stay empty) */
  stray = '';

  constructor(private readonly o: PoolOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'gogo-fuzz-'));
    const n = Math.max(1, o.workers ?? 1);
    for (let i = 0; i < n; i++) this.workers.push(this.spawn());
  }

  private spawn(): Worker {
    const child = fork(ENTRY, [], {
      // not the parent's loader flags: under `tsx tools/fuzz.ts` they would load the sources with the
      // scratch directory's (missing) tsconfig, compiling class fields unlike the project's settings;
      // worker.mjs registers tsx itself with the project's tsconfig
      execArgv: [],
      // files a command writes at a relative path (--timeline x) land in the scratch directory
      cwd: this.dir,
      env: { ...process.env, GOMAXPROCS: '1', GOGO_EMU_CACHE: join(this.dir, 'asm-cache'), GOGO_EMU_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const w: Worker = { child, busy: true, jobs: 0, stray: '', ready: Promise.resolve() };
    w.ready = new Promise((resolve) => {
      const onMsg = (m: unknown) => {
        if ((m as { ready?: boolean }).ready) {
          child.off('message', onMsg);
          w.busy = false;
          resolve();
          this.pump();
        }
      };
      child.on('message', onMsg);
    });
    child.stdout!.on('data', (b: Buffer) => (this.stray += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (this.stray += b.toString()));
    child.on('message', (m: unknown) => {
      const r = m as JobResult;
      if (typeof r.id !== 'number' || !w.current || w.current.id !== r.id) return;
      const cur = w.current;
      clearTimeout(cur.timer);
      w.current = undefined;
      w.busy = false;
      w.jobs++;
      cur.resolve({ stdout: r.stdout, stderr: r.stderr, exit: r.exit, ms: Date.now() - cur.start });
      if (w.jobs >= (this.o.recycleAfter ?? 400)) this.replace(w);
      this.pump();
    });
    child.on('exit', (code, signal) => {
      const cur = w.current;
      if (cur) {
        clearTimeout(cur.timer);
        w.current = undefined;
        cur.resolve({ stdout: '', stderr: '', exit: code ?? 128, died: signal ? `worker killed by ${signal}` : `worker exited with status ${code}`, ms: Date.now() - cur.start });
      }
      const i = this.workers.indexOf(w);
      if (i >= 0 && !this.closed) {
        this.workers[i] = this.spawn();
      }
    });
    return w;
  }

  private replace(w: Worker): void {
    const i = this.workers.indexOf(w);
    if (i < 0) return;
    this.workers.splice(i, 1);
    w.child.kill('SIGKILL');
    if (!this.closed) this.workers.push(this.spawn());
  }

  private pump(): void {
    for (const w of this.workers) {
      if (w.busy || this.queue.length === 0) continue;
      const { job, timeoutMs, resolve } = this.queue.shift()!;
      const id = this.nextId++;
      w.busy = true;
      const start = Date.now();
      const timer = setTimeout(() => {
        if (w.current?.id !== id) return;
        w.current = undefined;
        resolve({ stdout: '', stderr: '', exit: -1, hung: true, ms: Date.now() - start });
        this.replace(w);
        this.pump();
      }, timeoutMs);
      w.current = { id, resolve, timer, start };
      w.child.send({ id, argv: job.argv } satisfies Job);
    }
  }

  /** Run `gogo-emu <argv...>` in a worker. */
  cli(argv: string[], timeoutMs = this.o.timeoutMs ?? 60_000): Promise<CliResult> {
    return new Promise((resolve) => {
      this.queue.push({ job: { argv }, timeoutMs, resolve });
      this.pump();
    });
  }

  /** Write a file into the pool's scratch directory; returns its path. */
  file(name: string, content: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, content);
    return p;
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) w.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A JavaScript stack frame, as V8 prints them. */
const JS_STACK = /^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)$/m;

/** Whether a command's result shows a host crash, and which. */
export function hostCrash(r: CliResult): string | undefined {
  if (r.died) return r.died;
  if (r.exit >= 128) return `exit status ${r.exit}`;
  const all = `${r.stdout}\n${r.stderr}`;
  const internal = /^.*internal error:.*$/im.exec(all);
  if (internal) return internal[0];
  const stack = JS_STACK.exec(all);
  if (stack) return `JavaScript stack trace: ${all.split('\n').find((l) => l.trim())?.trim() ?? ''} ${stack[0].trim()}`;
  if (/^(uncaught|Error|TypeError|RangeError|ReferenceError):? /m.test(r.stderr)) return r.stderr.split('\n')[0]!;
  return undefined;
}

/** gogo-emu stopped a runaway run: its instruction budget or its wall-clock time limit */
const BUDGET = /^gogo-emu: .*(instruction budget|time limit).*$/m;

/** The outcome of `gogo-emu run prog.go` from what the command printed. */
export function runOutcome(r: CliResult, file: string): Outcome {
  if (r.hung) return { kind: 'hang', detail: `no answer in ${Math.round(r.ms / 1000)} s` };
  const crash = hostCrash(r);
  if (crash) return { kind: 'crash', detail: crash };
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  // one line, or the compile errors of the program as go build prints them: more lines
  // naming the file (a tab-indented note under its error, as goErrorLines leaves them out)
  const more = lines.slice(1);
  if (r.exit !== 0 && r.stdout === '' && lines.length >= 1 && lines[0]!.startsWith('gogo-emu: ') && !BUDGET.test(lines[0]!) && more.every((l) => l.startsWith(`${file}:`) || l.startsWith(`\t${file}:`))) {
    const msg = lines[0]!.slice('gogo-emu: '.length);
    const at = msg.indexOf(`${file}:`);
    const rest = more.filter((l) => !l.startsWith('\t')).map((l) => l.slice(file.length + 1));
    return { kind: 'reject', errors: [at >= 0 ? msg.slice(at + file.length + 1) : msg, ...rest] };
  }
  const budget = BUDGET.exec(r.stderr);
  if (budget) return { kind: 'timeout', detail: budget[0] };
  return { kind: 'run', stdout: r.stdout, stderr: r.stderr, exit: r.exit };
}

/** Run one Go source with gogo-emu in a pool worker. */
export async function emuOutcome(pool: EmuPool, source: string, arch: ArchName, o: { maxInsns: number; timeoutMs?: number; name?: string }): Promise<{ outcome: Outcome; ms: number }> {
  const name = o.name ?? `prog-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const path = pool.file(`${name}.go`, source);
  try {
    // gogo-emu's own time limit ends a slow runaway cleanly well before the pool calls it a hang
    const limit = Math.max(1, Math.round((o.timeoutMs ?? 60_000) / 2000));
    const r = await pool.cli(['run', path, '--arch', arch, '--max-insns', String(o.maxInsns), '--time-limit', String(limit)], o.timeoutMs);
    return { outcome: runOutcome(r, path), ms: r.ms };
  } finally {
    rmSync(path, { force: true });
  }
}
