// The GDB Remote Serial Protocol's framing (gdb manual, "Overview" and
// "Packets" of Appendix E): `$body#cc` with cc the modulo-256 sum of the
// body's bytes in two hex digits, acknowledged by `+` (or `-`: send again);
// `}` escapes `#`, `$`, `}` and `*` as the byte XOR 0x20; `*` in a reply
// body run-length encodes (gdb decodes it; this stub never sends it, and
// expands it in what it receives, in case a client does). Bodies are latin1
// strings: one character per byte. A lone 0x03 byte
// outside a packet is an interrupt (^C).
//
// PacketReader is a byte-at-a-time state machine, so that any split of the
// stream across socket reads gives the same events, and so that nothing a
// client sends (garbage, a packet without its end, a huge packet) makes it
// buffer without bound or throw.

/** The largest packet body accepted (and advertised as PacketSize, which gdb reads as hex). */
export const MAX_PACKET = 0x4000;

export type ReaderEvent =
  /** a complete packet with a good checksum: its unescaped body */
  | { kind: 'packet'; body: string }
  /** a complete packet whose checksum does not match (answer `-`) */
  | { kind: 'bad-checksum'; body: string; expected: number; got: number }
  /** a packet longer than MAX_PACKET: its bytes were dropped */
  | { kind: 'oversized'; length: number }
  | { kind: 'ack' }
  | { kind: 'nak' }
  /** ^C */
  | { kind: 'interrupt' };

const HEX = '0123456789abcdef';

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export class PacketReader {
  private state: 'idle' | 'body' | 'escape' | 'rle' | 'sum1' | 'sum2' = 'idle';
  private body: number[] = [];
  private sum = 0;
  private length = 0;
  private check = 0;
  private oversized = false;

  /** Feed bytes; returns what they completed, in order. */
  push(data: Uint8Array): ReaderEvent[] {
    const out: ReaderEvent[] = [];
    for (const c of data) {
      const e = this.byte(c);
      if (e) out.push(e);
    }
    return out;
  }

  private start(): void {
    this.state = 'body';
    this.body = [];
    this.sum = 0;
    this.length = 0;
    this.oversized = false;
  }

  private byte(c: number): ReaderEvent | undefined {
    switch (this.state) {
      case 'idle':
        if (c === 0x24 /* $ */) this.start();
        else if (c === 0x2b /* + */) return { kind: 'ack' };
        else if (c === 0x2d /* - */) return { kind: 'nak' };
        else if (c === 0x03) return { kind: 'interrupt' };
        // anything else between packets is noise (gdb sends none)
        return undefined;
      case 'rle': {
        // `X*n`: X repeated n - 29 more times (a raw `*`, never an escaped one)
        this.sum = (this.sum + c) & 0xff;
        this.state = 'body';
        const last = this.body[this.body.length - 1];
        const n = Math.max(0, c - 29);
        this.length += n;
        if (this.length > MAX_PACKET) this.oversized = true;
        if (this.oversized) this.body = [];
        else if (last !== undefined) for (let i = 0; i < n; i++) this.body.push(last);
        return undefined;
      }
      case 'body':
      case 'escape':
        if (c === 0x24 && this.state === 'body') {
          // a new packet before the old one ended: the old one is lost, as if garbled
          this.start();
          return undefined;
        }
        this.sum = (this.sum + c) & 0xff;
        if (this.state === 'body' && c === 0x23 /* # */) {
          this.sum = (this.sum - c) & 0xff;
          this.state = 'sum1';
          return undefined;
        }
        this.length++;
        if (this.length > MAX_PACKET) this.oversized = true;
        if (this.state === 'escape') {
          this.state = 'body';
          if (!this.oversized) this.body.push(c ^ 0x20);
        } else if (c === 0x7d /* } */) this.state = 'escape';
        else if (c === 0x2a /* * */) this.state = 'rle';
        else if (!this.oversized) this.body.push(c);
        if (this.oversized) this.body = [];
        return undefined;
      case 'sum1': {
        if (c === 0x24) {
          this.start();
          return undefined;
        }
        const d = hexDigit(c);
        this.check = d < 0 ? -1 : d << 4;
        this.state = 'sum2';
        return undefined;
      }
      case 'sum2': {
        if (c === 0x24) {
          this.start();
          return undefined;
        }
        const d = hexDigit(c);
        this.state = 'idle';
        if (this.oversized) return { kind: 'oversized', length: this.length };
        const got = this.check < 0 || d < 0 ? -1 : this.check | d;
        const body = Buffer.from(this.body).toString('latin1');
        if (got !== this.sum) return { kind: 'bad-checksum', body, expected: this.sum, got };
        return { kind: 'packet', body };
      }
    }
  }
}

/** Frame a reply body: escape, `$body#cc`. Bodies are latin1 strings (binary data as bytes 0-255). */
export function frame(body: string): Buffer {
  let esc = '';
  for (const ch of body) esc += ch === '$' || ch === '#' || ch === '}' || ch === '*' ? `}${String.fromCharCode(ch.charCodeAt(0) ^ 0x20)}` : ch;
  let sum = 0;
  const bytes = Buffer.from(esc, 'latin1');
  for (const b of bytes) sum = (sum + b) & 0xff;
  return Buffer.concat([Buffer.from('$'), bytes, Buffer.from(`#${HEX[sum >> 4]}${HEX[sum & 15]}`)]);
}

// ---- hex helpers ----------------------------------------------------------------------------

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

/** Hex text to bytes; undefined if it is not an even number of hex digits. */
export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

/** ASCII text as hex (qRcmd output, qThreadExtraInfo). */
export function textToHex(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

/** A hex number (addresses, lengths, thread ids); undefined unless it is one. */
export function parseHexNum(s: string | undefined): number | undefined {
  if (s === undefined || !/^[0-9a-fA-F]{1,16}$/.test(s)) return undefined;
  const n = Number.parseInt(s, 16);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A little-endian register value of `bytes` bytes, as hex. */
export function leHex(v: bigint, bytes: number): string {
  const b = new Uint8Array(bytes);
  let x = BigInt.asUintN(bytes * 8, v);
  for (let i = 0; i < bytes; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return toHex(b);
}

/** Little-endian bytes to an unsigned value. */
export function leValue(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}
