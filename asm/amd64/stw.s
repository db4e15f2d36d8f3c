// Stopping and starting the world for runtime.GOMAXPROCS, for amd64: the
// Go functions of debug.go and proc.go compiled by hand (ABIInternal: args
// and results in AX, BX, ...; g in R14), calling host functions for each
// step (src/runtime/stw.ts). Every wait is machine code: semacquire parks
// the goroutine, notetsleep sleeps in the futex while the running Ps stop.

// func GOMAXPROCS(n int) int   (ABIInternal: n in AX, the result in AX)
// Set the number of Ps to n and return the previous value; n <= 0 or the
// current value only reports it. A change stops the world (gcsema,
// worldsema, every P stopped), sets newprocs = n, and starting the world
// again resizes allp (procresize) and wakes Ms for the Ps with work.
// Clobbers: everything but R14 (through its calls).
// Ports debug.go:16-35, compiled by hand.
TEXT runtime.GOMAXPROCS(SB), $32-8
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp + 8], rax        // n
    call runtime.GOMAXPROCS.read        // AX = gomaxprocs, read under sched.lock
    mov qword ptr [rsp], rax            // ret
    mov rbx, qword ptr [rsp + 8]
    test rbx, rbx
    jle done                            // n <= 0: only report
    cmp rbx, rax
    je done                             // unchanged
    mov rax, runtime.stwreason.GOMAXPROCS
    mov ebx, 10                         // stopTheWorldGC("GOMAXPROCS")
    call runtime.stopTheWorldGC
    mov rax, qword ptr [rsp + 8]
    call runtime.GOMAXPROCS.setnewprocs // newprocs = n (startTheWorld applies it)
    call runtime.startTheWorldGC
done:
    mov rax, qword ptr [rsp]
    add rsp, 16
    pop rbp
    ret
more:
    mov qword ptr [rsp + 8], rax        // spill n
    call runtime.morestack_noctxt
    mov rax, qword ptr [rsp + 8]
    jmp runtime.GOMAXPROCS

// "GOMAXPROCS": the reason GOMAXPROCS gives stopTheWorld (m.preemptoff)
TEXT runtime.stwreason.GOMAXPROCS(SB), RODATA, $10
    .byte 0x47, 0x4f, 0x4d, 0x41, 0x58, 0x50, 0x52, 0x4f, 0x43, 0x53

// func stopTheWorldGC(reason string)   (ABIInternal: AX, BX = reason)
// Take gcsema (so that no GC, and no other GOMAXPROCS, runs meanwhile), then
// stopTheWorld(reason). Clobbers: as stopTheWorld.
// Ports proc.go:1135-1138.
TEXT runtime.stopTheWorldGC(SB), $24-16
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp], rax
    mov qword ptr [rsp + 8], rbx
    mov rax, runtime.gcsema
    call runtime.semacquire             // may park until gcsema is free
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    call runtime.stopTheWorld
    add rsp, 16
    pop rbp
    ret

// func stopTheWorld(reason string)   (ABIInternal: AX, BX = reason)
// Take worldsema, record the reason in m.preemptoff, and on the system stack
// stop every P (stopTheWorld.func1). Clobbers: everything but R14.
// Ports proc.go:1086-1105.
TEXT runtime.stopTheWorld(SB), $24-16
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp], rax
    mov qword ptr [rsp + 8], rbx
    mov rax, runtime.worldsema
    call runtime.semacquire             // may park until worldsema is free
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    call runtime.stopTheWorld.preemptoff    // m.preemptoff = reason
    mov rax, runtime.stopTheWorld.func1PC
    mov qword ptr [rsp], rax
    call runtime.systemstack            // systemstack(stopTheWorld.func1)
    mov r14, qword ptr fs:[riz*1 - 8]   // reload g after an ABI0 call
    add rsp, 16
    pop rbp
    ret

// var stopTheWorld.func1PC = funcval{stopTheWorld.func1}
TEXT runtime.stopTheWorld.func1PC(SB), RODATA, $8
    .quad runtime.stopTheWorld.func1

// stopTheWorld.func1: stopTheWorld's closure, on g0: the stopping goroutine
// waits (_Gwaiting, so that its stack may be looked at) while
// stopTheWorldWithSema stops every P, then runs again.
// Clobbers: everything but R14.
// Ports proc.go:1090-1104 (the closure).
TEXT runtime.stopTheWorld.func1(SB), $8-0
    push rbp
    mov rbp, rsp
    call runtime.stopTheWorld.casgwaiting
    call runtime.stopTheWorldWithSema
    call runtime.stopTheWorld.casgrunning
    pop rbp
    ret

// func stopTheWorldWithSema()   (on g0)
// Stop the own and the idle Ps (runtime.stopTheWorldWithSema.stop); while
// some P still runs, sleep on sched.stopnote for 100 us at a time (the last
// P to stop wakes it) and ask again (preemptall); then check that every P
// is stopped. Clobbers: everything but R14.
// Ports proc.go:1179-1256.
TEXT runtime.stopTheWorldWithSema(SB), $8-0
    push rbp
    mov rbp, rsp
    call runtime.stopTheWorldWithSema.stop  // AX = whether Ps are still running
    test al, al
    jz stopped
wait:
    mov rax, runtime.sched
    add rax, schedt_stopnote
    mov ebx, 100000                     // notetsleep(&sched.stopnote, 100 us)
    call runtime.notetsleep
    test al, al
    jnz woken
    call runtime.preemptall
    jmp wait
woken:
    mov rax, runtime.sched
    add rax, schedt_stopnote
    call runtime.noteclear
stopped:
    call runtime.stopTheWorldWithSema.check
    pop rbp
    ret

// func startTheWorldGC()
// startTheWorld, then release gcsema. Clobbers: as startTheWorld.
// Ports proc.go:1141-1144.
TEXT runtime.startTheWorldGC(SB), $8-0
    push rbp
    mov rbp, rsp
    call runtime.startTheWorld
    mov rax, runtime.gcsema
    call runtime.semrelease
    pop rbp
    ret

// func startTheWorld()
// On the system stack, start the world again (runtime.startTheWorldWithSema:
// procresize, Ms for the Ps with work); then clear m.preemptoff and hand
// worldsema to its next waiter (runtime.startTheWorld.release).
// Clobbers: everything but R14.
// Ports proc.go:1108-1132.
TEXT runtime.startTheWorld(SB), $16-0
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov rax, runtime.startTheWorld.func1PC
    mov qword ptr [rsp], rax
    call runtime.systemstack            // systemstack(startTheWorldWithSema)
    mov r14, qword ptr fs:[riz*1 - 8]
    call runtime.startTheWorld.release
    add rsp, 8
    pop rbp
    ret

// var startTheWorld.func1PC = funcval{startTheWorldWithSema} (a host function)
TEXT runtime.startTheWorld.func1PC(SB), RODATA, $8
    .quad runtime.startTheWorldWithSema
