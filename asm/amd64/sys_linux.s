// The futex system call and the waits built on it, for amd64: the runtime's
// syscall stub (ABI0, arguments from 8(SP)), futexsleep as the Go compiler
// would build it (ABIInternal: AX, BX, CX), and the glue through which the
// host functions runtime.notesleep and runtime.notetsleep wait: a host
// function cannot wait, so it ends by tail-calling this glue, which sleeps in
// the futex syscall (the OS parks the thread) and then jumps back into a host
// function that looks at the note again (DESIGN.md, "Waiting is a syscall").
// Ports of go1.19 sys_linux_amd64.s, os_linux.go and lock_futex.go.

// func futex(addr unsafe.Pointer, op int32, val uint32, ts, addr2 unsafe.Pointer, val3 uint32) int32
// The futex system call. ABI0: addr at 8(SP), op 16, val 20, ts 24, addr2 32,
// val3 40; the result (0 or -errno) at 48.
// Clobbers: AX, DX, SI, DI, R8, R9, R10.
// Ports sys_linux_amd64.s:549-561.
TEXT runtime.futex(SB), NOSPLIT, $0
    mov rdi, qword ptr [rsp + 8]
    mov esi, dword ptr [rsp + 16]
    mov edx, dword ptr [rsp + 20]
    mov r10, qword ptr [rsp + 24]
    mov r8, qword ptr [rsp + 32]
    mov r9d, dword ptr [rsp + 40]
    mov eax, 202                        // SYS_futex
    syscall
    mov dword ptr [rsp + 48], eax
    ret

// func futexsleep(addr *uint32, val uint32, ns int64)   (ABIInternal: AX, BX, CX)
// Sleep while *addr == val, at most ns nanoseconds (ns < 0: no limit), with
// FUTEX_WAIT_PRIVATE; the result is ignored (a wake-up may be spurious: the
// caller checks its condition again). The timespec is ns split by 1e9.
// Clobbers: AX, BX, CX, DX, SI, DI, R8, R9, R10.
// Ports os_linux.go:62-76 and defs_linux_amd64.go:113-116 (setNsec), compiled by hand.
TEXT runtime.futexsleep(SB), $72-16
    push rbp
    mov rbp, rsp
    sub rsp, 64                         // futex's arguments and result 0-47, ts 48-63
    mov qword ptr [rsp], rax            // addr
    mov dword ptr [rsp + 8], const__FUTEX_WAIT_PRIVATE
    mov dword ptr [rsp + 12], ebx       // val
    mov qword ptr [rsp + 16], 0         // ts = nil
    mov qword ptr [rsp + 24], 0         // addr2
    mov dword ptr [rsp + 32], 0         // val3
    test rcx, rcx
    js wait                             // ns < 0: no timeout
    mov rax, rcx                        // ts.setNsec(ns)
    xor edx, edx
    mov ecx, 1000000000
    div rcx
    mov qword ptr [rsp + 48], rax       // tv_sec = ns / 1e9
    mov qword ptr [rsp + 56], rdx       // tv_nsec = ns % 1e9
    lea rax, [rsp + 48]
    mov qword ptr [rsp + 16], rax       // ts = &ts
wait:
    call runtime.futex
    add rsp, 64
    pop rbp
    ret

// notesleep_futex<>: the sleep in lock_futex.go notesleep's loop. Entered by
// a tail call from the host function runtime.notesleep (which found the note
// not yet signalled), with its argument in place (AX = n) and its caller's
// return address on the stack: futexsleep(&n.key, 0, -1), then back into
// runtime.notesleep, which checks the note again.
// Clobbers: as futexsleep.
// Ports lock_futex.go:158-165 (the sleep; the test of the loop is the host function).
TEXT runtime.notesleep_futex<>(SB), $16-8
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov qword ptr [rsp], rax            // keep n
    add rax, note_key                   // futexsleep(key32(&n.key), 0, -1)
    xor ebx, ebx
    mov rcx, -1
    call runtime.futexsleep
    mov rax, qword ptr [rsp]
    add rsp, 8
    pop rbp
    jmp runtime.notesleep               // look at the note again

