// Notes over the futex (lock_futex.go): a booted process whose main.main
// runs a scenario on g0 (through systemstack) that sleeps on a note, with a
// second thread made by a raw clone waking it; notetsleep's timeout on the
// virtual clock; noteclear; a double wakeup and a notesleep off g0 are fatal.
import { describe, expect, it } from 'vitest';
import { parseAsm } from '../../src/link/source.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import { Process } from '../../src/session/process.ts';
import { archCases, CLONE_STACK, goClone } from '../helpers.ts';

type Scenario = 'sleepWoken' | 'tsleep' | 'tsleepWoken' | 'double' | 'notg0';


// main.main: systemstack(main.<scenario>); main.waker (the cloned thread):
// spin a while, notewakeup(&main.note), exit. Results go to main.result.
function program(arch: string, scenario: Scenario): string {
  if (arch === 'amd64') {
    const clone = goClone('amd64', 'main.waker');
    const main =
      scenario === 'notg0'
        ? `
TEXT main.main
    push rbp
    mov rbp, rsp
    mov rax, main.note
    call runtime.notesleep
    pop rbp
    ret`
        : `
TEXT main.main
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov rax, main.scenarioPC
    mov qword ptr [rsp], rax
    call runtime.systemstack
    mov r14, qword ptr fs:[riz*1 - 8]
    add rsp, 16
    pop rbp
    ret
TEXT main.scenarioPC(SB), RODATA, $8
    .quad main.${scenario}`;
    return `
TEXT main.init
    ret
${main}
TEXT main.waker
    mov ecx, 100000
spin:
    dec ecx
    jnz spin
    mov rax, main.note
    call runtime.notewakeup
    xor edi, edi
    mov eax, 60
    syscall
TEXT main.sleepWoken
    push rbp
    mov rbp, rsp${clone}
    mov rax, main.note
    call runtime.notesleep
    pop rbp
    ret
TEXT main.tsleep
    push rbp
    mov rbp, rsp
    mov rax, main.note
    call runtime.notewakeup
    mov rax, main.note
    mov rbx, 5000000
    call runtime.notetsleep
    mov rcx, main.result
    mov qword ptr [rcx], rax
    mov rax, main.note
    call runtime.noteclear
    mov rax, main.note
    mov rbx, 5000000
    call runtime.notetsleep
    mov rcx, main.result
    mov qword ptr [rcx + 8], rax
    pop rbp
    ret
TEXT main.tsleepWoken
    push rbp
    mov rbp, rsp${clone}
    mov rax, main.note
    mov rbx, 1000000000
    call runtime.notetsleep
    mov rcx, main.result
    mov qword ptr [rcx], rax
    pop rbp
    ret
TEXT main.double
    push rbp
    mov rbp, rsp
    mov rax, main.note
    call runtime.notewakeup
    mov rax, main.note
    call runtime.notewakeup
    pop rbp
    ret
`;
  }
  const clone = goClone('arm', 'main.waker');
  const tsleep = (ns: number, slot: number) => `
    ldr r0, =main.note
    str r0, [sp, #4]
    ldr r0, =${ns}
    str r0, [sp, #8]
    mov r0, #0
    str r0, [sp, #12]
    bl runtime.notetsleep
    ldr r0, [sp, #16]
    ldr r1, =main.result
    str r0, [r1, #${slot}]`;
  const call = (fn: string) => `
    ldr r0, =main.note
    str r0, [sp, #4]
    bl runtime.${fn}`;
  const main =
    scenario === 'notg0'
      ? `
TEXT main.main
    str lr, [sp, #-8]!${call('notesleep')}
    ldr pc, [sp], #8`
      : `
TEXT main.main
    str lr, [sp, #-8]!
    ldr r0, =main.scenarioPC
    str r0, [sp, #4]
    bl runtime.systemstack
    ldr pc, [sp], #8
TEXT main.scenarioPC(SB), RODATA, $4
    .long main.${scenario}`;
  return `
TEXT main.init
    bx lr
${main}
TEXT main.waker
    sub sp, sp, #16
    ldr r2, =100000
spin:
    subs r2, r2, #1
    bne spin${call('notewakeup')}
    mov r0, #0
    mov r7, #1
    svc #0
TEXT main.sleepWoken
    str lr, [sp, #-8]!${clone}${call('notesleep')}
    ldr pc, [sp], #8
TEXT main.tsleep
    str lr, [sp, #-20]!${call('notewakeup')}${tsleep(5000000, 0)}${call('noteclear')}${tsleep(5000000, 8)}
    ldr pc, [sp], #20
TEXT main.tsleepWoken
    str lr, [sp, #-20]!${clone}${tsleep(1000000000, 0)}
    ldr pc, [sp], #20
TEXT main.double
    str lr, [sp, #-8]!${call('notewakeup')}${call('notewakeup')}
    ldr pc, [sp], #8
`;
}

