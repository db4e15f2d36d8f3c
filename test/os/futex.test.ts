// The futex system call, clone and the virtual timeline, on bare emulated
// threads (no Go runtime): two threads made by a raw clone hand a futex word
// back and forth; timed waits wake at their deadline; when every thread
// waits, time jumps; FUTEX_WAIT on a changed word and FUTEX_WAKE's count.
import { afterEach, describe, expect, it } from 'vitest';
import type { OsEvent } from '../../src/os/events.ts';
import type { AdvanceLimits, Threads } from '../../src/os/threads.ts';
import { archCases, type PerArch } from '../helpers.ts';
import { PID } from '../../src/os/linux/thread.ts';
import { REALTIME_EPOCH_NS } from '../../src/os/linux/time.ts';
import { childStack, closeOs, runOs, SCRATCH, type OsRun } from './harness.ts';

const ROUNDS = 5;
const TURN = SCRATCH; // u32: 0 = main's turn, 1 = the child's
const IDLE = SCRATCH + 4; // u32 0: nobody ever wakes it
const LETTERS = SCRATCH + 8; // "ab"
const RESULT = SCRATCH + 16; // the timed wait's result
const TS = SCRATCH + 32; // timespec {0, 1 ms}
const CLONE_THREAD_FLAGS = 0x50f00; // Go's cloneFlags: VM|FS|FILES|SIGHAND|SYSVSEM|THREAD

// main: clone a child; ROUNDS times: wait for its turn, write "a", pass the
// turn, wake the child. Then a 1 ms timed wait on IDLE (-> -ETIMEDOUT, kept in
// RESULT) while the child sleeps on IDLE for good; then exit_group(0). The
// child does the same with "b".
const pingpong: PerArch = {
  amd64: `
TEXT test.main
    mov rbx, ${TURN}
    mov edi, ${CLONE_THREAD_FLAGS}
    mov rsi, ${childStack(0)}
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56                 // clone
    syscall
    test rax, rax
    jz child
    mov r12d, ${ROUNDS}
again:
    cmp dword ptr [rbx], 0
    je mine
    mov rdi, rbx
    mov esi, 128                // FUTEX_WAIT_PRIVATE
    mov edx, 1
    xor r10d, r10d
    mov eax, 202
    syscall
    jmp again
mine:
    mov edi, 2
    lea rsi, [rbx + 8]
    mov edx, 1
    mov eax, 1                  // write(2, "a", 1)
    syscall
    mov dword ptr [rbx], 1
    mov rdi, rbx
    mov esi, 129                // FUTEX_WAKE_PRIVATE
    mov edx, 1
    mov eax, 202
    syscall
    dec r12d
    jnz again
    lea rdi, [rbx + 4]
    mov esi, 128
    xor edx, edx
    lea r10, [rbx + 32]         // 1 ms
    mov eax, 202
    syscall
    mov qword ptr [rbx + 16], rax
    xor edi, edi
    mov eax, 231                // exit_group(0)
    syscall
child:
    mov r12d, ${ROUNDS}
again2:
    cmp dword ptr [rbx], 1
    je mine2
    mov rdi, rbx
    mov esi, 128
    xor edx, edx
    xor r10d, r10d
    mov eax, 202
    syscall
    jmp again2
mine2:
    mov edi, 2
    lea rsi, [rbx + 9]
    mov edx, 1
    mov eax, 1
    syscall
    mov dword ptr [rbx], 0
    mov rdi, rbx
    mov esi, 129
    mov edx, 1
    mov eax, 202
    syscall
    dec r12d
    jnz again2
idle:
    lea rdi, [rbx + 4]
    mov esi, 128
    xor edx, edx
    xor r10d, r10d
    mov eax, 202
    syscall
    jmp idle
`,
  arm: `
TEXT test.main
    ldr r8, =${TURN}
    ldr r0, =${CLONE_THREAD_FLAGS}
    ldr r1, =${childStack(0)}
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120                // clone
    svc #0
    cmp r0, #0
    beq child
    mov r9, #${ROUNDS}
again:
    ldr r0, [r8]
    cmp r0, #0
    beq mine
    mov r0, r8
    mov r1, #128                // FUTEX_WAIT_PRIVATE
    mov r2, #1
    mov r3, #0
    mov r7, #240
    svc #0
    b again
mine:
    mov r0, #2
    add r1, r8, #8
    mov r2, #1
    mov r7, #4                  // write(2, "a", 1)
    svc #0
    mov r0, #1
    str r0, [r8]
    mov r0, r8
    mov r1, #129                // FUTEX_WAKE_PRIVATE
    mov r2, #1
    mov r7, #240
    svc #0
    subs r9, r9, #1
    bne again
    add r0, r8, #4
    mov r1, #128
    mov r2, #0
    add r3, r8, #32             // 1 ms
    mov r7, #240
    svc #0
    str r0, [r8, #16]
    mov r0, #0
    mov r7, #248                // exit_group(0)
    svc #0
child:
    mov r9, #${ROUNDS}
again2:
    ldr r0, [r8]
    cmp r0, #1
    beq mine2
    mov r0, r8
    mov r1, #128
    mov r2, #0
    mov r3, #0
    mov r7, #240
    svc #0
    b again2
mine2:
    mov r0, #2
    add r1, r8, #9
    mov r2, #1
    mov r7, #4
    svc #0
    mov r0, #0
    str r0, [r8]
    mov r0, r8
    mov r1, #129
    mov r2, #1
    mov r7, #240
    svc #0
    subs r9, r9, #1
    bne again2
idle:
    add r0, r8, #4
    mov r1, #128
    mov r2, #0
    mov r3, #0
    mov r7, #240
    svc #0
    b idle
`,
};

