// Signals for amd64: the system-call stubs (rt_sigaction, rt_sigprocmask,
// sigaltstack, getpid, tgkill), minit's signal set-up of each M, initsig's
// installation of the handlers, the handler entry (sigtramp, C ABI, called
// by the kernel on the gsignal stack with the rt_sigframe above it), the
// return through rt_sigreturn, and signalM (the preemption signal's sender).
// sighandler itself is a host function (src/runtime/signal.ts); sigtrampgo
// is written here as the Go compiler would compile it, so that the g switch
// to gsignal and back is machine code.
// Ports of go1.19 sys_linux_amd64.s, os_linux.go and signal_unix.go.

// func rt_sigaction(sig uintptr, new, old *sigactiont, size uintptr) int32   (ABI0: 8, 16, 24, 32(SP); result at 40)
// Clobbers: AX, DI, SI, DX, R10.
// Ports sys_linux_amd64.s:305-313.
TEXT runtime.rt_sigaction(SB), NOSPLIT, $0-36
    mov rdi, qword ptr [rsp + 8]
    mov rsi, qword ptr [rsp + 16]
    mov rdx, qword ptr [rsp + 24]
    mov r10, qword ptr [rsp + 32]
    mov eax, 13                         // SYS_rt_sigaction
    syscall
    mov dword ptr [rsp + 40], eax
    ret

// func rtsigprocmask(how int32, new, old *sigset, size int32)   (ABI0: 8, 16, 24, 32(SP))
// Crashes on failure, as Go's does. Clobbers: AX, DI, SI, DX, R10.
// Ports sys_linux_amd64.s:293-303.
TEXT runtime.rtsigprocmask(SB), NOSPLIT, $0-28
    mov edi, dword ptr [rsp + 8]
    mov rsi, qword ptr [rsp + 16]
    mov rdx, qword ptr [rsp + 24]
    mov r10d, dword ptr [rsp + 32]
    mov eax, 14                         // SYS_rt_sigprocmask
    syscall
    cmp rax, 0xfffffffffffff001
    jbe ok
    mov dword ptr [riz*1 + 0xf1], 0xf1  // crash
ok:
    ret

// func sigaltstack(new, old *stackt)   (ABI0: 8, 16(SP))
// Crashes on failure, as Go's does. Clobbers: AX, DI, SI.
// Ports sys_linux_amd64.s:628-636.
TEXT runtime.sigaltstack(SB), NOSPLIT, $-8
    mov rdi, qword ptr [rsp + 8]
    mov rsi, qword ptr [rsp + 16]
    mov eax, 131                        // SYS_sigaltstack
    syscall
    cmp rax, 0xfffffffffffff001
    jbe ok
    mov dword ptr [riz*1 + 0xf1], 0xf1  // crash
ok:
    ret

// func getpid() int   (ABI0: result at 8(SP))
// Clobbers: AX.
// Ports sys_linux_amd64.s:170-174.
TEXT runtime.getpid(SB), NOSPLIT, $0-8
    mov eax, 39                         // SYS_getpid
    syscall
    mov qword ptr [rsp + 8], rax
    ret

// func tgkill(tgid, tid, sig int)   (ABI0: 8, 16, 24(SP))
// Clobbers: AX, DI, SI, DX.
// Ports sys_linux_amd64.s:176-182.
TEXT runtime.tgkill(SB), NOSPLIT, $0
    mov rdi, qword ptr [rsp + 8]
    mov rsi, qword ptr [rsp + 16]
    mov rdx, qword ptr [rsp + 24]
    mov eax, 234                        // SYS_tgkill
    syscall
    ret

// func signalM(mp *m, sig int)   (ABIInternal: AX = mp, BX = sig)
// Send sig to mp's thread: tgkill(getpid(), mp.procid, sig).
// Clobbers: AX, BX, DX, SI, DI.
// Ports os_linux.go:552-554, compiled by hand.
TEXT runtime.signalM(SB), $40-16
    push rbp
    mov rbp, rsp
    sub rsp, 32
    mov qword ptr [rsp + 24], rbx       // keep sig
    mov rsi, qword ptr [rax + m_procid]
    mov qword ptr [rsp + 8], rsi        // tid
    call runtime.getpid                 // result at 0(SP)
    mov rax, qword ptr [rsp]
    mov qword ptr [rsp], rax            // tgid
    mov rax, qword ptr [rsp + 24]
    mov qword ptr [rsp + 16], rax       // sig
    call runtime.tgkill
    add rsp, 32
    pop rbp
    ret

