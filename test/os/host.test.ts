import { afterEach, describe, expect, it } from 'vitest';
import type { Block } from '../../src/os/host.ts';
import type { Machine } from '../../src/os/machine.ts';
import { archCases, callFrom, testMachine, type PerArch } from '../helpers.ts';

// Each caller passes its arguments per the arch's Go ABI: amd64 ABIInternal in
// registers (AX, BX), arm ABI0 on the stack at 4(R13), 8(R13), results after.
const callers: PerArch = {
  amd64: `
TEXT test.callAdd
    mov rax, 30
    mov rbx, 12
    call test.add
    ret
TEXT test.callRedirect
    mov rax, 21
    call test.redirect
    ret
TEXT test.callThrow
    call test.throws
    ret
TEXT test.callBlock
    mov rax, 5
    call test.block
    add rax, 1000
    ret
TEXT test.double          // ABIInternal: AX -> AX
    add rax, rax
    ret
`,
  arm: `
TEXT test.callAdd
    str lr, [sp, #-16]!
    mov r0, #30
    str r0, [sp, #4]
    mov r0, #12
    str r0, [sp, #8]
    bl test.add
    ldr r0, [sp, #12]
    ldr pc, [sp], #16
TEXT test.callRedirect
    str lr, [sp, #-12]!
    mov r0, #21
    str r0, [sp, #4]
    bl test.redirect
    ldr r0, [sp, #8]
    ldr pc, [sp], #12
TEXT test.callThrow
    str lr, [sp, #-4]!
    bl test.throws
    ldr pc, [sp], #4
TEXT test.callBlock
    str lr, [sp, #-12]!
    mov r0, #5
    str r0, [sp, #4]
    bl test.block
    ldr r0, [sp, #8]
    add r0, r0, #1000
    ldr pc, [sp], #12
TEXT test.double          // ABI0: 4(R13) -> 8(R13)
    ldr r0, [sp, #4]
    add r0, r0, r0
    str r0, [sp, #8]
    bx lr
`,
};

const RES: Record<string, string> = { amd64: 'rax', arm: 'r0' };

describe.each(archCases)('host functions on %s', (_n, arch) => {
  let m: Machine;
  afterEach(() => m?.close());
  const calls: string[] = [];

  async function machine(): Promise<Machine> {
    return testMachine(arch, callers, (h) => {
      h.define('test.add', { abi: 'internal', nargs: 2 }, (c) => c.arg(0) + c.arg(1));
      // m is assigned by the time the host function runs
      h.define('test.redirect', { abi: 'internal', nargs: 1 }, (c) => c.tailCall(m.sym('test.double'), [c.arg(0)], 'internal'));
      h.define('test.throws', { abi: 'internal', nargs: 0 }, () => {
        throw new Error('host function failed');
      });
      h.define('test.block', { abi: 'internal', nargs: 1 }, function* (c): Generator<Block, bigint, unknown> {
        const x = c.arg(0);
        calls.push(`block ${x}`);
        const woken = (yield { reason: 'waiting for a note' }) as bigint;
        calls.push(`resumed with ${woken}`);
        return x + woken;
      });
    });
  }

  it('returns a result through the slot return instruction', async () => {
    m = await machine();
    callFrom(m, m.sym('test.callAdd'));
    expect(m.engine.reg(RES[arch.name]!)).toBe(42n);
  });

  it('tail-calls an emulated function, which returns to the original caller', async () => {
    m = await machine();
    expect(callFrom(m, m.sym('test.callRedirect')).reason).toBe('exit');
    expect(m.engine.reg(RES[arch.name]!)).toBe(42n);
  });

  it('surfaces a throwing host function as an error after the run; the engine stays usable', async () => {
    m = await machine();
    expect(() => callFrom(m, m.sym('test.callThrow'))).toThrow('host function failed');
    callFrom(m, m.sym('test.callAdd'));
    expect(m.engine.reg(RES[arch.name]!)).toBe(42n);
  });

  it('records a blocking call, parks at the slot, and finishes it on resume', async () => {
    m = await machine();
    calls.length = 0;
    const r = callFrom(m, m.sym('test.callBlock'));
    expect(r.reason).toBe('stop');
    expect(r.pc).toBe(m.sym('test.block'));
    const p = m.host.takePending()!;
    expect(p).toMatchObject({ name: 'test.block', reason: 'waiting for a note' });
    expect(calls).toEqual(['block 5']);
    // the thread layer would park the M here; on wake-up:
    m.host.resume(p, 37n);
    expect(calls).toEqual(['block 5', 'resumed with 37']);
    expect(m.host.pending).toBeUndefined();
    expect(m.engine.run(m.engine.pc).reason).toBe('exit');
    expect(m.engine.reg(RES[arch.name]!)).toBe(1042n);
  });
});
