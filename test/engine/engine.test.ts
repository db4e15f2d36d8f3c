import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_SENTINEL } from '../../src/engine/engine.ts';
import { EmulationFault, UcError } from '../../src/engine/errors.ts';
import type { Machine } from '../../src/os/machine.ts';
import { REGIONS } from '../../src/os/memmap.ts';
import { archCases, callFrom, testMachine, type PerArch } from '../helpers.ts';

const DATA = REGIONS.data.start;

// Each arch's version of the same small programs.
const programs: PerArch = {
  amd64: `
TEXT test.add
    mov rax, 7
    add rax, 5
    mov rbx, rax
    shl rbx, 1
    ret
TEXT test.mem
    mov r12, ${DATA}
    mov rax, qword ptr [r12]
    add rax, 1
    mov qword ptr [r12 + 8], rax
    mov eax, dword ptr [r12 + 16]
    xor eax, 0xff
    mov dword ptr [r12 + 20], eax
    ret
TEXT test.tls
    mov rax, qword ptr fs:[riz*1 - 8]
    ret
TEXT test.nil
    mov rax, 0
    mov rbx, 1
    mov rcx, qword ptr [rax + 8]
    ret
TEXT test.loop
    mov rax, 0
again:
    add rax, 1
    cmp rax, 1000
    jne again
    ret
`,
  arm: `
TEXT test.add
    mov r0, #7
    add r0, r0, #5
    mov r1, r0
    lsl r1, r1, #1
    bx lr
TEXT test.mem
    ldr r12, =${DATA}
    ldr r0, [r12]
    add r0, r0, #1
    str r0, [r12, #8]
    ldr r0, [r12, #16]
    eor r0, r0, #0xff
    str r0, [r12, #20]
    bx lr
TEXT test.tls
    mrc p15, 0, r0, c13, c0, 3
    bx lr
TEXT test.nil
    mov r0, #0
    mov r1, #1
    ldr r2, [r0, #8]
    bx lr
TEXT test.loop
    mov r0, #0
again:
    add r0, r0, #1
    cmp r0, #1000
    bne again
    bx lr
`,
};

/** result registers of each arch, in order */
const RES: Record<string, [string, string]> = { amd64: ['rax', 'rbx'], arm: ['r0', 'r1'] };

describe.each(archCases)('engine on %s', (_name, arch) => {
  let m: Machine;
  afterEach(() => m?.close());
  const [r0, r1] = RES[arch.name]!;

  it('runs a small program to the exit sentinel and reads registers singly and in a batch', async () => {
    m = await testMachine(arch, programs);
    const res = callFrom(m, m.sym('test.add'));
    expect(res).toEqual({ reason: 'exit', pc: EXIT_SENTINEL });
    expect(m.engine.reg(r0)).toBe(12n);
    expect(m.engine.regs([r0, r1])).toEqual({ [r0]: 12n, [r1]: 24n });
  });

  it('shares memory both ways between the DataView and emulated loads/stores (u64 and u32)', async () => {
    m = await testMachine(arch, programs);
    const word = arch.ptrSize === 8 ? 0x1122334455667788n : 0x11223344n;
    m.mem.setWord(DATA, word);
    m.mem.setU32(DATA + 16, 0xabcd0000);
    callFrom(m, m.sym('test.mem'));
    expect(m.mem.word(DATA + 8)).toBe(word + 1n);
    expect(m.mem.u32(DATA + 20)).toBe(0xabcd00ff);
    // the engine's own view of memory (uc_mem_read) agrees with the DataView
    expect(Buffer.from(m.engine.memRead(DATA + 20, 4)).readUInt32LE(0)).toBe(0xabcd00ff);
    m.mem.setU64(DATA + 32, 0xfedcba9876543210n);
    expect(Buffer.from(m.engine.memRead(DATA + 32, 8)).readBigUInt64LE(0)).toBe(0xfedcba9876543210n);
  });

  it('reads the TLS g slot the way Go does (amd64 FS:-8, arm TPIDRURO)', async () => {
    m = await testMachine(arch, programs);
    const slot = DATA + 0x100; // stands for &m.tls[0]
    m.mem.setPtr(slot, 0x1234560);
    arch.setTLS(m.engine, slot);
    expect(arch.tlsSlot(m.engine)).toBe(slot);
    callFrom(m, m.sym('test.tls'));
    // amd64 loads the slot's content through FS:-8; arm's MRC yields TPIDRURO itself.
    const viaTls = Number(m.engine.reg(r0));
    expect(arch.usesLR ? m.mem.ptr(viaTls) : viaTls).toBe(0x1234560);
  });

  it('turns a nil dereference into an EmulationFault at the faulting instruction', async () => {
    m = await testMachine(arch, programs);
    const block = m.image.block('test.nil')!;
    const faulting = block.lines[2]!.addr; // the third instruction is the load
    let err: unknown;
    try {
      callFrom(m, block.addr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EmulationFault);
    const f = err as EmulationFault;
    expect(f.pc).toBe(faulting);
    expect(f.fault).toBe('read unmapped');
    expect(f.address).toBe(8);
    expect(f.instruction).toMatch(/\[r(ax|0)/);
    expect(f.registers[arch.pcReg]).toBe(BigInt(faulting));
    expect(f.message).toMatch(/read unmapped at address 0x8, pc=0x/);
  });

  it('rethrows an exception from a hook after the run and stays usable', async () => {
    m = await testMachine(arch, programs);
    const add = m.sym('test.add');
    const hook = m.engine.hookCode(add, add, () => {
      throw new Error('boom in hook');
    });
    expect(() => callFrom(m, add)).toThrow('boom in hook');
    hook.dispose();
    expect(callFrom(m, add).reason).toBe('exit');
    expect(m.engine.reg(r0)).toBe(12n);
  });

  it('stops after an exact instruction count and resumes from there', async () => {
    m = await testMachine(arch, programs);
    const r = callFrom(m, m.sym('test.loop'), { count: 31 }); // 1 + 10 iterations of 3
    expect(r.reason).toBe('count');
    expect(m.engine.reg(r0)).toBe(10n);
    expect(m.engine.run(r.pc).reason).toBe('exit');
    expect(m.engine.reg(r0)).toBe(1000n);
  });

  it('saves and restores CPU contexts (one per emulated thread)', async () => {
    m = await testMachine(arch, programs);
    const ctx = m.engine.newContext();
    m.engine.setReg(r0, 41);
    m.engine.sp = 0x4001000;
    ctx.save();
    m.engine.setReg(r0, 99);
    m.engine.sp = 0x4002000;
    ctx.restore();
    expect(m.engine.reg(r0)).toBe(41n);
    expect(m.engine.sp).toBe(0x4001000);
    ctx.free();
  });

  it('counts callbacks only while a hook is registered', async () => {
    m = await testMachine(arch, programs);
    let n = 0;
    const add = m.image.block('test.add')!;
    const h = m.engine.hookCode(add.addr, add.addr + add.bytes.length - 1, () => n++);
    callFrom(m, add.addr);
    expect(n).toBe(5);
    h.dispose();
    callFrom(m, add.addr);
    expect(n).toBe(5);
  });

  it('reports Unicorn errors with uc_strerror text', async () => {
    m = await testMachine(arch, programs);
    expect(() => m.engine.memRead(0x10, 4)).toThrow(UcError);
    expect(() => m.engine.memRead(0x10, 4)).toThrow(/uc_mem_read: Invalid memory read \(UC_ERR_READ_UNMAPPED\)/);
  });
});