// notetsleep_futex<>: the sleep in lock_futex.go notetsleep_internal's loops.
// Entered by a tail call from the host function runtime.notetsleep or
// runtime.notetsleep.recheck with (AX = n, BX = ns, the time left) and the
// caller's return address on the stack: futexsleep(&n.key, 0, ns), then into
// runtime.notetsleep.recheck with the same arguments, which decides whether
// to sleep again or to return notetsleep's result to its caller.
// Clobbers: as futexsleep.
// Ports lock_futex.go:181-188 and 197-215 (the sleeps; the tests of the loops are the host functions).
TEXT runtime.notetsleep_futex<>(SB), $24-16
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp], rax            // keep n
    mov qword ptr [rsp + 8], rbx        // keep ns
    mov rcx, rbx                        // futexsleep(key32(&n.key), 0, ns)
    add rax, note_key
    xor ebx, ebx
    call runtime.futexsleep
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    add rsp, 16
    pop rbp
    jmp runtime.notetsleep.recheck

// func clone(flags int32, stk, mp, gp, fn unsafe.Pointer) int32   (ABI0: flags at 8(SP), stk 16, mp 24, gp 32, fn 40; result at 48)
// The clone system call that makes an M's thread (newosproc). With mp and gp
// it asks for CLONE_SETTLS with the thread pointer at &mp.tls[0]+8 (FS:-8 is
// tls[0]). The parent returns the child's tid; the child starts after the
// syscall on stk, records its tid in mp.procid, sets g = gp (TLS and R14),
// checks its stack and calls fn (mstart), which never returns.
// Clobbers: AX, CX, DX, SI, DI, R8-R13 (the child: everything).
// Ports sys_linux_amd64.s:564-626.
TEXT runtime.clone(SB), NOSPLIT, $0
    mov edi, dword ptr [rsp + 8]        // flags
    mov rsi, qword ptr [rsp + 16]       // stk
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov r13, qword ptr [rsp + 24]       // mp, gp, fn for the child (the syscall clobbers CX and R11)
    mov r9, qword ptr [rsp + 32]
    mov r12, qword ptr [rsp + 40]
    test r13, r13
    jz nog1
    test r9, r9
    jz nog1
    lea r8, [r13 + m_tls]
    add r8, 8                           // ELF wants to use -8(FS)
    or edi, 0x80000                     // CLONE_SETTLS
nog1:
    mov eax, 56                         // SYS_clone
    syscall
    test rax, rax
    jz child
    mov dword ptr [rsp + 48], eax       // the parent: the child's tid (or -errno)
    ret
child:
    mov rsp, rsi                        // on the new stack
    test r13, r13
    jz nog2
    test r9, r9
    jz nog2
    mov eax, 186                        // SYS_gettid: m.procid
    syscall
    mov qword ptr [r13 + m_procid], rax
    mov qword ptr [r9 + g_m], r13       // g.m = mp; g = gp (TLS and R14)
    mov qword ptr fs:[riz*1 - 8], r9
    mov r14, r9
    call runtime.stackcheck
nog2:
    call r12                            // fn: an ABI0 function (mstart)
exit:
    mov edi, 111                        // it returned: end this thread
    mov eax, 60                         // SYS_exit
    syscall
    jmp exit                            // keep exiting

// func stackcheck()
// Abort unless SP is inside the current g's stack: stack.lo < SP < stack.hi.
// Clobbers: AX.
// Ports asm_amd64.s:1062-1071.
TEXT runtime.stackcheck(SB), NOSPLIT, $0-0
    mov rax, qword ptr fs:[riz*1 - 8]
    cmp qword ptr [rax + g_stack + stack_hi], rsp
    ja below
    call runtime.abort
below:
    cmp rsp, qword ptr [rax + g_stack + stack_lo]
    ja ok
    call runtime.abort
ok:
    ret