async function run(arch: (typeof archCases)[number][1], scenario: Scenario) {
  const events: ProcessEvent[] = [];
  const wakerClock: number[] = [];
  const waitPC: string[] = [];
  const p = await Process.create({
    arch,
    program: {
      blocks: parseAsm(program(arch.name, scenario), `notes_${arch.name}.s`),
      globals: [
        { name: 'main.note', size: 8, align: 8 },
        { name: 'main.result', size: 16, align: 8 },
        { name: 'main.stack', size: CLONE_STACK, align: 16 },
      ],
    },
    maxInsns: 5_000_000,
    gomaxprocsEnv: '1',
    observe: (p) =>
      p.bus.on((e) => {
        events.push(e);
        if (e.kind === 'wake' && e.by !== undefined) wakerClock.push(p.threads.all[e.by]!.clock);
        if (e.kind === 'wait') waitPC.push(p.machine.describe(p.machine.engine.pc));
      }),
  });
  try {
    const r = p.run();
    const { mem } = p.machine;
    const word = (a: number) => Number(mem.word(a));
    // the runtime's own Ms (made while runtime.main holds main on m0) sleep on
    // their m.park: only the waits on main.note and the wake-ups of the main
    // thread that follow them are this scenario's
    const noteKey = p.machine.sym('main.note') + p.rt.L.off.note.key;
    const first = events.find((e) => e.kind === 'wait' && e.addr === noteKey);
    const mine = events.filter((e) => (e.kind === 'wait' && e.addr === noteKey) || (e.kind === 'wake' && e.thread === 0 && first?.kind === 'wait' && e.clock >= first.clock));
    return {
      ...r,
      events: mine,
      allEvents: events,
      waker: p.threads.all.length - 1,
      wakerClock,
      waitPC,
      note: word(p.machine.sym('main.note')),
      results: [word(p.machine.sym('main.result')), word(p.machine.sym('main.result') + 8)],
      m0blocked: p.rt.m0.blocked,
      deadlines: p.rt.noteDeadlines.size,
      threads: p.threads.all.map((t) => ({ state: t.state, clock: t.clock })),
    };
  } finally {
    p.close();
  }
}

const ofKind = <K extends ProcessEvent['kind']>(evs: ProcessEvent[], k: K) => evs.filter((e): e is Extract<ProcessEvent, { kind: K }> => e.kind === k);

describe.each(archCases)('notes on %s', (_n, arch) => {
  it('notesleep on g0 waits in the futex syscall until another thread calls notewakeup', async () => {
    const r = await run(arch, 'sleepWoken');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const waits = ofKind(r.events, 'wait');
    expect(waits).toEqual([{ kind: 'wait', thread: 0, on: 'futex', addr: expect.any(Number), deadline: undefined, clock: expect.any(Number) }]);
    expect(r.waitPC[0]).toMatch(/^runtime\.futex\+/); // the wait is machine code: the syscall in the futex stub
    const wakes = ofKind(r.events, 'wake');
    expect(wakes).toEqual([{ kind: 'wake', thread: 0, by: r.waker, timeout: false, result: 0, clock: r.wakerClock.at(-1) }]);
    expect(wakes[0]!.clock).toBeGreaterThan(waits[0]!.clock); // the waker spun first: the sleeper's clock jumped to it
    // notesleep ran twice on the sleeping thread: the first check, and the re-check after the futex glue
    // (after main.main started: m0 slept on its m.park while main was locked to it during init)
    const sinceMain = r.allEvents.slice(r.allEvents.findLastIndex((e) => e.kind === 'execute'));
    expect(ofKind(sinceMain, 'hostcall').filter((e) => e.name === 'runtime.notesleep' && e.thread === 0).length).toBe(2);
    expect(r.note).toBe(1);
    expect(r.m0blocked).toBe(false);
    expect([r.threads[0]!.state, r.threads.at(-1)!.state]).toEqual(['runnable', 'exited']);
  });

  it('notetsleep returns true at once on a signalled note, and false when its time runs out (after noteclear)', async () => {
    const r = await run(arch, 'tsleep');
    expect(r.exitCode).toBe(0);
    expect(r.results).toEqual([1, 0]);
    const [wait] = ofKind(r.events, 'wait');
    expect(wait!.deadline).toBe(wait!.clock + 5_000_000);
    // the only thread waits: time jumps to the deadline
    expect(ofKind(r.events, 'wake')).toEqual([{ kind: 'wake', thread: 0, by: undefined, timeout: true, result: -110, clock: wait!.deadline }]);
    expect(r.threads[0]!.clock).toBeGreaterThanOrEqual(5_000_000);
    expect(r.deadlines).toBe(0);
    expect(r.m0blocked).toBe(false);
  });

  it('notetsleep returns true when woken before its deadline', async () => {
    const r = await run(arch, 'tsleepWoken');
    expect(r.exitCode).toBe(0);
    expect(r.results[0]).toBe(1);
    const [wait] = ofKind(r.events, 'wait');
    const [wake] = ofKind(r.events, 'wake');
    expect(wake).toMatchObject({ thread: 0, by: r.waker, timeout: false });
    expect(wake!.clock).toBeLessThan(wait!.deadline!);
    expect(r.deadlines).toBe(0);
  });

  it('a second notewakeup is fatal', async () => {
    const r = await run(arch, 'double');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^notewakeup - double wakeup \(1\)\nfatal error: notewakeup - double wakeup\n/);
  });

  it('notesleep off g0 is fatal', async () => {
    const r = await run(arch, 'notg0');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: notesleep not on g0\n/);
  });
});
