// Programs for the session tests: fixture programs by name, and a booted Go
// process whose main.main makes a second thread with a raw clone, so that two
// threads run at once on the timeline.
//
// twothreads: main.main sets a marker register (rbx / r6 = 7), clones
// main.worker, adds 1 to counts[0] 30,000 times, then futex-waits on
// main.done until the worker sets it, stores the marker register into
// counts[2] and returns (runtime.main exits 0). main.worker adds 1 to
// counts[1] 40,000 times, sets main.done, wakes the futex and exits its
// thread. Both loops run at once, a quantum each in turn.
import { join } from 'node:path';
import type { Arch } from '../../src/arch/index.ts';
import { parseAsm } from '../../src/link/source.ts';
import { ROOT } from '../../src/os/machine.ts';
import type { ProgramImage } from '../../src/session/process.ts';
import { afterEach } from 'vitest';
import { Session, type ProgramInput, type SessionOptions } from '../../src/session/session.ts';
import { CLONE_STACK, goClone } from '../helpers.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';

export const fixture = (name: string): ProgramInput => join(ROOT, 'fixtures', 'programs', `${name}.go`);


const TWO_THREADS: Record<string, string> = {
  amd64: `
TEXT main.init
    ret
TEXT main.main
    push rbp
    mov rbp, rsp
    mov rbx, 7${goClone('amd64', 'main.worker')}
    mov ecx, 30000
mainloop:
    mov rax, main.counts
    add qword ptr [rax], 1
    dec ecx
    jnz mainloop
mainwait:
    mov rax, main.done
    cmp dword ptr [rax], 0
    jne mainout
    mov rdi, rax
    mov esi, 128
    xor edx, edx
    xor r10d, r10d
    mov eax, 202
    syscall
    jmp mainwait
mainout:
    mov rax, main.counts
    mov qword ptr [rax + 16], rbx
    pop rbp
    ret
TEXT main.worker
    mov ecx, 40000
workloop:
    mov rax, main.counts
    add qword ptr [rax + 8], 1
    dec ecx
    jnz workloop
    mov rax, main.done
    mov dword ptr [rax], 1
    mov rdi, rax
    mov esi, 129
    mov edx, 1
    mov eax, 202
    syscall
    xor edi, edi
    mov eax, 60
    syscall
`,
  arm: `
TEXT main.init
    bx lr
TEXT main.main
    str lr, [sp, #-8]!
    mov r6, #7${goClone('arm', 'main.worker')}
    ldr r2, =30000
mainloop:
    ldr r1, =main.counts
    ldr r0, [r1]
    add r0, r0, #1
    str r0, [r1]
    subs r2, r2, #1
    bne mainloop
mainwait:
    ldr r0, =main.done
    ldr r1, [r0]
    cmp r1, #0
    bne mainout
    mov r1, #128
    mov r2, #0
    mov r3, #0
    mov r7, #240
    svc #0
    b mainwait
mainout:
    ldr r1, =main.counts
    str r6, [r1, #16]
    ldr pc, [sp], #8
TEXT main.worker
    ldr r2, =40000
workloop:
    ldr r1, =main.counts
    ldr r0, [r1, #8]
    add r0, r0, #1
    str r0, [r1, #8]
    subs r2, r2, #1
    bne workloop
    ldr r0, =main.done
    mov r1, #1
    str r1, [r0]
    mov r1, #129
    mov r2, #1
    mov r7, #240
    svc #0
    mov r0, #0
    mov r7, #1
    svc #0
`,
};

/**
 * The thread that runs main.worker: thread 0 is m0, thread 1 the M that the
 * runtime makes to run the P while runtime.main is locked to m0 during init
 * (at GOMAXPROCS=1, the sessions' default here), thread 2 the raw clone.
 */
export const WORKER = 2;

/** The main thread's futex wait on main.done (not m0's sleeps during init). */
export const mainWaitsForWorker = (s: Session) => {
  const done = s.symbol('main.done');
  return (e: ProcessEvent) => e.kind === 'wait' && e.thread === 0 && e.addr === done;
};

/** The two-thread program (see file comment); its marker register is MARKER[arch]. */
export function twoThreads(arch: Arch): { program: ProgramImage } {
  return {
    program: {
      blocks: parseAsm(TWO_THREADS[arch.name]!, `twothreads_${arch.name}.s`),
      globals: [
        { name: 'main.counts', size: 24, align: 8 },
        { name: 'main.done', size: 8, align: 8 },
        { name: 'main.stack', size: CLONE_STACK, align: 16 },
      ],
    },
  };
}

export const MARKER: Record<string, string> = { amd64: 'rbx', arm: 'r6' };

/** main.main loads from address 8: a nil dereference the emulator faults on. */
export function faulting(arch: Arch): { program: ProgramImage } {
  const src =
    arch.name === 'amd64'
      ? 'TEXT main.init\n    ret\nTEXT main.main\n    xor eax, eax\n    mov rax, qword ptr [rax + 8]\n    ret\n'
      : 'TEXT main.init\n    bx lr\nTEXT main.main\n    mov r0, #0\n    ldr r0, [r0, #8]\n    bx lr\n';
  return { program: { blocks: parseAsm(src, `fault_${arch.name}.s`), globals: [] } };
}

/**
 * A Session factory for a test file: sessions made with it (budget 5M
 * instructions unless the options say otherwise) are closed after each test.
 */
export function sessionsClosedAfterEach(): (arch: Arch, input: ProgramInput, o?: SessionOptions) => Promise<Session> {
  const open: Session[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  return async (arch, input, o = {}) => {
    const s = await Session.create(input, arch, { maxInsns: 5_000_000, gomaxprocsEnv: '1', ...o });
    open.push(s);
    return s;
  };
}