function setup(m: OsRun['m']): void {
  m.mem.write(LETTERS, Buffer.from('ab'));
  m.mem.setWord(TS, 0);
  m.mem.setWord(TS + m.arch.ptrSize, 1_000_000);
}

const ofKind = <K extends OsEvent['kind']>(evs: OsEvent[], k: K) => evs.filter((e): e is Extract<OsEvent, { kind: K }> => e.kind === k);

describe.each(archCases)('futex and the virtual timeline on %s', (_n, arch) => {
  let r: OsRun | undefined;
  afterEach(() => {
    closeOs(r);
    r = undefined;
  });

  it('hands a futex back and forth between two cloned threads, in alternation', async () => {
    const wakerClock: number[] = [];
    const clocks = new Map<number, number[]>();
    r = await runOs(arch, pingpong, {
      before: setup,
      onEvent: (e, threads) => {
        if ('clock' in e) clocks.set(e.thread, [...(clocks.get(e.thread) ?? []), e.clock]);
        if (e.kind === 'wake' && e.by !== undefined) wakerClock.push(threads.all[e.by]!.clock);
      },
    });
    expect(r.how).toBe('exit');
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe('ab'.repeat(ROUNDS));
    expect(r.threads.all.map((t) => t.tid)).toEqual([1, 2]);
    expect(ofKind(r.events, 'clone')).toEqual([{ kind: 'clone', thread: 0, child: 1, clock: expect.any(Number) }]);

    // each thread's clock only moves forward, and ends where the events left it
    for (const [id, cs] of clocks) {
      expect(cs, `thread ${id}`).toEqual([...cs].sort((a, b) => a - b));
      expect(r.threads.all[id]!.clock).toBeGreaterThanOrEqual(cs[cs.length - 1]!);
    }
    // every hand-off woke the other thread, no earlier than its waker's time
    const wakes = ofKind(r.events, 'wake').filter((e) => !e.timeout);
    expect(wakes.length).toBeGreaterThanOrEqual(ROUNDS);
    wakes.forEach((w, i) => {
      expect(w.by).toBe(1 - w.thread);
      expect(w.result).toBe(0);
      expect(w.clock).toBeGreaterThanOrEqual(wakerClock[i]!);
    });
  });

  it('times a FUTEX_WAIT out at its deadline: with every thread waiting, time jumps there', async () => {
    r = await runOs(arch, pingpong, { before: setup });
    const timed = ofKind(r.events, 'wait').find((e) => e.deadline !== undefined)!;
    expect(timed).toMatchObject({ thread: 0, on: 'futex', addr: IDLE });
    expect(timed.deadline).toBe(timed.clock + 1_000_000);
    // the child went to sleep on IDLE for good (no deadline) before the timeout came
    const idle = ofKind(r.events, 'wait').filter((e) => e.thread === 1).pop()!;
    expect(idle.deadline).toBeUndefined();
    expect(idle.clock).toBeLessThan(timed.deadline!);
    const woke = ofKind(r.events, 'wake').find((e) => e.timeout)!;
    expect(r.events.indexOf(idle)).toBeLessThan(r.events.indexOf(woke));
    expect(woke).toEqual({ kind: 'wake', thread: 0, by: undefined, timeout: true, result: -110, clock: timed.deadline });
    expect(BigInt.asIntN(arch.ptrSize * 8, r.m.mem.word(RESULT))).toBe(-110n); // -ETIMEDOUT
    expect(r.threads.all[1]!.state).toBe('waiting');
  });
});

