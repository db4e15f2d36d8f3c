// sysmon for amd64: the loop of proc.go sysmon as the Go compiler would
// compile it, around host functions (src/runtime/sysmon.ts) that make its
// decisions. Its sleeps are system calls on the virtual clock: usleep
// (nanosleep) between rounds, and notetsleep on sched.sysmonnote (futex)
// while every P is idle. Its locals (idle, delay, lasttrace) live in its
// frame on the M's g0 stack.

// func sysmon()   (ABIInternal; the mstartfn of its own M, which has no P)
// Frame: 0 usleep's argument; 8 the locals: idle (int32), delay (uint32),
// lasttrace (int64), and the notetsleep time (int64).
// Never returns. Clobbers: everything.
// Ports proc.go:5134-5240, compiled by hand (the body of each step is a host function).
TEXT runtime.sysmon(SB), $40-0
    push rbp
    mov rbp, rsp
    sub rsp, 32
    lea rax, [rsp + 8]
    call runtime.sysmon.start           // nmsys++, checkdead; the locals start at 0
loop:
    lea rax, [rsp + 8]
    call runtime.sysmon.delay           // AX = the backoff: 20 us, doubling after 50 idle rounds, at most 10 ms
    mov dword ptr [rsp], eax
    call runtime.usleep
    lea rax, [rsp + 8]
    call runtime.sysmon.idle            // AX = 1: wait on sched.sysmonnote (all Ps idle) for the time in the locals
    test eax, eax
    jz work
    mov rbx, qword ptr [rsp + 24]
    mov rax, runtime.sched
    add rax, schedt_sysmonnote
    call runtime.notetsleep             // AX = 1 if something woke it (syscallWake)
    mov rbx, rax
    lea rax, [rsp + 8]
    call runtime.sysmon.woke
work:
    lea rax, [rsp + 8]
    call runtime.sysmon.work            // retake (preemptone, handoffp), schedtrace
    jmp loop
