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
