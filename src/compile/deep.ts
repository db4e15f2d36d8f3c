// Compiling deeply nested programs. The conversion of the syntax tree, the
// checker and the lowering recurse on the depth of the program; the main
// thread's stack (about 1 MB in Node) holds a few hundred levels of nesting,
// while real Go compiles programs nested thousands of levels deep. parseGo
// measures the depth first (without recursion); past MAIN_THREAD_DEPTH the
// whole compilation runs here instead, on a worker thread with a large
// stack, and only the result (plain data) comes back. The deepest program
// compiled at all is MAX_DEPTH (parse.ts); deeper ones get a clear error at
// their position.
import { Worker } from 'node:worker_threads';
import type { ArchName } from '../arch/types.ts';
import type { CompiledCode } from './index.ts';
import { GoErrors, PosError } from './errors.ts';

/** The worker's stack: enough for MAX_DEPTH levels of every kind of nesting, with room to spare. */
const STACK_MB = 512;

export type WorkerReply = { ok: CompiledCode } | { pos: { line: number; col: number }; detail: string; also?: { line: number; col: number; detail: string }[]; reported?: { pos: { line: number; col: number }; detail: string; also: { line: number; col: number; detail: string }[] }[] } | { error: string; stack?: string };

/** Compile on a large-stack worker thread; program errors come back as PosError. */
export function compileOnLargeStack(source: string, file: string, arch: ArchName): Promise<CompiledCode> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./deep-worker.mjs', import.meta.url), {
      workerData: { source, file, arch },
      resourceLimits: { stackSizeMb: STACK_MB },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    w.once('message', (r: WorkerReply) => {
      settled = true;
      void w.terminate();
      if ('ok' in r) resolve(r.ok);
      else if ('pos' in r) reject(r.reported ? new GoErrors(r.reported.map((x) => new PosError(x.pos, x.detail, x.also))) : new PosError(r.pos, r.detail, r.also ?? []));
      else {
        const e = new Error(r.error);
        if (r.stack) e.stack = r.stack;
        reject(e);
      }
    });
    w.once('error', (e) => {
      if (!settled) reject(e);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`the compiler thread for deeply nested programs exited with status ${code}`));
    });
  });
}