// FUTEX_WAIT on a word that no longer holds val; three cloned children wait
// on one word (each first stores its gettid), main sleeps 1 ms so that they
// all block, then wakes 2, 5 (one is left) and 1 (none is left), storing each
// count; the woken children exit.
const W = SCRATCH + 4;
const RES = SCRATCH + 16; // [0] EAGAIN test, [1..3] the three wake counts
const TIDS = SCRATCH + 64;
const CHILD_RES = SCRATCH + 96;
const MS = SCRATCH + 128;
const edges: PerArch = {
  amd64: `
TEXT test.main
    mov rbx, ${SCRATCH}
    mov rdi, rbx
    mov esi, 128
    mov edx, 3                  // *SCRATCH is 5, not 3
    xor r10d, r10d
    mov eax, 202
    syscall
    mov qword ptr [rbx + 16], rax
    xor r12d, r12d
spawn:
    mov edi, ${CLONE_THREAD_FLAGS}
    mov rsi, ${childStack(0)}
    mov rax, r12
    shl rax, 16
    add rsi, rax
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56
    syscall
    test rax, rax
    jz child
    inc r12d
    cmp r12d, 3
    jne spawn
    lea rdi, [rbx + 128]
    xor esi, esi
    mov eax, 35                 // nanosleep(1 ms)
    syscall
    lea rdi, [rbx + 4]
    mov esi, 129
    mov edx, 2
    mov eax, 202
    syscall
    mov qword ptr [rbx + 24], rax
    lea rdi, [rbx + 4]
    mov esi, 129
    mov edx, 5
    mov eax, 202
    syscall
    mov qword ptr [rbx + 32], rax
    lea rdi, [rbx + 4]
    mov esi, 129
    mov edx, 1
    mov eax, 202
    syscall
    mov qword ptr [rbx + 40], rax
    lea rdi, [rbx + 128]
    xor esi, esi
    mov eax, 35
    syscall
    xor edi, edi
    mov eax, 231
    syscall
child:
    mov eax, 186                // gettid
    syscall
    mov qword ptr [rbx + r12*8 + 64], rax
    lea rdi, [rbx + 4]
    mov esi, 128
    xor edx, edx
    xor r10d, r10d
    mov eax, 202
    syscall
    mov qword ptr [rbx + r12*8 + 96], rax
    xor edi, edi
    mov eax, 60                 // exit(0): this thread only
    syscall
`,
  arm: `
TEXT test.main
    ldr r8, =${SCRATCH}
    mov r0, r8
    mov r1, #128
    mov r2, #3                  // *SCRATCH is 5, not 3
    mov r3, #0
    mov r7, #240
    svc #0
    str r0, [r8, #16]
    mov r9, #0
spawn:
    ldr r0, =${CLONE_THREAD_FLAGS}
    ldr r1, =${childStack(0)}
    add r1, r1, r9, lsl #16
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120
    svc #0
    cmp r0, #0
    beq child
    add r9, r9, #1
    cmp r9, #3
    bne spawn
    add r0, r8, #128
    mov r1, #0
    mov r7, #162                // nanosleep(1 ms)
    svc #0
    add r0, r8, #4
    mov r1, #129
    mov r2, #2
    mov r7, #240
    svc #0
    str r0, [r8, #24]
    add r0, r8, #4
    mov r1, #129
    mov r2, #5
    mov r7, #240
    svc #0
    str r0, [r8, #32]
    add r0, r8, #4
    mov r1, #129
    mov r2, #1
    mov r7, #240
    svc #0
    str r0, [r8, #40]
    add r0, r8, #128
    mov r1, #0
    mov r7, #162
    svc #0
    mov r0, #0
    mov r7, #248
    svc #0
child:
    mov r7, #224                // gettid
    svc #0
    add r1, r8, #64
    str r0, [r1, r9, lsl #3]
    add r0, r8, #4
    mov r1, #128
    mov r2, #0
    mov r3, #0
    mov r7, #240
    svc #0
    add r1, r8, #96
    str r0, [r1, r9, lsl #3]
    mov r0, #0
    mov r7, #1                  // exit(0): this thread only
    svc #0
`,
};

