// A fuzz worker: a long-lived child process that runs gogo-emu's command
// line in-process, one job at a time, and sends back what a user would have
// seen: stdout, stderr and the exit status. It is the real CLI (src/cli's
// main) with the real error mapping; only its output is captured instead of
// reaching the terminal. The parent (emu.ts) owns the wall-clock limit and
// kills this process when a job takes too long.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { main } from '../../../src/cli/main.ts';

export interface Job {
  id: number;
  argv: string[];
}

export interface JobResult {
  id: number;
  stdout: string;
  stderr: string;
  exit: number;
}

const LIMIT = 4 << 20;
let out = '';
let err = '';
const origOut = process.stdout.write.bind(process.stdout);
const origErr = process.stderr.write.bind(process.stderr);
const origWriteSync = fs.writeSync;
const text = (chunk: unknown, enc?: unknown) =>
  typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8');
const add = (which: 1 | 2, s: string) => {
  if (which === 1) out = out.length < LIMIT ? out + s : out;
  else err = err.length < LIMIT ? err + s : err;
};

/** A replacement for process.stdout/stderr.write that keeps what is written. */
const keeper = (fd: 1 | 2) =>
  ((chunk: unknown, enc?: unknown, cb?: unknown) => {
    add(fd, text(chunk, enc));
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof process.stdout.write;

function capture(on: boolean): void {
  if (on) {
    process.stdout.write = keeper(1);
    process.stderr.write = keeper(2);
    (fs as { writeSync: unknown }).writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd === 1 || fd === 2) {
        const s = typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8', (rest[0] as number) ?? 0, rest[1] === undefined ? undefined : ((rest[0] as number) ?? 0) + (rest[1] as number));
        add(fd, s);
        return Buffer.byteLength(s);
      }
      return (origWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
    }) as typeof fs.writeSync;
  } else {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    (fs as { writeSync: unknown }).writeSync = origWriteSync;
  }
  syncBuiltinESMExports();
}

process.on('message', (job: Job) => {
  void (async () => {
    out = '';
    err = '';
    process.exitCode = 0;
    capture(true);
    try {
      await main(['node', 'gogo-emu', ...job.argv]);
    } catch (e) {
      // main() never throws; if it does, that is what a user would see as a crash
      add(2, `uncaught: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 99;
    } finally {
      capture(false);
    }
    const exit = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    const r: JobResult = { id: job.id, stdout: out, stderr: err, exit };
    process.send!(r);
  })();
});
process.send!({ ready: true });