// func minit()   (ABIInternal, on the new M's g0)
// The per-thread set-up of an M (minitSignals): the alternate signal stack
// is the gsignal stack (minitSignalStack: sigaltstack(nil, &st), then
// signalstack(&m.gsignal.stack) and m.newSigstack = true -- no cgo, so
// always), the signal mask is m.sigmask with nothing blocked that must not
// be (minitSignalMask: every signal of the table is unblockable or not
// blocked here), then m.procid = gettid().
// Clobbers: AX, BX, CX, DX, SI, DI, R10.
// Ports os_linux.go:392-399, signal_unix.go:1209-1241 and 1330-1334, compiled by hand.
TEXT runtime.minit(SB), $72-0
    push rbp
    mov rbp, rsp
    sub rsp, 64                         // 0-23 callees' args, 24-47 stackt, 48-55 nmask
    mov qword ptr [rsp], 0              // sigaltstack(nil, &st)
    lea rax, [rsp + 24]
    mov qword ptr [rsp + 8], rax
    call runtime.sigaltstack
    mov rax, qword ptr fs:[riz*1 - 8]   // signalstack(&g.m.gsignal.stack)
    mov rax, qword ptr [rax + g_m]
    mov byte ptr [rax + m_newSigstack], 1
    mov rax, qword ptr [rax + m_gsignal]
    mov rbx, qword ptr [rax + g_stack + stack_lo]
    mov rcx, qword ptr [rax + g_stack + stack_hi]
    sub rcx, rbx
    mov qword ptr [rsp + 24], rbx       // ss_sp = s.lo
    mov dword ptr [rsp + 32], 0         // ss_flags
    mov dword ptr [rsp + 36], 0
    mov qword ptr [rsp + 40], rcx       // ss_size = s.hi - s.lo
    lea rax, [rsp + 24]
    mov qword ptr [rsp], rax
    mov qword ptr [rsp + 8], 0
    call runtime.sigaltstack
    mov rax, qword ptr fs:[riz*1 - 8]   // nmask = g.m.sigmask without the unblockable signals
    mov rax, qword ptr [rax + g_m]
    add rax, m_sigmask
    lea rbx, [rsp + 48]
    call runtime.minit.unblockable
    mov dword ptr [rsp], 2              // sigprocmask(_SIG_SETMASK, &nmask, nil)
    lea rax, [rsp + 48]
    mov qword ptr [rsp + 8], rax
    mov qword ptr [rsp + 16], 0
    mov dword ptr [rsp + 24], 8
    call runtime.rtsigprocmask
    mov eax, 186                        // m.procid = gettid()
    syscall
    mov rbx, qword ptr fs:[riz*1 - 8]
    mov rbx, qword ptr [rbx + g_m]
    mov qword ptr [rbx + m_procid], rax
    add rsp, 64
    pop rbp
    ret

// func initsig(preinit bool)   (here without the argument: preinit is false)
// Install the Go handler (sigtramp, through setsig) for every signal the
// runtime handles: runtime.initsig.want (host) reads sigtable and decides,
// signal by signal, as initsig's loop does.
// Clobbers: AX, BX, CX, DX, SI, DI, R10.
// Ports signal_unix.go:114-150, compiled by hand (the decisions are the host function's).
TEXT runtime.initsig(SB), $24-0
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov dword ptr [rsp], 0              // i
loop:
    mov eax, dword ptr [rsp]
    cmp eax, 65                         // _NSIG
    jae done
    call runtime.initsig.want           // AX = 1: setsig(i, sighandler)
    test eax, eax
    jz next
    mov eax, dword ptr [rsp]
    mov rbx, runtime.sigtramp
    call runtime.setsig
next:
    add dword ptr [rsp], 1
    jmp loop
done:
    add rsp, 16
    pop rbp
    ret

// func setsig(i uint32, fn uintptr)   (ABIInternal: AX = i, BX = fn)
// sigaction(i, &sa, nil) with sa = {fn, SA_SIGINFO|SA_ONSTACK|SA_RESTORER|SA_RESTART,
// sigreturn, every signal blocked}; fn is sigtramp (the handler entry for
// sighandler, without cgo). A failure throws (sysSigaction).
// Clobbers: AX, BX, CX, DX, SI, DI, R10.
// Ports os_linux.go:466-487 and 521-534, compiled by hand.
TEXT runtime.setsig(SB), $80-16
    push rbp
    mov rbp, rsp
    sub rsp, 72                         // 0-39 rt_sigaction's args and result, 40-71 sa
    mov qword ptr [rsp + 40], rbx       // sa_handler
    mov qword ptr [rsp + 48], 0x1c000004    // sa_flags
    mov rcx, runtime.sigreturn
    mov qword ptr [rsp + 56], rcx       // sa_restorer
    mov qword ptr [rsp + 64], -1        // sigfillset(&sa.sa_mask)
    mov eax, eax
    mov qword ptr [rsp], rax            // rt_sigaction(i, &sa, nil, 8)
    lea rcx, [rsp + 40]
    mov qword ptr [rsp + 8], rcx
    mov qword ptr [rsp + 16], 0
    mov qword ptr [rsp + 24], 8
    call runtime.rt_sigaction
    mov eax, dword ptr [rsp + 32]
    test eax, eax
    jz ok
    call runtime.sigaction_failed       // host: throw (does not return)
