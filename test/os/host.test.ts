import { afterEach, describe, expect, it } from 'vitest';
import type { Machine } from '../../src/os/machine.ts';
import { archCases, callFrom, testMachine, type PerArch } from '../helpers.ts';
import { closeOs, runOs, SCRATCH, type OsRun } from './harness.ts';

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
  async function machine(): Promise<Machine> {
    return testMachine(arch, callers, (h) => {
      h.define('test.add', { abi: 'internal', nargs: 2 }, (c) => c.arg(0) + c.arg(1));
      // m is assigned by the time the host function runs
      h.define('test.redirect', { abi: 'internal', nargs: 1 }, (c) => c.tailCall(m.sym('test.double'), [c.arg(0)], 'internal'));
      h.define('test.throws', { abi: 'internal', nargs: 0 }, () => {
        throw new Error('host function failed');
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
});

// A host function never waits: one that must ends with a tail call into asm
// glue that makes the waiting system call. test.block(x) stores x in a futex
// word and tail-calls test.wait, which waits on it (FUTEX_WAIT with *word == x
// and a 1 ms timeout) and returns the call's result to test.block's caller.
const WORD = SCRATCH;
const TS = SCRATCH + 16;
const RESULT = SCRATCH + 8;
const waiting: PerArch = {
  amd64: `
TEXT test.main
    mov rax, 5
    call test.block
    add rax, 1000
    mov rbx, ${RESULT}
    mov qword ptr [rbx], rax
    xor edi, edi
    mov eax, 231                // exit_group(0)
    syscall
TEXT test.wait          // AX = the futex word
    mov rdi, rax
    mov esi, 128                // FUTEX_WAIT_PRIVATE
    mov edx, dword ptr [rdi]
    mov r10, ${TS}
    mov eax, 202
    syscall
    ret
`,
  arm: `
TEXT test.main
    str lr, [sp, #-12]!
    mov r0, #5
    str r0, [sp, #4]
    bl test.block
    ldr r0, [sp, #8]
    add r0, r0, #1000
    ldr r1, =${RESULT}
    str r0, [r1]
    mov r0, #0
    mov r7, #248                // exit_group(0)
    svc #0
TEXT test.wait          // ABI0: the futex word at 4(R13), the result at 8(R13)
    ldr r0, [sp, #4]
    mov r1, #128                // FUTEX_WAIT_PRIVATE
    ldr r2, [r0]
    ldr r3, =${TS}
    mov r7, #240
    svc #0
    str r0, [sp, #8]
    bx lr
`,
};

describe.each(archCases)('a host function that waits, on %s', (_n, arch) => {
  let r: OsRun | undefined;
  afterEach(() => {
    closeOs(r);
    r = undefined;
  });

  it('tail-calls asm glue that blocks in futex; the thread waits as data and the result reaches the caller', async () => {
    const seen: string[] = [];
    let glue = 0;
    r = await runOs(arch, waiting, {
      before: (m) => {
        glue = m.sym('test.wait');
        m.mem.setWord(TS, 0);
        m.mem.setWord(TS + arch.ptrSize, 1000);
      },
      defineHosts: (h) =>
        h.define('test.block', { abi: 'internal', nargs: 1 }, (c) => {
          const x = c.argN(0);
          seen.push(`block ${x}`);
          c.mem.setU32(WORD, x);
          return c.tailCall(glue, [WORD], 'internal');
        }),
      onEvent: (e, threads) => {
        if (e.kind === 'wait') seen.push(`wait on 0x${e.addr!.toString(16)} until ${e.deadline! - e.clock} ns later, state ${threads.all[0]!.state}`);
        if (e.kind === 'wake') seen.push(`woken, timeout=${e.timeout}`);
      },
    });
    expect(r.exitCode).toBe(0);
    expect(seen).toEqual([`block 5`, `wait on 0x${WORD.toString(16)} until 1000 ns later, state waiting`, 'woken, timeout=true']);
    expect(BigInt.asIntN(arch.ptrSize * 8, r.m.mem.word(RESULT))).toBe(1000n - 110n); // -ETIMEDOUT + 1000
    expect(r.threads.all[0]!.clock - r.threads.all[0]!.cycles).toBeGreaterThan(0); // time it skipped while waiting
  });
});
