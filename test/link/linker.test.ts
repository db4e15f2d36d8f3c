import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initAsm } from '../../src/engine/asm.ts';
import { link } from '../../src/link/linker.ts';
import { AsmSourceError, parseAsm, stripComment } from '../../src/link/source.ts';
import type { Machine } from '../../src/os/machine.ts';
import { goAsmConst, goAsmNumbers } from '../../src/go119/goasm.ts';
import { archCases, callFrom, testMachine, type PerArch } from '../helpers.ts';

beforeAll(initAsm);

const twoBlocks: PerArch = {
  amd64: `
// caller: callee(20) + host(1)
TEXT test.caller(SB)
    push rbp
    mov rax, 20
    call test.callee        // another TEXT block
    mov rbp, rax
    mov rax, 1
    call test.host          // a host slot
    add rax, rbp
    pop rbp
    ret
TEXT test.callee(SB)
    add rax, rax
    ret
TEXT test.local<>(SB)
    jmp test.callee
`,
  arm: `
// caller: callee(20) + host(1)
TEXT test.caller(SB)
    str lr, [sp, #-4]!
    mov r0, #20
    bl test.callee          // another TEXT block
    mov r4, r0
    mov r0, #1
    bl test.host            // a host slot
    add r0, r0, r4
    ldr pc, [sp], #4
TEXT test.callee(SB)
    add r0, r0, r0
    bx lr
TEXT test.local<>(SB)
    b test.callee
`,
};

const RES: Record<string, string> = { amd64: 'rax', arm: 'r0' };

describe.each(archCases)('linker on %s', (_n, arch) => {
  let m: Machine | undefined;
  afterEach(() => {
    m?.close();
    m = undefined;
  });

  it('resolves a call between two TEXT blocks and into a host slot', async () => {
    m = await testMachine(arch, twoBlocks, (h) =>
      // test.host(x) = x + 100, reading and writing the register the test code uses
      h.define('test.host', { abi: 'internal', nargs: 0 }, (c) => {
        c.engine.setReg(RES[arch.name]!, c.engine.reg(RES[arch.name]!) + 100n);
      }),
    );
    callFrom(m, m.sym('test.caller'));
    expect(m.engine.reg(RES[arch.name]!)).toBe(141n);
  });

  it('maps every instruction to its .s line and quotes <> names', async () => {
    m = await testMachine(arch, twoBlocks, (h) => h.define('test.host', { abi: 'internal', nargs: 0 }, () => {}));
    const caller = m.image.block('test.caller')!;
    const sourceLines = parseAsm(twoBlocks[arch.name], 'x.s')[0]!.body.map((l) => l.line);
    expect(sourceLines[0]).toBe(4);
    expect(caller.lines.map((l) => l.line)).toEqual(sourceLines);
    const third = caller.lines[2]!;
    expect(m.image.lookup(third.addr)).toEqual({ symbol: 'test.caller', offset: third.addr - caller.addr, file: `test/${arch.name}.s`, line: 6 });
    expect(m.image.symbols.has('test.local<>')).toBe(true);
  });

  it('substitutes go_asm.h constants, including sums of two (which Keystone alone mis-encodes)', () => {
    const src = arch.usesLR ? 'TEXT t.x\n    str r1, [r10, #g_sched + gobuf_pc]\n' : 'TEXT t.x\n    mov qword ptr [r14 + g_sched + gobuf_pc], rbx\n';
    const img = link({ target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks: parseAsm(src, 't.s'), constants: goAsmNumbers(arch), cacheDir: null });
    const off = goAsmConst(arch, 'g_sched') + goAsmConst(arch, 'gobuf_pc');
    const bytes = img.block('t.x')!.bytes;
    // the displacement is the last byte of the encoding on amd64 (disp8) and the low 12 bits on arm
    const disp = arch.usesLR ? (bytes[0]! | (bytes[1]! << 8)) & 0xfff : bytes[bytes.length - 1]!;
    expect(disp).toBe(off);
  });

  it('names the .s file and line of an assembly error', () => {
    const src = 'TEXT t.ok\n    nop\n\n// a comment\n    frobnicate r0, r1\n';
    const blocks = parseAsm(src, 'asm/test/bad.s');
    expect(() => link({ target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks, cacheDir: null })).toThrow(AsmSourceError);
    expect(() => link({ target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks, cacheDir: null })).toThrow(/^asm\/test\/bad\.s:5: .*frobnicate r0, r1/);
  });

  it('reports an undefined symbol with its line', () => {
    const call = arch.usesLR ? 'bl nowhere.at.all' : 'call nowhere.at.all';
    const blocks = parseAsm(`TEXT t.a\n    ${call}\n`, 'x.s');
    expect(() => link({ target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks, cacheDir: null })).toThrow(/^x\.s:2: /);
  });

  it('caches assembled bytes by content hash and reads them back on the next link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gogo-link-'));
    const blocks = parseAsm(twoBlocks[arch.name], 't.s');
    const externals = new Map([['test.host', 0x1000000]]);
    const opts = { target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks, externals, cacheDir: dir };
    const first = link(opts);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    // Tamper with the cached bytes: a second link must return them, proving Keystone did not run again.
    const path = join(dir, files[0]!);
    const cached = JSON.parse(readFileSync(path, 'utf8')) as { hex: string }[];
    cached[1]!.hex = 'ff'.repeat(cached[1]!.hex.length / 2);
    writeFileSync(path, JSON.stringify(cached));
    const second = link(opts);
    expect(Buffer.from(second.block('test.callee')!.bytes).toString('hex')).toBe(cached[1]!.hex);
    expect(second.block('test.caller')!.bytes).toEqual(first.block('test.caller')!.bytes);
    // a change of input misses the cache
    const third = link({ ...opts, base: 0x500000 });
    expect(third.block('test.callee')!.addr).toBeGreaterThanOrEqual(0x500000);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});