// func newosproc(mp *m)   (ABIInternal: mp in AX)
// Start mp's thread: clone(cloneFlags, mp.g0.stack.hi, mp, mp.g0, mstart);
// a failure is reported by runtime.newosproc_failed (host), which throws.
// cloneFlags = CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD = 0x50f00.
// Clobbers: AX, CX, DX, SI, DI, R8-R13.
// Ports os_linux.go:166-189 (without the signal mask: no signals yet), compiled by hand.
TEXT runtime.newosproc(SB), $56-8
    push rbp
    mov rbp, rsp
    sub rsp, 48                         // clone's arguments 0-39, its result 40
    mov rcx, qword ptr [rax + m_g0]
    mov rdx, qword ptr [rcx + g_stack + stack_hi]
    mov dword ptr [rsp], 0x50f00        // cloneFlags
    mov qword ptr [rsp + 8], rdx        // stk = mp.g0.stack.hi
    mov qword ptr [rsp + 16], rax       // mp
    mov qword ptr [rsp + 24], rcx       // gp = mp.g0
    mov rdx, runtime.mstart
    mov qword ptr [rsp + 32], rdx       // fn = mstart
    call runtime.clone
    movsxd rax, dword ptr [rsp + 40]
    test rax, rax
    jns ok
    call runtime.newosproc_failed       // (AX = the error) does not return
ok:
    add rsp, 48
    pop rbp
    ret

// newosproc_pending<>: how a runtime host function that made Ms (newm.ts)
// or asked for preemption signals (preemptM, signal.ts) ends: for each M
// still without a thread, newosproc(mp) (runtime.newm_next hands them out,
// then 0); for each M to preempt, signalM(mp, sigPreempt); then on to where the host call was going with
// every register as it left them: RET to the caller (a return), or to the
// target of its tail call, which Arch.interpose pushed as our return address.
// Clobbers: nothing but the flags.
// Ports the newosproc step of proc.go:2145-2172 (newm1), moved to the end of the host call.
TEXT runtime.newosproc_pending<>(SB), $120-0
    push rbp
    mov rbp, rsp
    sub rsp, 112
    mov qword ptr [rsp], rax
    mov qword ptr [rsp + 8], rbx
    mov qword ptr [rsp + 16], rcx
    mov qword ptr [rsp + 24], rdx
    mov qword ptr [rsp + 32], rsi
    mov qword ptr [rsp + 40], rdi
    mov qword ptr [rsp + 48], r8
    mov qword ptr [rsp + 56], r9
    mov qword ptr [rsp + 64], r10
    mov qword ptr [rsp + 72], r11
    mov qword ptr [rsp + 80], r12
    mov qword ptr [rsp + 88], r13
    mov qword ptr [rsp + 96], r15
next:
    call runtime.newm_next              // AX = the next M, or 0
    test rax, rax
    jz signals
    call runtime.newosproc
    jmp next
signals:
    call runtime.signalM_next           // AX = the next M to send sigPreempt (preemptM), or 0
    test rax, rax
    jz done
    mov ebx, 23                         // sigPreempt = SIGURG
    call runtime.signalM
    jmp signals
done:
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    mov rcx, qword ptr [rsp + 16]
    mov rdx, qword ptr [rsp + 24]
    mov rsi, qword ptr [rsp + 32]
    mov rdi, qword ptr [rsp + 40]
    mov r8, qword ptr [rsp + 48]
    mov r9, qword ptr [rsp + 56]
    mov r10, qword ptr [rsp + 64]
    mov r11, qword ptr [rsp + 72]
    mov r12, qword ptr [rsp + 80]
    mov r13, qword ptr [rsp + 88]
    mov r15, qword ptr [rsp + 96]
    add rsp, 112
    pop rbp
    ret

// func mPark()   (here: mPark<>(park *note), ABIInternal: AX = &m.park)
// An M with nothing to do sleeps until another M hands it work:
// notesleep(&m.park); noteclear(&m.park); then runtime.mPark.resume (host),
// which goes on as whoever parked the M wanted (idle.ts). Entered by a tail
// call from stopm, stoplockedm or mexit (on g0).
// Clobbers: as notesleep (futexsleep).
// Ports proc.go:1455-1459.
TEXT runtime.mPark<>(SB), $16-8
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov qword ptr [rsp], rax            // keep &m.park
    call runtime.notesleep
    mov rax, qword ptr [rsp]
    call runtime.noteclear
    add rsp, 8
    pop rbp
    jmp runtime.mPark.resume

