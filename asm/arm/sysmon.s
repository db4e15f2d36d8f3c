// sysmon for arm: the loop of proc.go sysmon as the Go compiler would
// compile it, around host functions (src/runtime/sysmon.ts) that make its
// decisions. Its sleeps are system calls on the virtual clock: usleep
// (nanosleep) between rounds, and notetsleep on sched.sysmonnote (futex)
// while every P is idle. Its locals live in its frame on the M's g0 stack.

// func sysmon()   (ABI0; the mstartfn of its own M, which has no P)
// Frame: 0 LR, 4-19 callees' arguments and results, 20 the locals: idle
// (int32), delay (uint32), lasttrace (int64), and the notetsleep time (int64).
// Never returns. Clobbers: everything.
// Ports proc.go:5134-5240, compiled by hand (the body of each step is a host function).
TEXT runtime.sysmon(SB), $40-0
    str lr, [sp, #-44]!
    add r0, sp, #20
    str r0, [sp, #4]
    bl runtime.sysmon.start         // nmsys++, checkdead; the locals start at 0
loop:
    add r0, sp, #20
    str r0, [sp, #4]
    bl runtime.sysmon.delay         // 8(R13) = the backoff: 20 us, doubling after 50 idle rounds, at most 10 ms
    ldr r0, [sp, #8]
    str r0, [sp, #4]
    bl runtime.usleep
    add r0, sp, #20
    str r0, [sp, #4]
    bl runtime.sysmon.idle          // 8(R13) = 1: wait on sched.sysmonnote for the time in the locals
    ldr r0, [sp, #8]
    cmp r0, #0
    beq work
    ldr r0, =runtime.sched
    ldr r1, =schedt_sysmonnote
    add r0, r0, r1
    str r0, [sp, #4]
    ldr r0, [sp, #36]
    str r0, [sp, #8]
    ldr r0, [sp, #40]
    str r0, [sp, #12]
    bl runtime.notetsleep           // 16(R13) = 1 if something woke it (syscallWake)
    ldr r1, [sp, #16]
    add r0, sp, #20
    str r0, [sp, #4]
    str r1, [sp, #8]
    bl runtime.sysmon.woke
work:
    add r0, sp, #20
    str r0, [sp, #4]
    bl runtime.sysmon.work          // retake (preemptone, handoffp), schedtrace
    b loop
