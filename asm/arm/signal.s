// Signals for arm: the system-call stubs (rt_sigaction, rt_sigprocmask,
// sigaltstack, getpid, tgkill), minit's signal set-up of each M, initsig's
// installation of the handlers, the handler entry (sigtramp, called by the
// kernel on the gsignal stack with the rt_sigframe at SP and LR = the
// kernel's own rt_sigreturn code: Go installs its handlers without
// SA_RESTORER on arm), and signalM (the preemption signal's sender).
// sighandler itself is a host function (src/runtime/signal.ts); sigtrampgo
// is written here as the Go compiler would compile it, so that the g switch
// to gsignal and back is machine code.
// Ports of go1.19 sys_linux_arm.s, os_linux.go and signal_unix.go.

// func rt_sigaction(sig uintptr, new, old *sigactiont, size uintptr) int32   (ABI0: 4, 8, 12, 16(R13); result at 20)
// Clobbers: R0-R3, R7.
// Ports sys_linux_arm.s:606-614.
TEXT runtime.rt_sigaction(SB), NOSPLIT, $0
    ldr r0, [sp, #4]
    ldr r1, [sp, #8]
    ldr r2, [sp, #12]
    ldr r3, [sp, #16]
    mov r7, #174                    // SYS_rt_sigaction
    svc #0
    str r0, [sp, #20]
    bx lr

// func rtsigprocmask(how int32, new, old *sigset, size int32)   (ABI0: 4, 8, 12, 16(R13))
// Clobbers: R0-R3, R7.
// Ports sys_linux_arm.s:597-604.
TEXT runtime.rtsigprocmask(SB), NOSPLIT, $0
    ldr r0, [sp, #4]
    ldr r1, [sp, #8]
    ldr r2, [sp, #12]
    ldr r3, [sp, #16]
    mov r7, #175                    // SYS_rt_sigprocmask
    svc #0
    bx lr

// func sigaltstack(new, old *stackt)   (ABI0: 4, 8(R13))
// Crashes on failure, as Go's does. Clobbers: R0, R1, R6-R8.
// Ports sys_linux_arm.s:546-555.
TEXT runtime.sigaltstack(SB), NOSPLIT, $0
    ldr r0, [sp, #4]
    ldr r1, [sp, #8]
    mov r7, #186                    // SYS_sigaltstack
    svc #0
    ldr r6, =0xfffff001
    cmp r0, r6                      // (Go: CMP R6, R0 compares R0 with R6)
    movhi r8, #0                    // crash on syscall failure
    strhi r8, [r8]
    bx lr

// func getpid() int   (ABI0: result at 4(R13))
// Clobbers: R0, R7.
// Ports sys_linux_arm.s:169-173.
TEXT runtime.getpid(SB), NOSPLIT, $0-4
    mov r7, #20                     // SYS_getpid
    svc #0
    str r0, [sp, #4]
    bx lr

// func tgkill(tgid, tid, sig int)   (ABI0: 4, 8, 12(R13))
// Clobbers: R0-R2, R7.
// Ports sys_linux_arm.s:175-181.
TEXT runtime.tgkill(SB), NOSPLIT, $0-12
    ldr r0, [sp, #4]
    ldr r1, [sp, #8]
    ldr r2, [sp, #12]
    ldr r7, =268                    // SYS_tgkill
    svc #0
    bx lr

// func signalM(mp *m, sig int)   (ABI0: 4, 8(R13))
// Send sig to mp's thread: tgkill(getpid(), mp.procid, sig).
// Clobbers: R0-R2, R7, LR.
// Ports os_linux.go:552-554, compiled by hand.
TEXT runtime.signalM(SB), $16-8
    str lr, [sp, #-20]!             // frame: 0 LR, 4-12 tgkill's arguments
    bl runtime.getpid               // 4(R13) = tgid
    ldr r0, [sp, #24]
    ldr r1, [r0, #m_procid]         // (the low word of the uint64)
    str r1, [sp, #8]
    ldr r0, [sp, #28]
    str r0, [sp, #12]
    bl runtime.tgkill
    ldr pc, [sp], #20

// func minit()   (ABI0, on the new M's g0)
// The per-thread set-up of an M (minitSignals): the alternate signal stack
// is the gsignal stack (minitSignalStack: sigaltstack(nil, &st), then
// signalstack(&m.gsignal.stack) and m.newSigstack = true -- no cgo, so
// always), the signal mask is m.sigmask without the signals that must not
// be blocked (minitSignalMask), then m.procid = gettid().
// Clobbers: R0-R3, R6-R8, LR.
// Ports os_linux.go:392-399, signal_unix.go:1209-1241 and 1330-1334, compiled by hand.
TEXT runtime.minit(SB), $40-0
    str lr, [sp, #-44]!             // frame: 0 LR, 4-19 callees' args, 20-31 stackt, 32-39 nmask
    mov r0, #0                      // sigaltstack(nil, &st)
    str r0, [sp, #4]
    add r0, sp, #20
    str r0, [sp, #8]
    bl runtime.sigaltstack
    ldr r0, [r10, #g_m]             // signalstack(&g.m.gsignal.stack)
    mov r1, #1
    strb r1, [r0, #m_newSigstack]
    ldr r0, [r0, #m_gsignal]
    ldr r1, [r0, #g_stack + stack_lo]
    ldr r2, [r0, #g_stack + stack_hi]
    sub r2, r2, r1
    mov r3, #0
    str r1, [sp, #20]               // ss_sp = s.lo
    str r3, [sp, #24]               // ss_flags
    str r2, [sp, #28]               // ss_size = s.hi - s.lo
    add r0, sp, #20
    str r0, [sp, #4]
    str r3, [sp, #8]
    bl runtime.sigaltstack
    ldr r0, [r10, #g_m]             // nmask = g.m.sigmask without the unblockable signals
    add r0, r0, #m_sigmask
    str r0, [sp, #4]
    add r0, sp, #32
    str r0, [sp, #8]
    bl runtime.minit.unblockable
    mov r0, #2                      // sigprocmask(_SIG_SETMASK, &nmask, nil)
    str r0, [sp, #4]
    add r0, sp, #32
    str r0, [sp, #8]
    mov r0, #0
    str r0, [sp, #12]
    mov r0, #8
    str r0, [sp, #16]
    bl runtime.rtsigprocmask
    mov r7, #224                    // m.procid = gettid()
    svc #0
    ldr r1, [r10, #g_m]
    str r0, [r1, #m_procid]
    mov r0, #0
    str r0, [r1, #m_procid + 4]
    ldr pc, [sp], #44

// func initsig(preinit bool)   (here without the argument: preinit is false)
// Install the Go handler (sigtramp, through setsig) for every signal the
// runtime handles: runtime.initsig.want (host) reads sigtable and decides,
// signal by signal, as initsig's loop does.
// Clobbers: R0-R3, R7, LR.
// Ports signal_unix.go:114-150, compiled by hand (the decisions are the host function's).
TEXT runtime.initsig(SB), $12-0
    str lr, [sp, #-16]!             // frame: 0 LR, 4-8 callees' args and result, 12 i
    mov r0, #0
    str r0, [sp, #12]
loop:
    ldr r0, [sp, #12]
    cmp r0, #65                     // _NSIG
    bhs done
    str r0, [sp, #4]
    bl runtime.initsig.want         // 8(R13) = 1: setsig(i, sighandler)
    ldr r1, [sp, #8]
    cmp r1, #0
    beq next
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    ldr r0, =runtime.sigtramp
    str r0, [sp, #8]
    bl runtime.setsig
next:
    ldr r0, [sp, #12]
    add r0, r0, #1
    str r0, [sp, #12]
    b loop
done:
    ldr pc, [sp], #16

// func setsig(i uint32, fn uintptr)   (ABI0: 4, 8(R13))
// sigaction(i, &sa, nil) with sa = {fn, SA_SIGINFO|SA_ONSTACK|SA_RESTART
// (_SA_RESTORER is 0 on arm), no restorer, every signal blocked}; fn is
// sigtramp. A failure throws (sysSigaction).
// Clobbers: R0-R3, R7, LR.
// Ports os_linux.go:466-487 and 521-534, compiled by hand.
TEXT runtime.setsig(SB), $40-8
    str lr, [sp, #-44]!             // frame: 0 LR, 4-20 rt_sigaction's args and result, 24-43 sa
    ldr r0, [sp, #52]
    str r0, [sp, #24]               // sa_handler
    ldr r0, =0x18000004
    str r0, [sp, #28]               // sa_flags
    mov r0, #0
    str r0, [sp, #32]               // sa_restorer
    mvn r0, #0
    str r0, [sp, #36]               // sigfillset(&sa.sa_mask)
    str r0, [sp, #40]
    ldr r0, [sp, #48]               // rt_sigaction(i, &sa, nil, 8)
    str r0, [sp, #4]
    add r0, sp, #24
    str r0, [sp, #8]
    mov r0, #0
    str r0, [sp, #12]
    mov r0, #8
    str r0, [sp, #16]
    bl runtime.rt_sigaction
    ldr r0, [sp, #20]
    cmp r0, #0
    beq ok
    bl runtime.sigaction_failed     // host: throw (does not return)
ok:
    ldr pc, [sp], #44

// sigtramp: the handler the kernel enters (R0 = sig, R1 = info, R2 = ctx,
// SP = the rt_sigframe, LR = the return-from-signal code). Saves R4-R11
// (R10 is g: without cgo it is still the interrupted thread's) and calls
// sigtrampgo(sig, info, ctx).
// Clobbers: R0-R3, R12 (R4-R11 are restored).
// Ports sys_linux_arm.s:569-591.
TEXT runtime.sigtramp(SB), NOSPLIT|TOPFRAME, $0
    str lr, [sp, #-4]!
    stmdb sp!, {r4, r5, r6, r7, r8, r9, r10, r11}
    sub sp, sp, #16
    str r0, [sp, #4]
    str r1, [sp, #8]
    str r2, [sp, #12]
    bl runtime.sigtrampgo
    add sp, sp, #16
    ldmia sp!, {r4, r5, r6, r7, r8, r9, r10, r11}
    ldr pc, [sp], #4

// func sigtrampgo(sig uint32, info *siginfo, ctx unsafe.Pointer)   (ABI0: 4, 8, 12(R13))
// The Go side of the handler entry: g = the interrupted thread's g
// (sigFetchG: R10); switch g to m.gsignal (setg), call sighandler(sig,
// info, ctx, g) (host), switch back. Without cgo no signal is forwarded
// (sigfwdgo) and the signal stack is always m.gsignal's (adjustSignalStack
// finds SP inside it).
// Clobbers: R0, R1, LR.
// Ports signal_unix.go:431-470, compiled by hand.
TEXT runtime.sigtrampgo(SB), $20-12
    str lr, [sp, #-24]!             // frame: 0 LR, 4-16 sighandler's args, 20 g
    mov r0, r10                     // g := sigFetchG(c)
    cmp r0, #0
    bne haveg
    bl runtime.badsignal            // host: no g on this thread (does not return)
haveg:
    str r0, [sp, #20]
    ldr r1, [r0, #g_m]              // setg(g.m.gsignal)
    ldr r0, [r1, #m_gsignal]
    bl runtime.setg<>
    ldr r0, [sp, #28]               // sighandler(sig, info, ctx, g)
    str r0, [sp, #4]
    ldr r0, [sp, #32]
    str r0, [sp, #8]
    ldr r0, [sp, #36]
    str r0, [sp, #12]
    ldr r0, [sp, #20]
    str r0, [sp, #16]
    bl runtime.sighandler
    ldr r0, [sp, #20]               // setg(g)
    bl runtime.setg<>
    ldr pc, [sp], #24
