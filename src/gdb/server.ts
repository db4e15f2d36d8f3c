// The GDB remote stub: a TCP server on 127.0.0.1 that speaks the Remote
// Serial Protocol (gdb manual, Appendix E) to one gdb at a time and drives
// a Session through a GdbTarget (target.ts).
//
// Packets handled: qSupported (PacketSize, qXfer:features:read, swbreak,
// hwbreak, ReverseStep, ReverseContinue), qXfer:features:read:target.xml,
// ?, qC, qAttached, qfThreadInfo / qsThreadInfo, qThreadExtraInfo, T, H,
// g / G, p / P, m / M / X, Z0-Z4 / z0-z4, c / C / s / S, vCont? / vCont,
// bs / bc, qRcmd (monitor.ts), k / vKill, D, qSymbol, qOffsets; anything
// else gets the empty reply that means "not supported".
//
// Robustness (none of it ever prints a host stack trace):
// - a packet with a bad checksum is answered with `-` (gdb sends it again);
//   a `-` from gdb makes the stub send its last packet again;
// - a packet longer than PacketSize is dropped as it streams in (never
//   buffered) and answered with an error; garbage between packets is
//   skipped; malformed arguments get `E01`;
// - ^C (0x03) while the target runs pauses the session: the stop reply is
//   T02; a client that disconnects while the target runs pauses it too, and
//   the stub waits for the next client with the session where it stopped;
// - a second client while one is attached is told so in an error reply and
//   disconnected; the first one is not disturbed;
// - `D` detaches (the stub waits for the next client); `k` ends the
//   session and the server (GdbServer.done resolves).
import { createServer, type Server, type Socket } from 'node:net';
import { GogoError } from '../engine/errors.ts';
import type { Session, WatchKind } from '../session/session.ts';
import { monitorCommand } from './monitor.ts';
import { fromHex, frame, MAX_PACKET, PacketReader, parseHexNum, textToHex, toHex, type ReaderEvent } from './packets.ts';
import { GdbError, GdbTarget } from './target.ts';
import { threadSummary } from '../trace/goroutines.ts';

export interface GdbServerOptions {
  /** TCP port on 127.0.0.1 (0: any free port) */
  port: number;
  /** one line per notable event (clients, errors); default: none */
  log?: (line: string) => void;
  /** the program's output as it appears (default: this process's stdout / stderr) */
  output?: (fd: number, text: string) => void;
  /** log every packet in and out (also GOGO_EMU_RSP_LOG=1) */
  trace?: boolean;
}

/** How the server ended: gdb killed the program (`k`), or close() was called. */
export type ServerEnd = 'killed' | 'closed';

const SUPPORTED = [`PacketSize=${MAX_PACKET.toString(16)}`, 'qXfer:features:read+', 'swbreak+', 'hwbreak+', 'ReverseStep+', 'ReverseContinue+', 'vContSupported+'];

/** Console text for gdb (qRcmd output, notes) goes in O packets of at most this many characters of text. */
const O_CHUNK = 2000;

export class GdbServer {
  readonly target: GdbTarget;
  private readonly server: Server;
  private active: Connection | undefined;
  private readonly sockets = new Set<Socket>();
  private ended: ((how: ServerEnd) => void) | undefined;
  /** resolves when gdb kills the program or close() is called */
  readonly done: Promise<ServerEnd>;
  private closing = false;

