// What a process writes to its standard output and error (the write system
// call on fd 1 and 2, and the runtime's own messages): passed on to a sink as
// it is written, and kept in memory up to a limit for ProcessResult.
//
// The sink is where the output goes while the program runs: `gogo-emu run`
// streams it to its own stdout and stderr (src/cli/run.ts), so a long run
// shows its progress, Ctrl-C keeps what was written, and memory does not
// grow with the output. What is kept is for tests and views that read
// ProcessResult.stdout/stderr: at most `retain` bytes per stream, the most
// recent ones (where a crash report is); when older output had to go, the
// kept text starts with a note saying how much (RETAIN_NOTE). The CLI keeps
// nothing.
//
// Snapshots (Session.snapshot/restore) capture the kept text only: output
// that went to a sink stays written when a session goes back in time.

/** Where output goes as it is written: fd 1 or 2, and the bytes (or text) written. */
export interface OutputSink {
  write(fd: number, data: Uint8Array | string): void;
}

/** Characters of output kept per stream by default (well below V8's largest string, 2^29 - 24). */
export const DEFAULT_RETAIN = 16 << 20;

/** The first line of a kept stream that lost its oldest part. */
export const RETAIN_NOTE = (dropped: number) => `[gogo-emu: the first ${dropped} characters of this output were not kept (only the last part is held in memory)]\n`;

/** One stream's kept text: chunks, newest last, the oldest dropped beyond the limit. */
interface Kept {
  chunks: string[];
  /** characters (UTF-16 code units, as the text is kept) in chunks */
  size: number;
  /** characters dropped from the front */
  dropped: number;
}

export interface OutputState {
  kept: [Kept, Kept];
}

export class ProcessOutput {
  private kept: [Kept, Kept] = [empty(), empty()];
  /** one decoder per stream: a UTF-8 sequence split over two writes is decoded whole */
  private readonly decoders = [new TextDecoder('utf-8'), new TextDecoder('utf-8')];

  constructor(
    /** where output goes as it is written (none: only kept) */
    readonly sink: OutputSink | undefined,
    /** characters kept per stream (0: none) */
    readonly retain: number = DEFAULT_RETAIN,
  ) {}

  /** Output on fd 1 (stdout) or any other fd (stderr): to the sink, and kept. */
  write(fd: number, data: Uint8Array | string): void {
    this.sink?.write(fd, data);
    if (this.retain <= 0) return;
    const i = fd === 1 ? 0 : 1;
    const text = typeof data === 'string' ? data : this.decoders[i]!.decode(data, { stream: true });
    if (text.length === 0) return;
    const k = this.kept[i];
    k.chunks.push(text);
    k.size += text.length;
    // drop whole chunks from the front, then cut the first one, to stay within the limit
    while (k.size > this.retain) {
      const first = k.chunks[0]!;
      const over = k.size - this.retain;
      if (first.length <= over) {
        k.chunks.shift();
        k.size -= first.length;
        k.dropped += first.length;
      } else {
        k.chunks[0] = first.slice(over);
        k.size -= over;
        k.dropped += over;
      }
    }
    // many small writes: join them now and then so the chunk list stays short
    if (k.chunks.length > 4096) k.chunks = [k.chunks.join('')];
  }

  /** The kept text of stdout (fd 1) or stderr (fd 2), with the note if its beginning was dropped. */
  text(fd: 1 | 2): string {
    const k = this.kept[fd - 1]!;
    const s = k.chunks.join('');
    k.chunks = s ? [s] : [];
    return k.dropped > 0 ? `${RETAIN_NOTE(k.dropped)}${s}` : s;
  }

  capture(): OutputState {
    return { kept: [copy(this.kept[0]), copy(this.kept[1])] };
  }

  restoreFrom(s: OutputState): void {
    this.kept = [copy(s.kept[0]), copy(s.kept[1])];
  }
}

function empty(): Kept {
  return { chunks: [], size: 0, dropped: 0 };
}

function copy(k: Kept): Kept {
  return { chunks: [...k.chunks], size: k.size, dropped: k.dropped };
}
