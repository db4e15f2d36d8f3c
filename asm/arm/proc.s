// The runtime's own goroutines and Go-ABI glue for proc.go functions that
// run deferred calls or start goroutines, for arm (ABI0: arguments and
// results on the stack from 4(R13); closure context in R7). Written by hand
// from the Go functions named; the blocking parts are host functions.

// The runtime package's init (proc.go init): start forcegchelper.
// Ports proc.go:289-291 (the init that starts forcegchelper).
TEXT runtime.init.proc(SB), $4-0
    str lr, [sp, #-8]!
    ldr r0, =runtime.forcegchelperPC
    str r0, [sp, #4]
    bl runtime.newproc
    ldr pc, [sp], #8

// var forcegchelperPC = funcval{runtime.forcegchelper}
TEXT runtime.forcegchelperPC(SB), RODATA, $4
    .long runtime.forcegchelper

// func forcegchelper(): park forever with waitReasonForceGCIdle (there is no
// GC to force here). Ports proc.go:293-310 without the GC start.
TEXT runtime.forcegchelper(SB), $4-0
    str lr, [sp, #-8]!
park:
    mov r0, #const_waitReasonForceGCIdle
    str r0, [sp, #4]
    bl runtime.gopark_system
    b park

// func gcenable(): start the background sweeper and scavenger and wait until
// both have started: c := make(chan int, 2); go bgsweep(c); go bgscavenge(c);
// <-c; <-c. Ports mgc.go:175-183.
TEXT runtime.gcenable(SB), $16-0
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-20]!             // 0 LR, 4 8 12 outgoing args/results, 16 c
    ldr r0, =runtime.chantype.int
    str r0, [sp, #4]
    mov r0, #2
    str r0, [sp, #8]
    bl runtime.makechan
    ldr r0, [sp, #12]
    str r0, [sp, #16]               // c
    ldr r0, =runtime.type.closure2
    str r0, [sp, #4]
    bl runtime.newobject            // the closure of `go bgsweep(c)`
    ldr r0, [sp, #8]
    ldr r1, =runtime.gcenable.gowrap1
    str r1, [r0]
    ldr r1, [sp, #16]
    str r1, [r0, #4]
    str r0, [sp, #4]
    bl runtime.newproc
    ldr r0, =runtime.type.closure2
    str r0, [sp, #4]
    bl runtime.newobject            // the closure of `go bgscavenge(c)`
    ldr r0, [sp, #8]
    ldr r1, =runtime.gcenable.gowrap2
    str r1, [r0]
    ldr r1, [sp, #16]
    str r1, [r0, #4]
    str r0, [sp, #4]
    bl runtime.newproc
    ldr r0, [sp, #16]
    str r0, [sp, #4]
    mov r0, #0
    str r0, [sp, #8]
    bl runtime.chanrecv1            // <-c
    ldr r0, [sp, #16]
    str r0, [sp, #4]
    mov r0, #0
    str r0, [sp, #8]
    bl runtime.chanrecv1            // <-c
    ldr pc, [sp], #20
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b runtime.gcenable

// the goroutine body of `go bgsweep(c)`: c is closure word 1 (the wrapper the
// compiler makes for that go statement of mgc.go:175-183)
TEXT runtime.gcenable.gowrap1(SB), $4-0
    str lr, [sp, #-8]!
    ldr r0, [r7, #4]
    str r0, [sp, #4]
    bl runtime.bgsweep
    ldr pc, [sp], #8
// the goroutine body of `go bgscavenge(c)`: c is closure word 1 (the wrapper
// the compiler makes for that go statement of mgc.go:175-183)
TEXT runtime.gcenable.gowrap2(SB), $4-0
    str lr, [sp, #-8]!
    ldr r0, [r7, #4]
    str r0, [sp, #4]
    bl runtime.bgscavenge
    ldr pc, [sp], #8

// func bgsweep(c chan int): announce start (c <- 1), then sleep in
// waitReasonGCSweepWait (no GC cycles end here, so it is never woken).
// Ports mgcsweep.go:271-278 (the start-up part).
TEXT runtime.bgsweep(SB), $12-4
    str lr, [sp, #-16]!             // 0 LR, 4 8 args, 12 the value 1
    mov r0, #1
    str r0, [sp, #12]
    ldr r0, [sp, #20]               // c (our argument)
    str r0, [sp, #4]
    add r0, sp, #12
    str r0, [sp, #8]
    bl runtime.chansend1            // c <- 1
park:
    mov r0, #const_waitReasonGCSweepWait
    str r0, [sp, #4]
    bl runtime.gopark_system
    b park

// func bgscavenge(c chan int): announce start (c <- 1), then park in
// waitReasonGCScavengeWait. Ports mgcscavenge.go:613-617 (the start-up part).
TEXT runtime.bgscavenge(SB), $12-4
    str lr, [sp, #-16]!
    mov r0, #1
    str r0, [sp, #12]
    ldr r0, [sp, #20]
    str r0, [sp, #4]
    add r0, sp, #12
    str r0, [sp, #8]
    bl runtime.chansend1
park:
    mov r0, #const_waitReasonGCScavengeWait
    str r0, [sp, #4]
    bl runtime.gopark_system
    b park

// element/closure type descriptors: word 0 is the size (_type.size)
TEXT runtime.chantype.int(SB), RODATA, $4
    .long 4
TEXT runtime.type.closure2(SB), RODATA, $4
    .long 8

// func Goexit(): push a _panic marked goexit (runtime.Goexit.start), run
// every deferred call of the goroutine in Goexit.loop, then take that _panic
// off the chain and finish the goroutine with goexit1.
// Ports panic.go:488-561 (Goexit; the loop body is runtime.deferloop, panic.ts).
TEXT runtime.Goexit(SB), $4-0
    str lr, [sp, #-8]!
    bl runtime.Goexit.start
    b runtime.Goexit.loop

// Goexit's loop: deferloop returns the next deferred funcval (0: none left)
// and Goexit.loop is where a recover that must not bypass the Goexit
// resumes (p.pc, with SP = p.sp: the SP of this loop).
// Ports panic.go:502-555 (the loop of Goexit, around deferCallSave).
TEXT runtime.Goexit.loop(SB), NOSPLIT, $0
    bl runtime.deferloop
    ldr r0, [sp, #4]
    cmp r0, #0
    beq done
    mov r7, r0
    ldr r0, [r0]
    blx r0
    b runtime.Goexit.loop
done:
    bl runtime.Goexit.end
    bl runtime.goexit1
    udf #0

// gopanic: the panic's _panic is already on g._panic (the host function that
// panicked pushed it, then tail-called here; or gogo entered here for a
// goroutine woken into a panic). Runs the deferred calls in gopanic.loop;
// with none left, fatalpanic prints the panics and exits with status 2.
// Ports panic.go:804-824 (gopanic's start; the checks and the _panic are in panic.ts).
TEXT runtime.gopanic(SB), $4-0
    str lr, [sp, #-8]!
    b runtime.gopanic.loop

// gopanic's loop: deferloop finishes the deferred call that returned (and
// ends in mcall(recovery) if it recovered), then returns the next deferred
// funcval, which is called here (the deferred function's argp is SP+4).
// Ports panic.go:834-989 (the loop of gopanic, then fatalpanic).
TEXT runtime.gopanic.loop(SB), NOSPLIT, $0
    bl runtime.deferloop
    ldr r0, [sp, #4]
    cmp r0, #0
    beq done
    mov r7, r0
    ldr r0, [r0]
    blx r0
    b runtime.gopanic.loop
done:
    bl runtime.fatalpanic
    udf #0
