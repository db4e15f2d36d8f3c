// Pipes and the file descriptors of the emulated process (pipe(7), read(2),
// write(2), close(2)): what syscall.Pipe, Read, Write and Close reach.
//
// fd 0, 1 and 2 are the process's standard streams (stdin reads end of
// file at once; 1 and 2 go to the process's output, LinuxProcess.write).
// pipe2 gives the two lowest free descriptors from 3 up: a read end and a
// write end over one kernel buffer of PIPE_CAPACITY bytes (Linux's default
// of 16 pages).
//
// Blocking, as Linux's pipe_read / pipe_write: a read of an empty pipe
// whose write end is open blocks the calling thread (Wait 'pipe' with the
// user buffer); a write hands its bytes to the reader that waits longest
// (copying into that reader's buffer and waking it with the count, as the
// reader would copy them on waking), then fills the buffer; what does not
// fit blocks the writer until readers make room (its call then returns the
// full count). Closing the last write end wakes every blocked reader with
// 0 (end of file); closing the last read end wakes blocked writers with
// -EPIPE (or the count written so far). Every wait and wake is on the
// virtual timeline of threads.ts, so a run repeats exactly.
//
// Differs: no O_NONBLOCK (pipe2 refuses it), no SIGPIPE on a write to a
// pipe without readers (only -EPIPE: Go's handler would find a SIGPIPE it
// does not expect here), writes are never split in PIPE_BUF atoms between
// several writers (a blocked writer's remainder goes first once there is
// room), and the state is plain data on Threads (`files`) so that it is
// part of a snapshot.
import type { Thread, Threads } from '../threads.ts';
import { EBADF, EFAULT, EINVAL, EPIPE } from './errno.ts';
import type { SyscallContext, SyscallHandler } from './syscalls.ts';

/** Bytes a pipe buffers before a writer blocks (Linux: 16 pages of 4 KiB). */
export const PIPE_CAPACITY = 65536;
/** pipe2 flags: O_CLOEXEC is accepted (there is no exec), O_NONBLOCK and O_DIRECT are not modelled. */
const O_CLOEXEC = 0o2000000;

export interface PipeData {
  /** the buffered bytes, oldest first */
  buf: number[];
  /** open read and write descriptors */
  readers: number;
  writers: number;
}

/** The process's descriptor table and its pipes: plain data (captured with the threads). */
export interface FilesData {
  /** fd -> the pipe and which end (fds 0-2 are the standard streams, not listed) */
  fds: Record<number, { pipe: number; end: 'r' | 'w' }>;
  pipes: PipeData[];
}

export function newFiles(): FilesData {
  return { fds: {}, pipes: [] };
}

/** The lowest descriptor from 3 up that is not open. */
function freeFd(f: FilesData): number {
  let fd = 3;
  while (f.fds[fd]) fd++;
  return fd;
}

/** pipe2(fds *[2]int32, flags): a new pipe; fds[0] its read end, fds[1] its write end. */
export const pipe2: SyscallHandler = ([p, flags], c) => {
  if ((Number(flags) & ~O_CLOEXEC) !== 0) return -EINVAL;
  const addr = Number(p);
  if (!c.mem.contains(addr, 8)) return -EFAULT;
  const f = c.threads.files;
  const id = f.pipes.length;
  f.pipes.push({ buf: [], readers: 1, writers: 1 });
  const r = freeFd(f);
  f.fds[r] = { pipe: id, end: 'r' };
  const w = freeFd(f);
  f.fds[w] = { pipe: id, end: 'w' };
  c.mem.setU32(addr, r);
  c.mem.setU32(addr + 4, w);
  if (c.threads.events.active) c.threads.events.emit({ kind: 'pipe', thread: c.threads.current!.id, fds: [r, w], clock: c.threads.current!.clock });
  return 0n;
};

/** The threads blocked on pipe `id` in `dir` ('r': read, 'w': write), longest waiting first. */
function waiters(threads: Threads, id: number, dir: 'r' | 'w'): Thread[] {
  return threads.all.filter((t) => t.state === 'waiting' && t.wait!.on === 'pipe' && t.wait!.pipe === id && t.wait!.dir === dir).sort((a, b) => a.wait!.seq - b.wait!.seq);
}