// main reads CLOCK_MONOTONIC, clones a child that spins ~0.4 ms of cycles and
// exits, sleeps 10 us (the deadline passes while the child runs), sleeps 10 s
// (the child ends meanwhile: then time jumps), and reads both clocks again.
const T0 = SCRATCH;
const T1 = SCRATCH + 16;
const T2 = SCRATCH + 32;
const SHORT = SCRATCH + 48;
const LONG = SCRATCH + 64;
const sleeps: PerArch = {
  amd64: `
TEXT test.main
    mov rbx, ${SCRATCH}
    mov edi, 1                  // CLOCK_MONOTONIC
    mov rsi, rbx
    mov eax, 228                // clock_gettime
    syscall
    mov edi, ${CLONE_THREAD_FLAGS}
    mov rsi, ${childStack(0)}
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56
    syscall
    test rax, rax
    jz spin
    lea rdi, [rbx + 48]
    xor esi, esi
    mov eax, 35
    syscall
    lea rdi, [rbx + 64]
    xor esi, esi
    mov eax, 35
    syscall
    mov edi, 1
    lea rsi, [rbx + 16]
    mov eax, 228
    syscall
    xor edi, edi                // CLOCK_REALTIME
    lea rsi, [rbx + 32]
    mov eax, 228
    syscall
    xor edi, edi
    mov eax, 231
    syscall
spin:
    mov ecx, 200000
loop:
    dec ecx
    jnz loop
    xor edi, edi
    mov eax, 60
    syscall
`,
  arm: `
TEXT test.main
    ldr r8, =${SCRATCH}
    mov r0, #1                  // CLOCK_MONOTONIC
    mov r1, r8
    ldr r7, =263                // clock_gettime
    svc #0
    ldr r0, =${CLONE_THREAD_FLAGS}
    ldr r1, =${childStack(0)}
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120
    svc #0
    cmp r0, #0
    beq spin
    add r0, r8, #48
    mov r1, #0
    mov r7, #162
    svc #0
    add r0, r8, #64
    mov r1, #0
    mov r7, #162
    svc #0
    mov r0, #1
    add r1, r8, #16
    ldr r7, =263
    svc #0
    mov r0, #0                  // CLOCK_REALTIME
    add r1, r8, #32
    ldr r7, =263
    svc #0
    mov r0, #0
    mov r7, #248
    svc #0
spin:
    ldr r2, =200000
loop:
    subs r2, r2, #1
    bne loop
    mov r0, #0
    mov r7, #1
    svc #0
`,
};

