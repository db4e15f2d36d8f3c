// The machine's CPU count limits how many threads execute at one virtual
// instant (threads.ts, "CPUs"): three threads that each spin for the same
// number of instructions end together on three CPUs, and take three times as
// long on one, where they take turns in quanta and wait for the CPU in the
// ready queue (visible as 'oncpu' events with a waiting time); a thread in a
// critical section keeps its CPU past the end of its quantum.
import { afterEach, describe, expect, it } from 'vitest';
import type { OsEvent } from '../../src/os/events.ts';
import { archCases, type PerArch } from '../helpers.ts';
import { childStack, closeOs, runOs, SCRATCH, type OsRun } from './harness.ts';

const DONE = SCRATCH; // word: how many threads finished spinning
const CLONE_THREAD_FLAGS = 0x50f00;
const SPIN = 200_000;

// main clones two children; all three spin SPIN times, then count themselves
// done; the children exit, main yields until all three are done and exits.
const spinners: PerArch = {
  amd64: `
TEXT test.main
    mov rbx, ${DONE}
    mov edi, ${CLONE_THREAD_FLAGS}
    mov rsi, ${childStack(0)}
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56
    syscall
    test rax, rax
    jz child
    mov edi, ${CLONE_THREAD_FLAGS}
    mov rsi, ${childStack(1)}
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56
    syscall
    test rax, rax
    jz child
    mov ecx, ${SPIN}
spin0:
    dec ecx
    jnz spin0
    lock inc qword ptr [rbx]
wait:
    cmp qword ptr [rbx], 3
    je done
    mov eax, 24                 // sched_yield
    syscall
    jmp wait
done:
    xor edi, edi
    mov eax, 231
    syscall
child:
    mov ecx, ${SPIN}
spin1:
    dec ecx
    jnz spin1
    lock inc qword ptr [rbx]
    xor edi, edi
    mov eax, 60
    syscall
`,
  arm: `
TEXT test.main
    ldr r8, =${DONE}
    ldr r0, =${CLONE_THREAD_FLAGS}
    ldr r1, =${childStack(0)}
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120
    svc #0
    cmp r0, #0
    beq child
    ldr r0, =${CLONE_THREAD_FLAGS}
    ldr r1, =${childStack(1)}
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120
    svc #0
    cmp r0, #0
    beq child
    ldr r1, =${SPIN}
spin0:
    subs r1, r1, #1
    bne spin0
again0:
    ldrex r0, [r8]
    add r0, r0, #1
    strex r1, r0, [r8]
    cmp r1, #0
    bne again0
wait:
    ldr r0, [r8]
    cmp r0, #3
    beq done
    mov r7, #158                // sched_yield
    svc #0
    b wait
done:
    mov r0, #0
    mov r7, #248
    svc #0
child:
    ldr r1, =${SPIN}
spin1:
    subs r1, r1, #1
    bne spin1
again1:
    ldrex r0, [r8]
    add r0, r0, #1
    strex r1, r0, [r8]
    cmp r1, #0
    bne again1
    mov r0, #0
    mov r7, #1
    svc #0
`,
};

describe.each(archCases)('virtual CPUs on %s', (_n, arch) => {
  let runs: OsRun[] = [];
  afterEach(() => {
    runs.forEach(closeOs);
    runs = [];
  });
  const run = async (cpus: number, slice?: number) => {
    const r = await runOs(arch, spinners, { opts: { cpus, slice } });
    runs.push(r);
    expect(r.exitCode).toBe(0);
    return { end: Math.max(...r.threads.all.map((t) => t.clock)), cycles: r.threads.all.map((t) => t.cycles), events: r.events };
  };

  it('runs as many threads at once as there are CPUs, and the rest take turns', async () => {
    const three = await run(3);
    const one = await run(1);
    const two = await run(2);
    // the same work everywhere
    expect(one.cycles.reduce((a, b) => a + b)).toBeCloseTo(three.cycles.reduce((a, b) => a + b), -4);
    const spin = Math.min(...three.cycles);
    expect(three.end).toBeLessThan(spin * 1.1); // three CPUs: side by side
    expect(one.end).toBeGreaterThan(spin * 2.9); // one CPU: one after the other
    expect(two.end).toBeGreaterThan(spin * 1.4);
    expect(two.end).toBeLessThan(spin * 1.7);
    // on one CPU the threads waited for it, on three nobody did
    const waits = (evs: OsEvent[]) => evs.filter((e) => e.kind === 'oncpu' && e.waited > 0).length;
    expect(waits(one.events)).toBeGreaterThan(10);
    expect(waits(three.events)).toBe(0);
    expect(one.events.some((e) => e.kind === 'offcpu')).toBe(true);
    const cpusUsed = new Set(one.events.flatMap((e) => (e.kind === 'oncpu' ? [e.cpu] : [])));
    expect([...cpusUsed]).toEqual([0]);
  });

  it('keeps a thread in a critical section on its CPU past its quantum', async () => {
    // the main thread enters a critical section right after making its
    // second child and never leaves it: on one CPU the children never run,
    // and the main thread's sched_yield loop does not give the CPU away
    // either, until the instruction budget ends the run
    const events: OsEvent[] = [];
    const onEvent = (e: OsEvent, threads: OsRun['threads']) => {
      events.push(e);
      if (e.kind === 'clone' && e.child === 2) threads.enterCritical(threads.all[0]!);
    };
    await expect(runOs(arch, spinners, { opts: { cpus: 1, maxInsns: 1_000_000 }, onEvent })).rejects.toThrow(/budget/);
    expect(events.filter((e) => e.kind === 'oncpu' && e.thread !== 0)).toEqual([]);
    expect(events.filter((e) => e.kind === 'offcpu')).toEqual([]);
  });
});