ok:
    add rsp, 72
    pop rbp
    ret

// sigtramp: the handler the kernel enters (C ABI: DI = sig, SI = info,
// DX = ctx, SP = the rt_sigframe, whose first word is the return address:
// sa_restorer = sigreturn). Saves the C callee-saved registers, sets up the
// Go ABI (g in R14 from TLS, X15 zero) and calls sigtrampgo(sig, info, ctx).
// Clobbers: nothing the C ABI keeps (BX, BP, R12-R15 are restored).
// Ports sys_linux_amd64.s:341-363 (PUSH_REGS_HOST_TO_ABI0: cgo/abi_amd64.h).
TEXT runtime.sigtramp(SB), NOSPLIT|TOPFRAME, $0
    sub rsp, 48                         // PUSH_REGS_HOST_TO_ABI0
    mov qword ptr [rsp + 40], rbp
    lea rbp, [rsp + 40]
    mov qword ptr [rsp], rbx
    mov qword ptr [rsp + 8], r12
    mov qword ptr [rsp + 16], r13
    mov qword ptr [rsp + 24], r14
    mov qword ptr [rsp + 32], r15
    mov r14, qword ptr fs:[riz*1 - 8]   // g in R14
    pxor xmm15, xmm15
    sub rsp, 24                         // spill slots
    mov rax, rdi                        // sig
    mov rbx, rsi                        // info
    mov rcx, rdx                        // ctx
    call runtime.sigtrampgo
    add rsp, 24
    mov rbx, qword ptr [rsp]            // POP_REGS_HOST_TO_ABI0
    mov r12, qword ptr [rsp + 8]
    mov r13, qword ptr [rsp + 16]
    mov r14, qword ptr [rsp + 24]
    mov r15, qword ptr [rsp + 32]
    mov rbp, qword ptr [rsp + 40]
    add rsp, 48
    ret

// sigreturn: sa_restorer, where sigtramp returns: the rt_sigreturn system
// call, which restores every register from the frame and never returns here.
// Ports sys_linux_amd64.s:472-475.
TEXT runtime.sigreturn(SB), NOSPLIT, $0
    mov eax, 15                         // SYS_rt_sigreturn
    syscall
    int3                                // not reached

// func sigtrampgo(sig uint32, info *siginfo, ctx unsafe.Pointer)   (ABIInternal: AX, BX, CX)
// The Go side of the handler entry: g = the interrupted thread's g
// (sigFetchG: TLS); switch g to m.gsignal (setg), call sighandler(sig,
// info, ctx, g) (host), switch back. Without cgo no signal is forwarded
// (sigfwdgo) and the signal stack is always m.gsignal's (adjustSignalStack
// finds SP inside it).
// Clobbers: AX, BX, CX, DX, SI, DI.
// Ports signal_unix.go:431-470, compiled by hand.
TEXT runtime.sigtrampgo(SB), $40-24
    push rbp
    mov rbp, rsp
    sub rsp, 32
    mov qword ptr [rsp], rax            // sig
    mov qword ptr [rsp + 8], rbx        // info
    mov qword ptr [rsp + 16], rcx       // ctx
    mov rdi, qword ptr fs:[riz*1 - 8]   // g := sigFetchG(c)
    test rdi, rdi
    jnz haveg
    call runtime.badsignal              // host: no g on this thread (does not return)
haveg:
    mov qword ptr [rsp + 24], rdi
    mov rsi, qword ptr [rdi + g_m]      // setg(g.m.gsignal)
    mov rsi, qword ptr [rsi + m_gsignal]
    mov qword ptr fs:[riz*1 - 8], rsi
    mov r14, rsi
    mov rax, qword ptr [rsp]            // sighandler(sig, info, ctx, g)
    mov rbx, qword ptr [rsp + 8]
    mov rcx, qword ptr [rsp + 16]
    call runtime.sighandler
    mov rdi, qword ptr [rsp + 24]       // setg(g)
    mov qword ptr fs:[riz*1 - 8], rdi
    mov r14, rdi
    add rsp, 32
    pop rbp
    ret