describe.each(archCases)('futex edge cases and nanosleep on %s', (_n, arch) => {
  const sleepSetup = (m: OsRun['m']) => {
    const w = m.arch.ptrSize;
    m.mem.setWord(SHORT, 0);
    m.mem.setWord(SHORT + w, 10_000);
    m.mem.setWord(LONG, 10);
    m.mem.setWord(LONG + w, 0);
  };
  let r: OsRun | undefined;
  afterEach(() => {
    closeOs(r);
    r = undefined;
  });
  const word = (a: number) => BigInt.asIntN(arch.ptrSize * 8, r!.m.mem.word(a));

  it('returns -EAGAIN without sleeping when the word changed, and honours the wake count (FIFO)', async () => {
    r = await runOs(arch, edges, { before: (m) => m.mem.setU32(SCRATCH, 5) });
    expect(r.exitCode).toBe(0);
    expect(word(RES)).toBe(-11n); // -EAGAIN
    const waits = ofKind(r.events, 'wait');
    expect(waits.filter((e) => e.addr === SCRATCH)).toEqual([]); // the mismatch did not sleep
    expect([word(RES + 8), word(RES + 16), word(RES + 24)]).toEqual([2n, 1n, 0n]);
    expect([0, 1, 2].map((i) => word(TIDS + 8 * i))).toEqual([2n, 3n, 4n]);
    expect([0, 1, 2].map((i) => word(CHILD_RES + 8 * i))).toEqual([0n, 0n, 0n]);
    // first come, first woken
    const futexWaiters = waits.filter((e) => e.addr === W).map((e) => e.thread);
    expect(futexWaiters).toEqual([1, 2, 3]);
    expect(ofKind(r.events, 'wake').filter((e) => e.by === 0).map((e) => e.thread)).toEqual([1, 2, 3]);
    expect(ofKind(r.events, 'threadexit').map((e) => e.thread).sort()).toEqual([1, 2, 3]);
    expect(r.threads.all.map((t) => t.state)).toEqual(['runnable', 'exited', 'exited', 'exited']);
  });

  it('sleeps on the virtual clock only: a deadline passing while another thread runs, then a 10 s jump', async () => {
    const runnableAtWake: boolean[] = [];
    r = await runOs(arch, sleeps, {
      before: sleepSetup,
      onEvent: (e, threads) => {
        if (e.kind === 'wake' && e.thread === 0) runnableAtWake.push(threads.all[1]!.state === 'runnable');
      },
    });
    expect(r.exitCode).toBe(0);
    const ns = (a: number) => Number(word(a)) * 1e9 + Number(word(a + arch.ptrSize));
    const [short, long] = ofKind(r.events, 'wait').filter((e) => e.thread === 0);
    const [wokeShort, wokeLong] = ofKind(r.events, 'wake').filter((e) => e.thread === 0);
    expect(short!.deadline).toBe(short!.clock + 10_000);
    expect(wokeShort).toMatchObject({ timeout: true, result: 0, clock: short!.deadline });
    expect(long!.deadline).toBe(long!.clock + 10e9);
    expect(wokeLong).toMatchObject({ timeout: true, result: 0, clock: long!.deadline });
    expect(runnableAtWake).toEqual([true, false]); // the spinner still ran at the first deadline, had exited by the second
    const slept = ns(T1) - ns(T0);
    expect(slept).toBeGreaterThanOrEqual(10e9 + 10_000);
    expect(slept).toBeLessThan(10e9 + 1e6);
    expect(ns(T2) - REALTIME_EPOCH_NS).toBeGreaterThanOrEqual(ns(T1)); // REALTIME = epoch + the thread's clock
    expect(r.threads.all[0]!.clock).toBeGreaterThanOrEqual(10e9);
    expect(r.threads.all[0]!.cycles).toBeLessThan(1e6); // the sleep cost no cycles
  });

  it('interleaves the same way every time; a perturbation seed changes the quanta, not the timeline', async () => {
    const once = async (interleaveSeed?: number) => {
      const x = await runOs(arch, sleeps, { before: sleepSetup, opts: { interleaveSeed } });
      try {
        return { events: JSON.stringify(x.events), quanta: x.threads.quanta, clocks: x.threads.all.map((t) => t.clock) };
      } finally {
        closeOs(x);
      }
    };
    const a = await once();
    expect(await once()).toEqual(a);
    const s = await once(7);
    expect(await once(7)).toEqual(s);
    expect(s.quanta).toBeGreaterThan(a.quanta); // quanta of 5000-10000 instructions instead of 10000
    expect(s.clocks).toEqual(a.clocks); // every thread ends at the same virtual time
  });

  it('runs the same when cut into pieces by advance() (instruction targets, chunks, thread targets, a stop at every event)', async () => {
    const once = async (drive?: (threads: Threads) => 'exit' | 'all-parked') => {
      // with `drive`, every event asks for a stop (deadlines that pass while a thread runs wake threads too)
      const onEvent = drive ? (_e: OsEvent, threads: Threads) => threads.stopSoon() : undefined;
      const x = await runOs(arch, sleeps, { before: sleepSetup, opts: { interleaveSeed: 5 }, drive, onEvent });
      try {
        return { events: JSON.stringify(x.events), quanta: x.threads.quanta, insns: x.threads.totalInsns, threads: x.threads.all.map((t) => [t.clock, t.cycles, t.insns, t.state]) };
      } finally {
        closeOs(x);
      }
    };
    const whole = await once();
    let pieces = 0;
    let stops = 0;
    const cut = await once((threads) => {
      for (let i = 0; ; i++) {
        // the spinner (thread 1) runs nearly every instruction: thread targets name it while it runs
        const spinner = threads.all[1]?.state === 'runnable' ? threads.all[1] : undefined;
        const limits: AdvanceLimits =
          i % 3 === 0 || (i % 3 === 2 && !spinner) ? { insns: threads.totalInsns + 1 + ((i * 7919) % 3000) } : i % 3 === 1 ? { chunk: 1 + ((i * 104729) % 5000) } : { thread: { id: 1, insns: spinner!.insns + 777 } };
        const r = threads.advance(limits);
        if (r === 'exit' || r === 'all-parked') return r;
        if (r === 'stopped') stops++;
        expect(r).not.toBe('budget');
        if (limits.insns !== undefined && r === 'insns') expect(threads.totalInsns).toBe(limits.insns);
        pieces++;
      }
    });
    expect(pieces).toBeGreaterThan(50);
    expect(stops).toBeGreaterThan(5);
    expect(cut).toEqual(whole);
  });
});