  private constructor(
    readonly session: Session,
    readonly opts: GdbServerOptions,
  ) {
    const out = opts.output ?? ((fd: number, text: string) => (fd === 2 ? process.stderr : process.stdout).write(text));
    this.target = new GdbTarget(session, (fd, text) => {
      out(fd, text);
      this.active?.console(text);
    });
    this.done = new Promise((resolve) => (this.ended = resolve));
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Start listening on 127.0.0.1. */
  static async listen(session: Session, opts: GdbServerOptions): Promise<GdbServer> {
    const s = new GdbServer(session, opts);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', (e: NodeJS.ErrnoException) => {
        reject(new GogoError('input', e.code === 'EADDRINUSE' ? `port ${opts.port} on 127.0.0.1 is in use (pick another with --gdb PORT, or 0 for any free one)` : `cannot listen on 127.0.0.1:${opts.port}: ${e.message}`));
      });
      s.server.listen(opts.port, '127.0.0.1', () => resolve());
    });
    s.server.on('error', (e) => s.log(`server error: ${e.message}`));
    return s;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : this.opts.port;
  }

  log(line: string): void {
    this.opts.log?.(line);
  }

  get tracing(): boolean {
    return !!this.opts.trace || process.env.GOGO_EMU_RSP_LOG === '1';
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // a reset connection: 'close' follows
    socket.setNoDelay(true);
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.active) {
      this.log(`refused a second client from ${socket.remoteAddress}:${socket.remotePort} (one debugger at a time)`);
      refuse(socket);
      return;
    }
    this.log(`gdb connected from ${socket.remoteAddress}:${socket.remotePort}`);
    const c = new Connection(this, socket);
    this.active = c;
    socket.on('close', () => {
      if (this.active !== c) return;
      this.active = undefined;
      if (this.target.interrupt()) this.log('the client went away while the program ran: paused it');
      if (!this.closing) this.log(`gdb disconnected; waiting for the next client on 127.0.0.1:${this.port}`);
    });
  }

  /** `D`: this client is done; the next one may attach at once. */
  detach(c: Connection): void {
    if (this.active !== c) return;
    this.active = undefined;
    this.log(`gdb detached; waiting for the next client on 127.0.0.1:${this.port}`);
  }

  /** `k`: the session ends, and the server with it. */
  kill(): void {
    this.log('gdb killed the program');
    void this.close('killed');
  }

  /** Stop listening, drop the clients, pause a run in progress. The session is the caller's to close. */
  async close(how: ServerEnd = 'closed'): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.target.interrupt();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.target.close();
    this.ended?.(how);
  }
}

/** A second client: its first packet gets an error reply saying why, then the connection closes. */
function refuse(socket: Socket): void {
  const reader = new PacketReader();
  socket.on('data', (d: Buffer) => {
    for (const e of reader.push(d)) {
      if (e.kind !== 'packet' && e.kind !== 'bad-checksum' && e.kind !== 'oversized') continue;
      socket.write('+');
      socket.write(frame('E.gogo-emu: another debugger is attached to this program (one client at a time)'));
      socket.end();
      return;
    }
  });
  // a client that says nothing is not kept forever
  socket.setTimeout(10_000, () => socket.destroy());
}

/** One attached gdb. */
export class Connection {
  private readonly reader = new PacketReader();
  private chain: Promise<void> = Promise.resolve();
  private lastSent: Buffer | undefined;
  private naks = 0;
  /** a resume is in progress: console output may go to gdb as O packets */
  private running = false;
  private closed = false;
  private readonly target: GdbTarget;
  /** the thread `s` and `bs` step (Hc), if gdb named one */
  private contThread: number | undefined;

