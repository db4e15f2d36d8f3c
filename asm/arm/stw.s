// Stopping and starting the world for runtime.GOMAXPROCS, for arm: the Go
// functions of debug.go and proc.go compiled by hand (ABI0: arguments and
// results on the stack from 4(R13); g in R10), calling host functions for
// each step (src/runtime/stw.ts). Every wait is machine code: semacquire
// parks the goroutine, notetsleep sleeps in the futex while the running Ps
// stop.

// func GOMAXPROCS(n int) int   (ABI0: n at 4(R13), the result at 8(R13))
// Set the number of Ps to n and return the previous value; n <= 0 or the
// current value only reports it. A change stops the world (gcsema,
// worldsema, every P stopped), sets newprocs = n, and starting the world
// again resizes allp (procresize) and wakes Ms for the Ps with work.
// Clobbers: everything but R10 (through its calls).
// Ports debug.go:16-35, compiled by hand.
TEXT runtime.GOMAXPROCS(SB), $20-8
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-24]!             // frame: 0 LR, 4 8 callees' arguments, 16 ret
    bl runtime.GOMAXPROCS.read      // 4(R13) = gomaxprocs, read under sched.lock
    ldr r0, [sp, #4]
    str r0, [sp, #16]
    ldr r1, [sp, #28]               // n
    cmp r1, #0
    ble done                        // n <= 0: only report
    cmp r1, r0
    beq done                        // unchanged
    ldr r0, =runtime.stwreason.GOMAXPROCS
    str r0, [sp, #4]
    mov r0, #10
    str r0, [sp, #8]
    bl runtime.stopTheWorldGC       // stopTheWorldGC("GOMAXPROCS")
    ldr r0, [sp, #28]
    str r0, [sp, #4]
    bl runtime.GOMAXPROCS.setnewprocs   // newprocs = n (startTheWorld applies it)
    bl runtime.startTheWorldGC
done:
    ldr r0, [sp, #16]
    str r0, [sp, #32]               // the result
    ldr pc, [sp], #24
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b runtime.GOMAXPROCS

// "GOMAXPROCS": the reason GOMAXPROCS gives stopTheWorld (m.preemptoff)
TEXT runtime.stwreason.GOMAXPROCS(SB), RODATA, $10
    .byte 0x47, 0x4f, 0x4d, 0x41, 0x58, 0x50, 0x52, 0x4f, 0x43, 0x53

// func stopTheWorldGC(reason string)   (ABI0: reason at 4(R13), 8(R13))
// Take gcsema (so that no GC, and no other GOMAXPROCS, runs meanwhile), then
// stopTheWorld(reason). Clobbers: as stopTheWorld.
// Ports proc.go:1135-1138.
TEXT runtime.stopTheWorldGC(SB), $12-8
    str lr, [sp, #-16]!             // frame: 0 LR, 4 8 callees' arguments
    ldr r0, =runtime.gcsema
    str r0, [sp, #4]
    bl runtime.semacquire           // may park until gcsema is free
    ldr r0, [sp, #20]
    str r0, [sp, #4]
    ldr r0, [sp, #24]
    str r0, [sp, #8]
    bl runtime.stopTheWorld
    ldr pc, [sp], #16

// func stopTheWorld(reason string)   (ABI0: reason at 4(R13), 8(R13))
// Take worldsema, record the reason in m.preemptoff, and on the system stack
// stop every P (stopTheWorld.func1). Clobbers: everything but R10.
// Ports proc.go:1086-1105.
TEXT runtime.stopTheWorld(SB), $12-8
    str lr, [sp, #-16]!
    ldr r0, =runtime.worldsema
    str r0, [sp, #4]
    bl runtime.semacquire           // may park until worldsema is free
    ldr r0, [sp, #20]
    str r0, [sp, #4]
    ldr r0, [sp, #24]
    str r0, [sp, #8]
    bl runtime.stopTheWorld.preemptoff  // m.preemptoff = reason
    ldr r0, =runtime.stopTheWorld.func1PC
    str r0, [sp, #4]
    bl runtime.systemstack          // systemstack(stopTheWorld.func1)
    ldr pc, [sp], #16

// var stopTheWorld.func1PC = funcval{stopTheWorld.func1}
TEXT runtime.stopTheWorld.func1PC(SB), RODATA, $4
    .long runtime.stopTheWorld.func1

// stopTheWorld.func1: stopTheWorld's closure, on g0: the stopping goroutine
// waits (_Gwaiting, so that its stack may be looked at) while
// stopTheWorldWithSema stops every P, then runs again.
// Clobbers: everything but R10.
// Ports proc.go:1090-1104 (the closure).
TEXT runtime.stopTheWorld.func1(SB), $4-0
    str lr, [sp, #-8]!
    bl runtime.stopTheWorld.casgwaiting
    bl runtime.stopTheWorldWithSema
    bl runtime.stopTheWorld.casgrunning
    ldr pc, [sp], #8

// func stopTheWorldWithSema()   (on g0)
// Stop the own and the idle Ps (runtime.stopTheWorldWithSema.stop); while
// some P still runs, sleep on sched.stopnote for 100 us at a time (the last
// P to stop wakes it) and ask again (preemptall); then check that every P
// is stopped. Clobbers: everything but R10.
// Ports proc.go:1179-1256.
TEXT runtime.stopTheWorldWithSema(SB), $16-0
    str lr, [sp, #-20]!             // frame: 0 LR, 4 n, 8 12 ns, 16 notetsleep's result
    bl runtime.stopTheWorldWithSema.stop    // 4(R13) = whether Ps are still running
    ldr r0, [sp, #4]
    cmp r0, #0
    beq stopped
wait:
    ldr r0, =runtime.sched
    add r0, r0, #schedt_stopnote
    str r0, [sp, #4]
    ldr r0, =100000                 // notetsleep(&sched.stopnote, 100 us)
    str r0, [sp, #8]
    mov r0, #0
    str r0, [sp, #12]
    bl runtime.notetsleep
    ldr r0, [sp, #16]
    cmp r0, #0
    bne woken
    bl runtime.preemptall
    b wait
woken:
    ldr r0, =runtime.sched
    add r0, r0, #schedt_stopnote
    str r0, [sp, #4]
    bl runtime.noteclear
stopped:
    bl runtime.stopTheWorldWithSema.check
    ldr pc, [sp], #20

// func startTheWorldGC()
// startTheWorld, then release gcsema. Clobbers: as startTheWorld.
// Ports proc.go:1141-1144.
TEXT runtime.startTheWorldGC(SB), $4-0
    str lr, [sp, #-8]!
    bl runtime.startTheWorld
    ldr r0, =runtime.gcsema
    str r0, [sp, #4]
    bl runtime.semrelease
    ldr pc, [sp], #8

// func startTheWorld()
// On the system stack, start the world again (runtime.startTheWorldWithSema:
// procresize, Ms for the Ps with work); then clear m.preemptoff and hand
// worldsema to its next waiter (runtime.startTheWorld.release).
// Clobbers: everything but R10.
// Ports proc.go:1108-1132.
TEXT runtime.startTheWorld(SB), $4-0
    str lr, [sp, #-8]!
    ldr r0, =runtime.startTheWorld.func1PC
    str r0, [sp, #4]
    bl runtime.systemstack          // systemstack(startTheWorldWithSema)
    bl runtime.startTheWorld.release
    ldr pc, [sp], #8

// var startTheWorld.func1PC = funcval{startTheWorldWithSema} (a host function)
TEXT runtime.startTheWorld.func1PC(SB), RODATA, $4
    .long runtime.startTheWorldWithSema