describe('asm source reader', () => {
  it('strips // comments but not inside strings, and rejects code outside TEXT', () => {
    expect(stripComment('  mov rax, 1   // set rax')).toBe('  mov rax, 1');
    expect(stripComment('.byte "a//b" // c')).toBe('.byte "a//b"');
    expect(() => parseAsm('mov rax, 1\n', 'f.s')).toThrow('f.s:1: code outside a TEXT block');
    expect(() => parseAsm('TEXT a\n  .word 1\n', 'f.s')).toThrow(/f\.s:2: use \.long/);
  });
});

describe('Keystone workarounds on arm', () => {
  const arm = archCases.find(([n]) => n === 'arm')![1];
  it('assembles sdiv/udiv as instructions (the assembler targets Cortex-A15, like Unicorn)', () => {
    const img = link({ target: arm.asm, insnUnit: 4, base: 0x400000, blocks: parseAsm('TEXT t.div\n    sdiv r2, r0, r1\n    udiv r3, r0, r1\n', 't.s'), cacheDir: null });
    expect(Buffer.from(img.block('t.div')!.bytes).toString('hex')).toBe('10f112e710f133e7');
  });
  it('rejects data before instructions in a block, since Keystone would shift the branches after it', () => {
    const src = 'TEXT t.mixed\n    bl t.other\n    .long 0\n    bl t.other\nTEXT t.other\n    bx lr\n';
    expect(() => link({ target: arm.asm, insnUnit: 4, base: 0x400000, blocks: parseAsm(src, 'm.s'), cacheDir: null })).toThrow(/^m\.s:3: data directive before instructions/);
    // data after the last instruction (or alone in a block) is fine
    const ok = 'TEXT t.mixed\n    bl t.other\n    bl t.other\n    .long 0\nTEXT t.other\n    bx lr\n';
    const img = link({ target: arm.asm, insnUnit: 4, base: 0x400000, blocks: parseAsm(ok, 'm.s'), cacheDir: null });
    const other = img.sym('t.other');
    const words = new DataView(img.block('t.mixed')!.bytes.buffer, img.block('t.mixed')!.bytes.byteOffset);
    for (const at of [0, 4]) {
      const w = words.getUint32(at, true);
      const target = 0x400000 + at + 8 + (((w & 0xffffff) << 8) >> 6);
      expect(target).toBe(other);
    }
  });
});

describe.each(archCases)('large sources on %s', (_n, arch) => {
  it('assembles a block of 200,000+ characters (past the 64K that crashes keystone-js\'s own call)', () => {
    const insn = arch.usesLR ? 'add r0, r0, #1' : 'add rax, 1';
    const body = Array.from({ length: 15000 }, () => `    ${insn}`).join('\n');
    const blocks = parseAsm(`TEXT t.big\n${body}\n`, 'big.s');
    expect(blocks[0]!.body.map((l) => l.text).join('\n').length).toBeGreaterThan(200_000);
    const img = link({ target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks, cacheDir: null });
    expect(img.block('t.big')!.lines).toHaveLength(15000);
    // the assembler still works afterwards
    const small = link({ target: arch.asm, insnUnit: arch.insnUnit, base: 0x400000, blocks: parseAsm(`TEXT t.s\n    ${insn}\n`, 's.s'), cacheDir: null });
    expect(small.block('t.s')!.bytes.length).toBeGreaterThan(0);
  });
});