/** Move what blocked writers still hold into the buffer while it has room; wake those that are done. */
function drainWriters(c: SyscallContext, id: number): void {
  const pipe = c.threads.files.pipes[id]!;
  for (const t of waiters(c.threads, id, 'w')) {
    const w = t.wait!;
    const room = PIPE_CAPACITY - pipe.buf.length;
    if (room <= 0) return;
    const n = Math.min(room, w.len!);
    for (const b of c.mem.read(w.buf!, n)) pipe.buf.push(b);
    w.buf! += n;
    w.len! -= n;
    w.done! += n;
    if (w.len! > 0) return;
    c.threads.wake(t, w.done!, c.threads.current);
  }
}

/** read(fd, buf, n): bytes from a pipe (blocking while it is empty and has writers); stdin is at end of file. */
export const read: SyscallHandler = ([fd, buf, n], c) => {
  const len = Number(n);
  const addr = Number(buf);
  const fdn = Number(fd);
  if (fdn === 0) return 0n;
  const e = c.threads.files.fds[fdn];
  if (!e || e.end !== 'r') return -EBADF;
  if (len === 0) return 0n;
  if (!c.mem.contains(addr, len)) return -EFAULT;
  const pipe = c.threads.files.pipes[e.pipe]!;
  if (pipe.buf.length === 0) {
    if (pipe.writers === 0) return 0n;
    const t = c.threads.current!;
    c.threads.block(t, { on: 'pipe', pipe: e.pipe, dir: 'r', buf: addr, len, done: 0, timeoutResult: 0 });
    return undefined;
  }
  const k = Math.min(len, pipe.buf.length);
  c.mem.write(addr, Uint8Array.from(pipe.buf.splice(0, k)));
  drainWriters(c, e.pipe);
  return BigInt(k);
};

/**
 * write(fd, p, n) to a pipe's write end (the standard streams are the
 * caller's: syscalls.ts). Returns the count, or undefined if the writer blocked.
 */
export function pipeWrite(fdn: number, addr: number, len: number, c: SyscallContext): bigint | undefined {
  const e = c.threads.files.fds[fdn];
  if (!e || e.end !== 'w') return -EBADF;
  const pipe = c.threads.files.pipes[e.pipe]!;
  if (pipe.readers === 0) return -EPIPE;
  if (len === 0) return 0n;
  if (!c.mem.contains(addr, len)) return -EFAULT;
  let off = 0;
  // a reader that waits for an empty pipe gets the bytes first
  if (pipe.buf.length === 0) {
    for (const t of waiters(c.threads, e.pipe, 'r')) {
      if (off === len) break;
      const w = t.wait!;
      const k = Math.min(w.len!, len - off);
      c.mem.write(w.buf!, c.mem.read(addr + off, k));
      off += k;
      c.threads.wake(t, k, c.threads.current);
    }
  }
  const room = Math.min(PIPE_CAPACITY - pipe.buf.length, len - off);
  for (const b of c.mem.read(addr + off, room)) pipe.buf.push(b);
  off += room;
  if (off === len) return BigInt(len);
  const t = c.threads.current!;
  c.threads.block(t, { on: 'pipe', pipe: e.pipe, dir: 'w', buf: addr + off, len: len - off, done: off, timeoutResult: 0 });
  return undefined;
}

/** close(fd): a pipe end is closed (the last write end: readers see end of file; the last read end: writers get EPIPE). */
export const close: SyscallHandler = ([fd], c) => {
  const fdn = Number(fd);
  const f = c.threads.files;
  const e = f.fds[fdn];
  if (!e) return fdn >= 0 && fdn <= 2 ? 0n : -EBADF;
  delete f.fds[fdn];
  const pipe = f.pipes[e.pipe]!;
  if (e.end === 'r') {
    pipe.readers -= 1;
    if (pipe.readers === 0) for (const t of waiters(c.threads, e.pipe, 'w')) c.threads.wake(t, t.wait!.done! > 0 ? t.wait!.done! : Number(-EPIPE), c.threads.current);
  } else {
    pipe.writers -= 1;
    if (pipe.writers === 0) for (const t of waiters(c.threads, e.pipe, 'r')) c.threads.wake(t, 0, c.threads.current);
  }
  return 0n;
};
