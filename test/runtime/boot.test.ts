// Booting real processes with small hand-written main packages (one per arch):
// the path rt0_go -> schedinit -> newproc -> mstart -> schedule -> gogo ->
// runtime.main -> main.main -> exit, stack growth through morestack/newstack,
// deadlock detection and the instruction budget.
import { describe, expect, it } from 'vitest';
import { parseAsm } from '../../src/link/source.ts';
import { BudgetExceeded } from '../../src/os/threads.ts';
import { Process } from '../../src/session/process.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import { archCases, type PerArch } from '../helpers.ts';

// main.rec(n) = n + rec(n-1), rec(0) = 0, with a 288-byte frame and Go's
// large-frame stack check, so that recursing 2000 deep grows the 2 KiB stack
// many times. main.main prints rec(2000) and, where Go keeps a frame-pointer
// chain (amd64), RBP - RSP: 16 only if every stack copy adjusted the chain.
const programs: PerArch = {
  amd64: `
TEXT main.init
    ret
TEXT main.main
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov eax, 2000
    call main.rec
    mov qword ptr [rsp + 8], rax
    call runtime.printlock
    mov rax, qword ptr [rsp + 8]
    call runtime.printint
    call runtime.printsp
    mov rax, rbp
    sub rax, rsp
    call runtime.printint
    call runtime.printnl
    call runtime.printunlock
    add rsp, 16
    pop rbp
    ret
more:
    call runtime.morestack_noctxt
    jmp main.main
TEXT main.rec
    lea r12, [rsp - 160]
    cmp r12, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 288
    mov qword ptr [rsp + 280], rax
    test rax, rax
    jz base
    dec rax
    call main.rec
    add rax, qword ptr [rsp + 280]
    add rsp, 288
    pop rbp
    ret
base:
    xor eax, eax
    add rsp, 288
    pop rbp
    ret
more:
    mov qword ptr [rsp + 8], rax
    call runtime.morestack_noctxt
    mov rax, qword ptr [rsp + 8]
    jmp main.rec
TEXT main.deadlock
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov rax, runtime.chantype.int
    xor ebx, ebx
    call runtime.makechan
    xor ebx, ebx
    call runtime.chanrecv1
    add rsp, 16
    pop rbp
    ret
TEXT main.spin
    jmp main.spin
`,
  arm: `
TEXT main.init
    bx lr
TEXT main.main
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-16]!
    ldr r0, =2000
    str r0, [sp, #4]
    bl main.rec
    ldr r0, [sp, #8]
    str r0, [sp, #12]
    bl runtime.printlock
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    asr r0, r0, #31
    str r0, [sp, #8]
    bl runtime.printint
    bl runtime.printnl
    bl runtime.printunlock
    ldr pc, [sp], #16
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b main.main
TEXT main.rec
    ldr r1, [r10, #g_stackguard0]
    sub r2, sp, #160
    cmp r2, r1
    bls more
    str lr, [sp, #-292]!
    ldr r0, [sp, #296]
    cmp r0, #0
    beq base
    sub r0, r0, #1
    str r0, [sp, #4]
    bl main.rec
    ldr r0, [sp, #8]
    ldr r1, [sp, #296]
    add r0, r0, r1
    str r0, [sp, #300]
    ldr pc, [sp], #292
base:
    mov r0, #0
    str r0, [sp, #300]
    ldr pc, [sp], #292
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b main.rec
TEXT main.deadlock
    str lr, [sp, #-16]!
    ldr r0, =runtime.chantype.int
    str r0, [sp, #4]
    mov r0, #0
    str r0, [sp, #8]
    bl runtime.makechan
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    mov r0, #0
    str r0, [sp, #8]
    bl runtime.chanrecv1
    ldr pc, [sp], #16
TEXT main.spin
    b main.spin
`,
};

/** The program with main.main replaced by a jump to `target`. */
function withMain(arch: string, target: string): string {
  const src = programs[arch as 'amd64' | 'arm'];
  const jump = arch === 'amd64' ? `    jmp ${target}` : `    b ${target}`;
  return src.replace(/TEXT main\.main\n[\s\S]*?(?=TEXT main\.rec)/, `TEXT main.main\n${jump}\n`);
}

