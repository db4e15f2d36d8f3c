// Helpers for the GDB stub tests: a stub serving a session on a free
// loopback port, a raw remote-protocol client (acks, checksums, O packets),
// and gdb-multiarch in batch mode with a script. Everything has a timeout
// and is closed by the test (servers, sockets, gdb processes).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Arch } from '../../src/arch/index.ts';
import { frame } from '../../src/gdb/packets.ts';
import { GdbServer } from '../../src/gdb/server.ts';
import { processElf } from '../../src/session/elf.ts';
import { Session, type ProgramInput, type SessionOptions } from '../../src/session/session.ts';

export interface Stub {
  session: Session;
  server: GdbServer;
  port: number;
  logs: string[];
  output: string[];
  close(): Promise<void>;
}

export async function startStub(arch: Arch, input: ProgramInput, o: SessionOptions = {}): Promise<Stub> {
  // the tests follow one P (GOMAXPROCS=1): m0, and the M that runs the P while runtime.main is locked to m0 during init
  const session = await Session.create(input, arch, { maxInsns: 50_000_000, gomaxprocsEnv: '1', ...o });
  const logs: string[] = [];
  const output: string[] = [];
  const server = await GdbServer.listen(session, { port: 0, log: (l) => logs.push(l), output: (_fd, t) => output.push(t) });
  return {
    session,
    server,
    port: server.port,
    logs,
    output,
    async close() {
      await server.close();
      session.close();
    },
  };
}

/** Everything a raw client received, in order: packets (bodies), acks, naks. */
type Item = { kind: 'packet'; body: string } | { kind: '+' } | { kind: '-' };

/** A minimal remote-protocol client for protocol-level tests. */
export class RspClient {
  private buf = '';
  private readonly items: Item[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  /** O packets (console output) received, decoded */
  readonly console: string[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.parse();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RspClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RspClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private parse(): void {
    for (;;) {
      const c = this.buf[0];
      if (c === undefined) break;
      if (c === '+' || c === '-') {
        this.items.push({ kind: c });
        this.buf = this.buf.slice(1);
        continue;
      }
      if (c !== '$') {
        this.buf = this.buf.slice(1);
        continue;
      }
      const end = this.buf.indexOf('#');
      if (end < 0 || this.buf.length < end + 3) break;
      const raw = this.buf.slice(1, end);
      this.buf = this.buf.slice(end + 3);
      this.socket.write('+');
      const body = raw.replace(/\}(.)/g, (_m, ch: string) => String.fromCharCode(ch.charCodeAt(0) ^ 0x20));
      if (body.startsWith('O') && body.length > 1 && /^O[0-9a-f]+$/.test(body)) this.console.push(Buffer.from(body.slice(1), 'hex').toString('utf8'));
      else this.items.push({ kind: 'packet', body });
    }
    this.wake();
  }

  /** The next item received (waits up to `ms`). */
  async next(ms = 20_000): Promise<Item> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.items.shift();
      if (i) return i;
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the stub');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The next packet's body (acks skipped). */
  async reply(ms?: number): Promise<string> {
    for (;;) {
      const i = await this.next(ms);
      if (i.kind === 'packet') return i.body;
    }
  }

  /** Send a packet; expect its ack; return the reply. */
  async request(body: string, ms?: number): Promise<string> {
    this.socket.write(frame(body));
    const ack = await this.next(ms);
    if (ack.kind !== '+') throw new Error(`expected an ack for ${body}, got ${JSON.stringify(ack)}`);
    return this.reply(ms);
  }

  raw(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** gdb-multiarch, or a clear failure: the tests that drive gdb must not pass without it. */
export function requireGdb(): void {
  const r = spawnSync('gdb-multiarch', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('gdb-multiarch is missing: these tests drive the real gdb. Install it with `apt-get install -y gdb-multiarch` (npm test does this when run as root: tools/setup.mjs)');
  }
}

export const GDB_ARCH: Record<string, string> = { amd64: 'i386:x86-64', arm: 'arm' };

/** A temporary directory (removed by cleanup()). */
export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gogo-gdb-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Write the ELF of a session's image. */
export function writeElf(session: Session, file: string): void {
  writeFileSync(file, processElf(session.process));
}

/**
 * Run gdb-multiarch in batch mode against a stub: the ELF, `target remote`,
 * then the script's lines (a file given with -x, so that while loops work).
 * Resolves with everything gdb printed (stdout and stderr interleaved).
 */
export async function runGdb(o: { arch: Arch; elf: string; port: number; script: string[]; dir: string; timeoutMs?: number }): Promise<string> {
  const file = join(o.dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.gdb`);
  writeFileSync(file, `${o.script.join('\n')}\n`);
  const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', `set architecture ${GDB_ARCH[o.arch.name]}`, o.elf, '-ex', `target remote 127.0.0.1:${o.port}`, '-x', file];
  return new Promise((resolve, reject) => {
    // one pipe for stdout and stderr, so that console output (monitor, O packets) stays in order with the rest
    const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const p = spawn('/bin/sh', ['-c', `exec gdb-multiarch ${args.map(q).join(' ')} 2>&1`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`gdb-multiarch timed out; its output so far:\n${out}`));
    }, o.timeoutMs ?? 90_000);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** The lines between `echo @@NAME\n` markers of a gdb script's output: marker name -> text after it up to the next marker. */
export function sections(out: string): Map<string, string> {
  const m = new Map<string, string>();
  const parts = out.split(/^@@/m);
  for (const p of parts.slice(1)) {
    const nl = p.indexOf('\n');
    const head = nl < 0 ? p : p.slice(0, nl);
    const name = head.split(/\s/)[0]!;
    m.set(name, nl < 0 ? '' : p.slice(nl + 1));
    m.set(`${name}:line`, head);
  }
  return m;
}