// clone's details: a process-style clone is refused; CLONE_SETTLS gives the
// child its thread pointer; gettid/getpid; sched_yield hands the CPU to the
// thread with the smallest clock; sched_getaffinity reports the CPUs.
const TLS_BLOCK = SCRATCH + 0x100;
const details: PerArch = {
  amd64: `
TEXT test.main
    mov rbx, ${SCRATCH}
    mov edi, 0x100              // CLONE_VM only: a new process
    xor esi, esi
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56
    syscall
    mov qword ptr [rbx], rax
    xor edi, edi
    mov esi, 128
    lea rdx, [rbx + 64]
    mov eax, 204                // sched_getaffinity(0, 128, mask)
    syscall
    mov qword ptr [rbx + 8], rax
    mov edi, ${CLONE_THREAD_FLAGS | 0x80000}
    mov rsi, ${childStack(0)}
    xor edx, edx
    xor r10d, r10d
    mov r8, ${TLS_BLOCK + 8}    // FS base: the child's FS:-8 is TLS_BLOCK
    mov eax, 56
    syscall
    test rax, rax
    jz child
    mov qword ptr [rbx + 16], rax
    mov eax, 39                 // getpid
    syscall
    mov qword ptr [rbx + 24], rax
wait:
    mov eax, 24                 // sched_yield until the child has run
    syscall
    cmp qword ptr [rbx + 40], 0
    je wait
    xor edi, edi
    mov eax, 231
    syscall
child:
    mov rax, qword ptr fs:[riz*1 - 8]
    mov qword ptr [rbx + 32], rax
    mov eax, 186
    syscall
    mov qword ptr [rbx + 40], rax
    xor edi, edi
    mov eax, 60
    syscall
`,
  arm: `
TEXT test.main
    ldr r8, =${SCRATCH}
    mov r0, #0x100              // CLONE_VM only: a new process
    mov r1, #0
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120
    svc #0
    str r0, [r8]
    mov r0, #0
    mov r1, #128
    add r2, r8, #64
    mov r7, #242                // sched_getaffinity(0, 128, mask)
    svc #0
    str r0, [r8, #8]
    ldr r0, =${CLONE_THREAD_FLAGS | 0x80000}
    ldr r1, =${childStack(0)}
    mov r2, #0
    ldr r3, =${TLS_BLOCK}       // TPIDRURO
    mov r4, #0
    mov r7, #120
    svc #0
    cmp r0, #0
    beq child
    str r0, [r8, #16]
    mov r7, #20                 // getpid
    svc #0
    str r0, [r8, #24]
wait:
    mov r7, #158                // sched_yield until the child has run
    svc #0
    ldr r0, [r8, #40]
    cmp r0, #0
    beq wait
    mov r0, #0
    mov r7, #248
    svc #0
child:
    mrc p15, 0, r0, c13, c0, 3
    ldr r0, [r0]
    str r0, [r8, #32]
    mov r7, #224
    svc #0
    str r0, [r8, #40]
    mov r0, #0
    mov r7, #1
    svc #0
`,
};

describe.each(archCases)('clone and thread calls on %s', (_n, arch) => {
  let r: OsRun | undefined;
  afterEach(() => {
    closeOs(r);
    r = undefined;
  });

  it('makes threads only, sets the child TLS, reports ids and the virtual CPUs', async () => {
    r = await runOs(arch, details, { opts: { cpus: 6 }, before: (m) => m.mem.setWord(TLS_BLOCK, 0xfeed) });
    const word = (a: number) => BigInt.asIntN(arch.ptrSize * 8, r!.m.mem.word(a));
    expect(r.exitCode).toBe(0);
    expect(word(SCRATCH)).toBe(-22n); // -EINVAL
    expect(word(SCRATCH + 8)).toBe(BigInt(arch.ptrSize)); // one long holds 6 CPUs
    expect(r.m.mem.u8(SCRATCH + 64)).toBe(0b111111);
    expect(r.m.mem.u8(SCRATCH + 65)).toBe(0);
    expect(word(SCRATCH + 16)).toBe(2n); // the child's tid
    expect(word(SCRATCH + 24)).toBe(BigInt(PID)); // the process's pid (not a thread's id)
    expect(word(SCRATCH + 32)).toBe(0xfeedn); // read through the child's own TLS pointer
    expect(word(SCRATCH + 40)).toBe(2n); // gettid in the child
  });
});