  constructor(
    private readonly server: GdbServer,
    private readonly socket: Socket,
  ) {
    this.target = server.target;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => (this.closed = true));
  }

  private onData(d: Buffer): void {
    let events: ReaderEvent[];
    try {
      events = this.reader.push(d);
    } catch (e) {
      this.server.log(`bad input from gdb dropped: ${(e as Error).message}`);
      return;
    }
    for (const e of events) {
      switch (e.kind) {
        case 'ack':
          this.naks = 0;
          break;
        case 'nak':
          if (this.lastSent && ++this.naks <= 8) this.socket.write(this.lastSent);
          break;
        case 'interrupt':
          if (this.server.tracing) this.server.log('<- ^C');
          this.target.interrupt();
          break;
        case 'bad-checksum':
          if (this.server.tracing) this.server.log(`<- bad checksum (expected ${e.expected.toString(16)}, got ${e.got.toString(16)}): ${e.body.slice(0, 80)}`);
          this.socket.write('-');
          break;
        case 'oversized':
          this.server.log(`dropped a packet of ${e.length} bytes (the limit is ${MAX_PACKET})`);
          this.socket.write('+');
          this.enqueue(() => Promise.resolve('E01'));
          break;
        case 'packet':
          this.socket.write('+');
          if (this.server.tracing) this.server.log(`<- ${e.body.slice(0, 200)}`);
          this.enqueue(() => this.handle(e.body));
          break;
      }
    }
  }

  private enqueue(fn: () => Promise<string | undefined>): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      let reply: string | undefined;
      try {
        reply = await fn();
      } catch (e) {
        reply = this.errorReply(e);
      }
      if (reply !== undefined) this.send(reply);
    });
  }

  private errorReply(e: unknown): string {
    if (e instanceof GdbError) return `E${e.code.toString(16).padStart(2, '0')}`;
    const msg = e instanceof Error ? e.message : String(e);
    if (!(e instanceof GogoError)) this.server.log(`internal error handling a packet: ${msg}`);
    else this.server.log(msg);
    return 'E01';
  }

  private send(body: string): void {
    if (this.closed) return;
    if (this.server.tracing) this.server.log(`-> ${body.slice(0, 200)}`);
    this.lastSent = frame(body);
    this.socket.write(this.lastSent);
  }

  /** Program output and notes during a resume: O packets (gdb prints them). */
  console(text: string): void {
    if (!this.running || this.closed) return;
    for (let i = 0; i < text.length; i += O_CHUNK) this.send(`O${textToHex(text.slice(i, i + O_CHUNK))}`);
  }

  /** A resume: notes for gdb's console, then the stop reply. */
  private async resume(run: () => Promise<string>): Promise<string> {
    if (this.target.exited) return this.target.lastStop;
    this.running = true;
    try {
      const reply = await run();
      for (const n of this.target.takeNotes()) this.console(`${n}\n`);
      return reply;
    } finally {
      this.running = false;
    }
  }

  private resumeThread(tid: number | undefined): number {
    return tid === undefined || tid <= 0 ? this.target.currentThread() : this.target.threadIndex(tid);
  }

  /** One packet's reply (undefined: none). */
  private async handle(p: string): Promise<string | undefined> {
    const t = this.target;
    const c = p[0];
    switch (c) {
      case '?':
        return t.lastStop;
      case 'g':
        return t.readAllRegisters();
      case 'G':
        t.writeAllRegisters(hexArg(p.slice(1)));
        return 'OK';
      case 'p':
        return t.readRegister(num(p.slice(1)));
      case 'P': {
        const [n, v] = p.slice(1).split('=');
        t.writeRegister(num(n), hexArg(v));
        return 'OK';
      }
      case 'm': {
        const [a, l] = p.slice(1).split(',');
        const len = num(l);
        return toHex(t.readMemory(num(a), Math.min(len, MAX_PACKET / 2)));
      }
      case 'M': {
        const [where, data] = split1(p.slice(1), ':');
        const [a, l] = where.split(',');
        const bytes = hexArg(data);
        if (bytes.length !== num(l)) throw new GdbError(1, 'M: length and data differ');
        t.writeMemory(num(a), bytes);
        return 'OK';
      }
      case 'X': {
        const [where, data] = split1(p.slice(1), ':');
        const [a, l] = where.split(',');
        const bytes = Uint8Array.from(Buffer.from(data, 'latin1'));
        if (bytes.length !== num(l)) throw new GdbError(1, 'X: length and data differ');
        t.writeMemory(num(a), bytes);
        return 'OK';
      }
      case 'Z':
      case 'z':
        return this.point(c === 'Z', p.slice(1));
      case 'H': {
        const tid = threadId(p.slice(2));
        if (p[1] === 'g') t.selectThread(tid);
        else if (p[1] === 'c') this.contThread = tid <= 0 ? undefined : t.threadIndex(tid);
        else throw new GdbError(1, `H${p[1]}: unknown operation`);
        return 'OK';
      }
      case 'T':
        t.threadIndex(threadId(p.slice(1)));
        return 'OK';
      case 'c':
      case 'C':
      case 's':
      case 'S': {
        // C sig[;addr] / S sig[;addr]: the signal is not delivered (the emulated OS has no way to inject one from outside)
        const args = c === 'c' || c === 's' ? p.slice(1) : (p.slice(1).split(';')[1] ?? '');
        if (args) t.writeRegister(t.tdesc.pc, leBytes(num(args), t.tdesc.regs[t.tdesc.pc]!.bits / 8));
        if (c === 'c' || c === 'C') return this.resume(() => t.continue());
        const th = this.contThread ?? t.currentThread();
        return this.resume(() => t.step(th));
      }
      case 'b':
        if (p === 'bs') return this.resume(() => t.reverseStep(this.contThread ?? t.currentThread()));
        if (p === 'bc') return this.resume(() => t.reverseContinue());
        return '';
      case 'k':
        this.server.kill();
        return undefined;
      case 'D':
        this.send('OK');
        this.server.detach(this);
        this.closed = true;
        this.socket.end();
        return undefined;
      case 'q':
      case 'Q':
        return this.query(p);
      case 'v':
        return this.vPacket(p);
      default:
        return '';
    }
  }

  private point(insert: boolean, args: string): string {
    const [type, a, kind] = args.split(/[,;]/);
    const addr = num(a);
    const len = num(kind);
    const t = this.target;
    switch (type) {
      case '0':
      case '1':
        if (insert) t.insertBreakpoint(addr);
        else t.removeBreakpoint(addr);
        return 'OK';
      case '2':
      case '3':
      case '4': {
        const k: WatchKind = type === '2' ? 'write' : type === '3' ? 'read' : 'access';
        if (insert) t.insertWatchpoint(k, addr, len);
        else t.removeWatchpoint(k, addr, len);
        return 'OK';
      }
      default:
        return '';
    }
  }

  private async query(p: string): Promise<string> {
    const t = this.target;
    if (p.startsWith('qSupported')) return SUPPORTED.join(';');
    if (p.startsWith('qXfer:features:read:')) {
      const [annex, range] = split1(p.slice('qXfer:features:read:'.length), ':');
      if (annex !== 'target.xml') throw new GdbError(0, `no feature file ${annex}`);
      const [o, l] = range.split(',');
      const off = num(o);
      const len = Math.min(num(l), MAX_PACKET - 16);
      const chunk = t.tdesc.xml.slice(off, off + len);
      return (off + len >= t.tdesc.xml.length ? 'l' : 'm') + chunk;
    }
    if (p === 'qfThreadInfo') return `m${t.threads().map((x) => x.tid.toString(16)).join(',')}`;
    if (p === 'qsThreadInfo') return 'l';
    if (p.startsWith('qThreadExtraInfo,')) {
      const i = t.threadIndex(threadId(p.slice('qThreadExtraInfo,'.length)));
      const info = t.session.threadList().find((x) => x.id === i)!;
      return textToHex(threadSummary(t.session, info));
    }
    if (p === 'qC') return `QC${(t.currentThread() + 1).toString(16)}`;
    if (p.startsWith('qAttached')) return '0';
    if (p.startsWith('qSymbol')) return 'OK';
    if (p.startsWith('qRcmd,')) {
      const cmd = Buffer.from(hexArg(p.slice('qRcmd,'.length))).toString('utf8');
      let text: string;
      try {
        text = monitorCommand(t, cmd);
      } catch (e) {
        if (!(e instanceof Error)) throw e;
        // gdb prints an E.text reply as the error
        return `E.${e.message}`;
      }
      for (let i = 0; i < text.length; i += O_CHUNK) this.send(`O${textToHex(`${text.slice(i, i + O_CHUNK)}${i + O_CHUNK >= text.length ? '\n' : ''}`)}`);
      return 'OK';
    }
    return '';
  }

  private async vPacket(p: string): Promise<string | undefined> {
    const t = this.target;
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) {
      const actions = p
        .slice(6)
        .split(';')
        .map((a) => {
          const [act, tid] = split1(a, ':');
          return { act: act[0]!, tid: tid === '' ? undefined : threadId(tid) };
        });
      const step = actions.find((a) => a.act === 's' || a.act === 'S' || a.act === 'r');
      if (step) {
        const th = step.tid === undefined ? (this.contThread ?? t.currentThread()) : this.resumeThread(step.tid);
        return this.resume(() => t.step(th));
      }
      if (actions.some((a) => a.act === 'c' || a.act === 'C')) return this.resume(() => t.continue());
      throw new GdbError(1, 'vCont: nothing to do (only all-stop c/s actions are supported)');
    }
    if (p.startsWith('vKill')) {
      this.send('OK');
      this.server.kill();
      return undefined;
    }
    return '';
  }
}

// ---- argument parsing (malformed arguments are GdbError E01) ----------------------------

function num(s: string | undefined): number {
  const n = parseHexNum(s);
  if (n === undefined) throw new GdbError(1, `not a hex number: ${s ?? '(missing)'}`);
  return n;
}

function hexArg(s: string | undefined): Uint8Array {
  const b = fromHex(s ?? '');
  if (!b) throw new GdbError(1, 'malformed hex data');
  return b;
}

/** A thread id: hex, or -1 (all) / 0 (any); `p<pid>.<tid>` as well. */
function threadId(s: string): number {
  const t = s.includes('.') ? s.slice(s.indexOf('.') + 1) : s;
  if (t === '-1') return -1;
  return num(t);
}

function split1(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function leBytes(v: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = BigInt(v);
  for (let i = 0; i < n; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}