// netpoll(delay) of findRunnable, with no descriptors to poll (here:
// mParkTimed<>(park *note, ns int64), ABIInternal: AX = &m.park, BX = ns):
// the M waits for the next timer: notetsleep(&m.park, ns) (a futex sleep
// with a timeout on the virtual clock, cut short by netpollBreak's
// notewakeup); noteclear(&m.park); then runtime.mPark.resume (host), which
// takes an idle P and looks for work again (sched.ts). Entered by a tail
// call from findRunnable (on g0).
// Clobbers: as notetsleep (futexsleep).
// Ports proc.go:2816-2837.
TEXT runtime.mParkTimed<>(SB), $16-16
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov qword ptr [rsp], rax            // keep &m.park
    call runtime.notetsleep             // (AX = &m.park, BX = ns)
    mov rax, qword ptr [rsp]
    call runtime.noteclear
    add rsp, 8
    pop rbp
    jmp runtime.mPark.resume

// func usleep(usec uint32)   (ABI0: usec at 8(SP))
// Sleep usec microseconds: nanosleep({usec / 1e6, usec % 1e6 * 1000}, nil).
// Clobbers: AX, CX, DX, SI, DI.
// Ports sys_linux_amd64.s:125-140.
TEXT runtime.usleep(SB), NOSPLIT, $16
    sub rsp, 16
    xor edx, edx
    mov eax, dword ptr [rsp + 24]       // usec
    mov ecx, 1000000
    div ecx
    mov qword ptr [rsp], rax            // tv_sec
    mov eax, 1000                       // usec to nsec
    mul edx
    mov qword ptr [rsp + 8], rax        // tv_nsec
    mov rdi, rsp
    xor esi, esi
    mov eax, 35                         // SYS_nanosleep
    syscall
    add rsp, 16
    ret

// stealWork.usleep<>: the sleep in runqgrab before it takes the runnext of a
// P that is running (go1.19: usleep(3)). Entered by a tail call from the host
// function that was stealing (AX = the microseconds): usleep(AX), then
// runtime.stealWork.resume, which goes on with the steal where it stopped.
// Clobbers: as usleep.
// Ports proc.go:5984-5986 (the sleep; the rest of runqgrab is the host function).
TEXT runtime.stealWork.usleep<>(SB), $16-8
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov dword ptr [rsp], eax
    call runtime.usleep
    add rsp, 8
    pop rbp
    jmp runtime.stealWork.resume

// func exitThread(wait *atomic.Uint32)   (ABI0: wait at 8(SP))
// End the calling thread: *wait = 0 (the M's stack may be freed), exit(0).
// Clobbers: AX, DI (does not return).
// Ports sys_linux_amd64.s:63-72.
TEXT runtime.exitThread(SB), NOSPLIT, $0-8
    mov rax, qword ptr [rsp + 8]
    mov dword ptr [rax], 0              // done with the stack
    xor edi, edi
    mov eax, 60                         // SYS_exit: this thread
    syscall
    int3                                // no stack any more

// func write1(fd uintptr, p unsafe.Pointer, n int32) int32
// The write system call, raw (no entersyscall: the runtime's own output).
// ABI0: fd at 8(SP), p 16, n 24; the result (bytes written or -errno) at 32.
// Clobbers: AX, CX, DX, SI, DI, R11.
// Ports sys_linux_amd64.s:98-105.
TEXT runtime.write1(SB), NOSPLIT, $0-28
    mov rdi, qword ptr [rsp + 8]
    mov rsi, qword ptr [rsp + 16]
    mov edx, dword ptr [rsp + 24]
    mov eax, 1                          // SYS_write
    syscall
    mov dword ptr [rsp + 32], eax
    ret

// func writeErr(b []byte)   (ABIInternal: b's pointer in AX, length in BX)
// write(2, &b[0], int32(len(b))), with time_nofake.go's write inlined:
// where print and println end (printstring -> gwrite -> writeErr). Entered
// by a tail call from the print host functions of src/runtime/print.ts,
// with the return address of their caller, so it returns there.
// Clobbers: as write1.
// Ports write_err.go:11-13 and time_nofake.go:27-32 (without faketime's
// overrideWrite), compiled by hand.
TEXT runtime.writeErr(SB), NOSPLIT, $40-24
    push rbp
    mov rbp, rsp
    sub rsp, 32                         // write1's arguments 0-23, its result 24
    mov qword ptr [rsp], 2              // fd 2
    mov qword ptr [rsp + 8], rax        // &b[0]
    mov dword ptr [rsp + 16], ebx       // int32(len(b))
    call runtime.write1
    add rsp, 32
    pop rbp
    ret
