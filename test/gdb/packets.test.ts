// The remote protocol's framing: any split of the byte stream gives the same
// events; escapes, run-length encoding, checksums in either case, interrupts,
// acks; bad checksums and oversized packets are events, never throws.
import { describe, expect, it } from 'vitest';
import { frame, fromHex, leHex, leValue, MAX_PACKET, PacketReader, parseHexNum, toHex, type ReaderEvent } from '../../src/gdb/packets.ts';

function feed(chunks: (string | Uint8Array)[]): ReaderEvent[] {
  const r = new PacketReader();
  return chunks.flatMap((c) => r.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
}

describe('remote protocol framing', () => {
  it('frames replies with escapes and a checksum that the reader accepts back', () => {
    for (const body of ['OK', '', 'T05thread:1;', 'a$b#c}d*e', 'l<?xml version="1.0"?>', String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))]) {
      const f = frame(body);
      expect(feed([f])).toEqual([{ kind: 'packet', body }]);
      // byte by byte
      expect(feed([...f].map((b) => Uint8Array.of(b)))).toEqual([{ kind: 'packet', body }]);
    }
    expect(frame('OK').toString()).toBe('$OK#9a');
    expect(frame('}').toString()).toBe('$}]#da');
  });

  it('reads acks, naks, ^C and noise between packets, and expands run-length encoding', () => {
    expect(feed(['+-\x03garbage$qC#b4+'])).toEqual([{ kind: 'ack' }, { kind: 'nak' }, { kind: 'interrupt' }, { kind: 'packet', body: 'qC' }, { kind: 'ack' }]);
    // "0* " is '0' repeated 1 + (32 - 29) = 4 times
    const body = '0* ';
    let sum = 0;
    for (const b of Buffer.from(body)) sum = (sum + b) & 0xff;
    expect(feed([`$${body}#${sum.toString(16).padStart(2, '0')}`])).toEqual([{ kind: 'packet', body: '0000' }]);
    expect(feed(['$qC#B4'])).toEqual([{ kind: 'packet', body: 'qC' }]);
  });

  it('reports bad checksums and oversized packets as events, and resynchronises on a new $', () => {
    expect(feed(['$qC#00'])).toEqual([{ kind: 'bad-checksum', body: 'qC', expected: 0xb4, got: 0 }]);
    expect(feed(['$qC#zz'])).toMatchObject([{ kind: 'bad-checksum', got: -1 }]);
    expect(feed([`$${'x'.repeat(MAX_PACKET + 1)}#00`])).toEqual([{ kind: 'oversized', length: MAX_PACKET + 1 }]);
    expect(feed(['$qfThr', '$qC#b4'])).toEqual([{ kind: 'packet', body: 'qC' }]);
    expect(feed(['$qC#', '$qC#b4'])).toEqual([{ kind: 'packet', body: 'qC' }]);
  });

  it('converts hex numbers, bytes and little-endian values', () => {
    expect(parseHexNum('1a')).toBe(26);
    expect(parseHexNum('')).toBeUndefined();
    expect(parseHexNum('-1')).toBeUndefined();
    expect(parseHexNum('xyz')).toBeUndefined();
    expect(fromHex('0a0B')).toEqual(Uint8Array.of(10, 11));
    expect(fromHex('abc')).toBeUndefined();
    expect(toHex(Uint8Array.of(0, 255))).toBe('00ff');
    expect(leHex(0x1234n, 4)).toBe('34120000');
    expect(leValue(Uint8Array.of(0x34, 0x12))).toBe(0x1234n);
  });
});