/** The program with a main.init that runs package os's initialisation (what main.init does for `import "fmt"`). */
function withOsInit(arch: string, src: string): string {
  const init = arch === 'amd64' ? 'TEXT main.init\n    push rbp\n    mov rbp, rsp\n    call os.init\n    pop rbp\n    ret\n' : 'TEXT main.init\n    str lr, [sp, #-8]!\n    bl os.init\n    ldr pc, [sp], #8\n';
  return src.replace(/TEXT main\.init\n[^\n]*\n/, init);
}

async function run(arch: (typeof archCases)[number][1], src: string, opts: { maxInsns?: number } = {}) {
  const events: ProcessEvent[] = [];
  const p = await Process.create({ arch, program: { blocks: parseAsm(src, `main_${arch.name}.s`), globals: [] }, maxInsns: opts.maxInsns ?? 5_000_000, gomaxprocsEnv: '1', observe: (p) => p.bus.on((e) => events.push(e)) });
  try {
    return { ...p.run(), events };
  } finally {
    p.close();
  }
}

describe.each(archCases)('booting a process on %s', (name, arch) => {
  it('runs from the ELF entry to exit(0), growing the stack through morestack/newstack', async () => {
    const r = await run(arch, programs[name]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`${(2000 * 2001) / 2}${arch.usesFramePointer ? ' 16' : ''}\n`);
    const grows = r.events.filter((e) => e.kind === 'stackgrow');
    // 2000 frames of ~300 bytes need about 600 KiB: 2 KiB doubled 9 times
    expect(grows.map((e) => (e.kind === 'stackgrow' ? e.newSize : 0))).toEqual([4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576]);
    expect(r.insns).toBeGreaterThan(2000 * 10);
    expect(r.cycles).toBeGreaterThan(r.insns / 2);
  });

  it('starts the runtime goroutines 2-4 before main.main, as go1.19 does', async () => {
    const r = await run(arch, programs[name]);
    const created = r.events.filter((e) => e.kind === 'gocreate').map((e) => (e.kind === 'gocreate' ? e.goid : 0));
    expect(created).toEqual([1, 2, 3, 4]);
    const parks = r.events.filter((e) => e.kind === 'gostatus' && e.to === 4).map((e) => (e.kind === 'gostatus' ? `${e.goid}:${e.reason}` : ''));
    expect(parks).toEqual(['1:chan receive', '4:GC scavenge wait', '1:chan receive', '2:force gc (idle)', '3:GC sweep wait']);
  });

  it("starts the finalizer goroutine once, as 5, when os's init runs (fmt's dependency), parked in finalizer wait", async () => {
    // main blocks for good, so the finalizer goroutine gets to run (and park) before checkdead reports
    const r = await run(arch, withOsInit(name, withMain(name, 'main.deadlock')));
    expect(r.exitCode).toBe(2);
    // a system goroutine: not in the dump (GOTRACEBACK is not system)
    expect(r.stderr).toMatch(/^fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 \[chan receive\]:\n/);
    expect(r.stderr).not.toMatch(/goroutine 5/);
    const created = r.events.filter((e) => e.kind === 'gocreate').map((e) => (e.kind === 'gocreate' ? e.goid : 0));
    // os.init calls createfing three times (Stdin, Stdout, Stderr): only the first makes a goroutine
    expect(created).toEqual([1, 2, 3, 4, 5]);
    const parks = r.events.filter((e) => e.kind === 'gostatus' && e.to === 4).map((e) => (e.kind === 'gostatus' ? `${e.goid}:${e.reason}` : ''));
    expect(parks).toEqual(['1:chan receive', '4:GC scavenge wait', '1:chan receive', '2:force gc (idle)', '3:GC sweep wait', '1:chan receive', '5:finalizer wait']);
  });

  it('reports a deadlock as Go does, with exit status 2', async () => {
    const r = await run(arch, withMain(name, 'main.deadlock'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 \[chan receive\]:\nmain\.deadlock/);
  });

  it('stops a runaway program at the instruction budget', async () => {
    await expect(run(arch, withMain(name, 'main.spin'), { maxInsns: 50_000 })).rejects.toThrow(BudgetExceeded);
    await expect(run(arch, withMain(name, 'main.spin'), { maxInsns: 50_000 })).rejects.toThrow(/instruction budget of 50000 exhausted at pc=0x[0-9a-f]+ \(main\.spin\+0\)/);
  });
});
