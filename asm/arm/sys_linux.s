// The futex system call and the waits built on it, for arm: the runtime's
// syscall stub and futexsleep (ABI0: arguments from 4(R13)), and the glue
// through which the host functions runtime.notesleep and runtime.notetsleep
// wait: a host function cannot wait, so it ends by tail-calling this glue,
// which sleeps in the futex syscall (the OS parks the thread) and then jumps
// back into a host function that looks at the note again (DESIGN.md,
// "Waiting is a syscall"). Ports of go1.19 sys_linux_arm.s, os_linux.go and
// lock_futex.go.

// func futex(addr unsafe.Pointer, op int32, val uint32, ts, addr2 unsafe.Pointer, val3 uint32) int32
// The futex system call. ABI0: addr at 4(R13), op 8, val 12, ts 16, addr2 20,
// val3 24; the result (0 or -errno) at 28.
// Clobbers: R0-R5, R7.
// Ports sys_linux_arm.s:456-468.
TEXT runtime.futex(SB), NOSPLIT|NOFRAME, $0
    ldr r0, [sp, #4]
    ldr r1, [sp, #8]
    ldr r2, [sp, #12]
    ldr r3, [sp, #16]
    ldr r4, [sp, #20]
    ldr r5, [sp, #24]
    mov r7, #240                    // SYS_futex
    svc #0
    str r0, [sp, #28]
    add pc, lr, #0                  // RET

// func futexsleep(addr *uint32, val uint32, ns int64)   (ABI0: 4, 8, 12-19(R13))
// Sleep while *addr == val, at most ns nanoseconds (ns < 0: no limit), with
// FUTEX_WAIT_PRIVATE; the result is ignored (a wake-up may be spurious: the
// caller checks its condition again). The timespec's fields are 32 bits:
// tv_sec = timediv(ns, 1e9, &tv_nsec), as Go's setNsec does on arm.
// Clobbers: R0-R5, R7, LR.
// Ports os_linux.go:62-76 and defs_linux_arm.go:111-113 (setNsec), compiled by hand.
TEXT runtime.futexsleep(SB), $36-16
    str lr, [sp, #-40]!             // frame: 0 LR, 4-31 callees' arguments, 32 ts
    mov r0, #0
    str r0, [sp, #16]               // ts = nil
    ldr r1, [sp, #56]               // ns, high word
    cmp r1, #0
    blt wait                        // ns < 0: no timeout
    ldr r0, [sp, #52]               // ts.setNsec(ns)
    str r0, [sp, #4]
    str r1, [sp, #8]
    ldr r0, =1000000000
    str r0, [sp, #12]
    add r0, sp, #36
    str r0, [sp, #16]
    bl runtime.timediv              // tv_sec = timediv(ns, 1e9, &tv_nsec)
    ldr r0, [sp, #20]
    str r0, [sp, #32]
    add r0, sp, #32
    str r0, [sp, #16]               // ts = &ts
wait:
    ldr r0, [sp, #44]
    str r0, [sp, #4]                // addr
    mov r0, #const__FUTEX_WAIT_PRIVATE
    str r0, [sp, #8]
    ldr r0, [sp, #48]
    str r0, [sp, #12]               // val
    mov r0, #0
    str r0, [sp, #20]               // addr2
    str r0, [sp, #24]               // val3
    bl runtime.futex
    ldr pc, [sp], #40

// notesleep_futex<>: the sleep in lock_futex.go notesleep's loop. Entered by
// a tail call from the host function runtime.notesleep (which found the note
// not yet signalled), with its argument in place (n at 4(R13)) and LR = its
// caller: futexsleep(&n.key, 0, -1), then back into runtime.notesleep, which
// checks the note again.
// Clobbers: as futexsleep.
// Ports lock_futex.go:158-165 (the sleep; the test of the loop is the host function).
TEXT runtime.notesleep_futex<>(SB), $16-4
    str lr, [sp, #-20]!
    ldr r0, [sp, #24]               // n
    add r0, r0, #note_key
    str r0, [sp, #4]                // futexsleep(key32(&n.key), 0, -1)
    mov r0, #0
    str r0, [sp, #8]
    mvn r0, #0
    str r0, [sp, #12]
    str r0, [sp, #16]
    bl runtime.futexsleep
    ldr lr, [sp], #20
    b runtime.notesleep             // look at the note again

// notetsleep_futex<>: the sleep in lock_futex.go notetsleep_internal's loops.
// Entered by a tail call from the host function runtime.notetsleep or
// runtime.notetsleep.recheck with (n at 4(R13), ns, the time left, at 8-15)
// and LR = the caller: futexsleep(&n.key, 0, ns), then into
// runtime.notetsleep.recheck with the same arguments, which decides whether
// to sleep again or to return notetsleep's result to its caller.
// Clobbers: as futexsleep.
// Ports lock_futex.go:181-188 and 197-215 (the sleeps; the tests of the loops are the host functions).
TEXT runtime.notetsleep_futex<>(SB), $16-16
    str lr, [sp, #-20]!
    ldr r0, [sp, #24]               // n
    add r0, r0, #note_key
    str r0, [sp, #4]                // futexsleep(key32(&n.key), 0, ns)
    mov r0, #0
    str r0, [sp, #8]
    ldr r0, [sp, #28]
    str r0, [sp, #12]
    ldr r0, [sp, #32]
    str r0, [sp, #16]
    bl runtime.futexsleep
    ldr lr, [sp], #20
    b runtime.notetsleep.recheck

// func clone(flags int32, stk, mp, gp, fn unsafe.Pointer) int32   (ABI0: flags at 4(R13), stk 8, mp 12, gp 16, fn 20; result at 24)
// The clone system call that makes an M's thread (newosproc). mp, gp, fn and
// a marker go on the child's stack (stk-16), which becomes its SP. The parent
// returns the child's tid; the child checks the marker, sets g = gp (R10;
// linux/arm keeps no g in TLS without cgo), checks its stack, records its
// tid in mp.procid and calls fn (mstart), which never returns.
// Clobbers: R0-R7 (the child: everything).
// Ports sys_linux_arm.s:471-544.
TEXT runtime.clone(SB), NOSPLIT, $0
    ldr r0, [sp, #4]                // flags
    ldr r1, [sp, #8]                // stk
    mov r2, #0                      // parent tid ptr
    mov r3, #0                      // tls_val
    mov r4, #0                      // child tid ptr
    mov r5, #0
    sub r1, r1, #16                 // mp, gp, fn and a marker for the child
    ldr r6, [sp, #12]
    str r6, [r1]
    ldr r6, [sp, #16]
    str r6, [r1, #4]
    ldr r6, [sp, #20]
    str r6, [r1, #8]
    ldr r6, =1234
    str r6, [r1, #12]
    mov r7, #120                    // SYS_clone
    svc #0
    cmp r0, #0
    beq child
    str r0, [sp, #24]               // the parent: the child's tid (or -errno)
    bx lr
child:
    ldr r0, [sp, #12]               // paranoia: SP is where we put the marker
    ldr r1, =1234
    cmp r0, r1
    beq spok
    bl runtime.abort
spok:
    ldr r8, [sp]                    // m
    ldr r0, [sp, #4]                // g
    cmp r8, #0
    beq nog
    cmp r0, #0
    beq nog
    mov r10, r0                     // g = gp
    str r8, [r10, #g_m]             // g.m = mp
    ldr r0, [r8]                    // paranoia: both are readable
    ldr r0, [r10]
    bl runtime.emptyfunc            // faults if the stack check is wrong
    mov r7, #224                    // SYS_gettid: m.procid
    svc #0
    ldr r8, [r10, #g_m]
    str r0, [r8, #m_procid]
nog:
    ldr r0, [sp, #8]                // fn: an ABI0 function (mstart)
    add sp, sp, #16
    blx r0
    sub sp, sp, #16                 // it returned: end this thread
    mov r0, #0
    str r0, [sp, #4]
    bl runtime.exit1<>
    ldr r0, =1234
    ldr r1, =1005
    str r0, [r1]

// exit1<>(code int32): end the calling thread (the exit system call).
// Clobbers: R0, R1, R7 (does not return).
// Ports sys_linux_arm.s:117-123.
TEXT runtime.exit1<>(SB), NOSPLIT|NOFRAME, $0
    ldr r0, [sp, #4]
    mov r7, #1                      // SYS_exit
    svc #0
    ldr r0, =1234
    ldr r1, =1003
    str r0, [r1]                    // fail hard

// func emptyfunc()
// Does nothing, behind a normal stack check: clone's child calls it to fault
// early if its stack is not what g says.
// Clobbers: R1 (R3 on the morestack path).
// Ports asm_arm.s:763-764.
TEXT runtime.emptyfunc(SB), $0-0
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    bx lr
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b runtime.emptyfunc

// func newosproc(mp *m)   (ABI0: mp at 4(R13))
// Start mp's thread: clone(cloneFlags, mp.g0.stack.hi, mp, mp.g0, mstart);
// a failure is reported by runtime.newosproc_failed (host), which throws.
// cloneFlags = CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD = 0x50f00.
// Clobbers: R0-R8, LR.
// Ports os_linux.go:166-189 (without the signal mask: no signals yet), compiled by hand.
TEXT runtime.newosproc(SB), $24-4
    str lr, [sp, #-28]!             // frame: 0 LR, 4-20 clone's arguments, 24 its result
    ldr r0, [sp, #32]               // mp
    ldr r1, [r0, #m_g0]
    ldr r2, [r1, #g_stack + stack_hi]
    ldr r3, =0x50f00                // cloneFlags
    str r3, [sp, #4]
    str r2, [sp, #8]                // stk = mp.g0.stack.hi
    str r0, [sp, #12]               // mp
    str r1, [sp, #16]               // gp = mp.g0
    ldr r3, =runtime.mstart
    str r3, [sp, #20]               // fn = mstart
    bl runtime.clone
    ldr r0, [sp, #24]
    cmp r0, #0
    bge ok
    str r0, [sp, #4]
    bl runtime.newosproc_failed     // does not return
ok:
    ldr pc, [sp], #28

// newosproc_pending<>: how a runtime host function that made Ms (newm.ts)
// or asked for preemption signals (preemptM, signal.ts) ends: for each M
// still without a thread, newosproc(mp) (runtime.newm_next hands them out,
// then 0); for each M to preempt, signalM(mp, sigPreempt); then on to where the host call was going, which
// Arch.interpose put in R12 (the caller's LR for a return, the target of a
// tail call), with every other register as the host function left them.
// Clobbers: nothing but the flags.
// Ports the newosproc step of proc.go:2145-2172 (newm1), moved to the end of the host call.
TEXT runtime.newosproc_pending<>(SB), $60-0
    push {r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r11, r12, lr}
    sub sp, sp, #16                 // a call frame: 0 (LR slot), 4-8 arguments/result
next:
    bl runtime.newm_next            // 4(R13) = the next M, or 0
    ldr r0, [sp, #4]
    cmp r0, #0
    beq signals
    bl runtime.newosproc            // newosproc(mp): mp is at 4(R13) already
    b next
signals:
    bl runtime.signalM_next         // 4(R13) = the next M to send sigPreempt (preemptM), or 0
    ldr r0, [sp, #4]
    cmp r0, #0
    beq done
    mov r0, #23                     // sigPreempt = SIGURG
    str r0, [sp, #8]
    bl runtime.signalM
    b signals
done:
    add sp, sp, #16
    pop {r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r11, r12, lr}
    bx r12

// func mPark()   (here: mPark<>(park *note), ABI0: &m.park at 4(R13))
// An M with nothing to do sleeps until another M hands it work:
// notesleep(&m.park); noteclear(&m.park); then runtime.mPark.resume (host),
// which goes on as whoever parked the M wanted (idle.ts). Entered by a tail
// call from stopm, stoplockedm or mexit (on g0), LR = their caller.
// Clobbers: as notesleep (futexsleep).
// Ports proc.go:1455-1459.
TEXT runtime.mPark<>(SB), $8-4
    str lr, [sp, #-12]!             // frame: 0 LR, 4 argument, 8 &m.park
    ldr r0, [sp, #16]
    str r0, [sp, #8]
    str r0, [sp, #4]
    bl runtime.notesleep
    ldr r0, [sp, #8]
    str r0, [sp, #4]
    bl runtime.noteclear
    ldr lr, [sp], #12
    b runtime.mPark.resume

// netpoll(delay) of findRunnable, with no descriptors to poll (here:
// mParkTimed<>(park *note, ns int64), ABI0: &m.park at 4(R13), ns at 8-15):
// the M waits for the next timer: notetsleep(&m.park, ns) (a futex sleep
// with a timeout on the virtual clock, cut short by netpollBreak's
// notewakeup); noteclear(&m.park); then runtime.mPark.resume (host), which
// takes an idle P and looks for work again (sched.ts). Entered by a tail
// call from findRunnable (on g0), LR = its caller.
// Clobbers: as notetsleep (futexsleep).
// Ports proc.go:2816-2837.
TEXT runtime.mParkTimed<>(SB), $20-12
    str lr, [sp, #-24]!             // frame: 0 LR, 4 n, 8-15 ns, 16 notetsleep's result, 20 &m.park
    ldr r0, [sp, #28]
    str r0, [sp, #20]
    str r0, [sp, #4]
    ldr r0, [sp, #32]
    str r0, [sp, #8]
    ldr r0, [sp, #36]
    str r0, [sp, #12]
    bl runtime.notetsleep
    ldr r0, [sp, #20]
    str r0, [sp, #4]
    bl runtime.noteclear
    ldr lr, [sp], #24
    b runtime.mPark.resume

// usplitR0: R0 = R0 / 1000000, R1 = R0 % 1000000 (by a multiply with the
// reciprocal, as the compiler divides by a constant).
// Clobbers: R0-R3.
// Ports asm_arm.s:845-855.
TEXT runtime.usplitR0(SB), NOSPLIT, $0
    mov r3, r0
    ldr r1, =1125899907
    umull r2, r0, r3, r1            // R0 = the high word of usec * 1125899907
    lsr r0, r0, #18
    ldr r1, =1000000
    mul r1, r0, r1
    sub r1, r3, r1
    bx lr

// func usleep(usec uint32)   (ABI0: usec at 4(R13))
// Sleep usec microseconds: nanosleep({usec / 1e6, usec % 1e6 * 1000}, nil).
// Clobbers: R0-R3, R7, LR.
// Ports sys_linux_arm.s:616-627.
TEXT runtime.usleep(SB), NOSPLIT, $12
    str lr, [sp, #-16]!             // frame: 0 LR, 4 tv_sec, 8 tv_nsec
    ldr r0, [sp, #20]
    bl runtime.usplitR0
    str r0, [sp, #4]
    mov r0, #1000                   // usec to nsec
    mul r1, r0, r1
    str r1, [sp, #8]
    add r0, sp, #4
    mov r1, #0
    mov r7, #162                    // SYS_nanosleep
    svc #0
    ldr pc, [sp], #16

// stealWork.usleep<>: the sleep in runqgrab before it takes the runnext of a
// P that is running (go1.19: usleep(3)). Entered by a tail call from the host
// function that was stealing (the microseconds at 4(R13), LR = its caller):
// usleep, then runtime.stealWork.resume, which goes on with the steal where
// it stopped.
// Clobbers: as usleep.
// Ports proc.go:5984-5986 (the sleep; the rest of runqgrab is the host function).
TEXT runtime.stealWork.usleep<>(SB), $4-4
    str lr, [sp, #-8]!
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    bl runtime.usleep
    ldr lr, [sp], #8
    b runtime.stealWork.resume

// func exitThread(wait *atomic.Uint32)   (ABI0: wait at 4(R13))
// End the calling thread: *wait = 0 (the M's stack may be freed), exit(0).
// Clobbers: R0, R1, R7 (does not return).
// Ports sys_linux_arm.s:126-139.
TEXT runtime.exitThread(SB), NOSPLIT|NOFRAME, $0-4
    ldr r0, [sp, #4]
    mov r1, #0
    str r1, [r0]                    // done with the stack
    mov r0, #0
    mov r7, #1                      // SYS_exit: this thread
    svc #0
    ldr r0, =1234
    ldr r1, =1004
    str r0, [r1]                    // fail hard

// func write1(fd uintptr, p unsafe.Pointer, n int32) int32
// The write system call, raw (no entersyscall: the runtime's own output).
// ABI0: fd at 4(R13), p 8, n 12; the result (bytes written or -errno) at 16.
// Clobbers: R0, R1, R2, R7.
// Ports sys_linux_arm.s:82-89.
TEXT runtime.write1(SB), NOSPLIT|NOFRAME, $0-16
    ldr r0, [sp, #4]
    ldr r1, [sp, #8]
    ldr r2, [sp, #12]
    mov r7, #4                      // SYS_write
    svc #0
    str r0, [sp, #16]
    bx lr

// func writeErr(b []byte)   (here: b's pointer in R0, its length in R1)
// write(2, &b[0], int32(len(b))), with time_nofake.go's write inlined:
// where print and println end (printstring -> gwrite -> writeErr). Entered
// by a tail call from the print host functions of src/runtime/print.ts,
// LR = their caller. gc would pass b on the stack (ABI0); a host function's
// caller may have reserved no slots for it, so it comes in R0 and R1.
// Clobbers: as write1.
// Ports write_err.go:11-13 and time_nofake.go:27-32 (without faketime's
// overrideWrite), compiled by hand.
TEXT runtime.writeErr(SB), NOSPLIT, $16-12
    str lr, [sp, #-20]!             // frame: 0 LR, 4 fd, 8 p, 12 n, 16 write1's result
    str r0, [sp, #8]                // &b[0]
    str r1, [sp, #12]               // int32(len(b))
    mov r0, #2                      // fd 2
    str r0, [sp, #4]
    bl runtime.write1
    ldr pc, [sp], #20
