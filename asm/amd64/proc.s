// The runtime's own goroutines and Go-ABI glue for proc.go functions that
// run deferred calls or start goroutines, for amd64 (ABIInternal: args and
// results in AX, BX, ...; closure context in DX). Written by hand from the
// Go functions named; the blocking parts are host functions (gopark etc.).

// The runtime package's init (proc.go init): start forcegchelper.
// Ports proc.go:289-291 (the init that starts forcegchelper).
TEXT runtime.init.proc(SB), $8-0
    push rbp
    mov rbp, rsp
    mov rax, runtime.forcegchelperPC
    call runtime.newproc
    pop rbp
    ret

// var forcegchelperPC = funcval{runtime.forcegchelper}
TEXT runtime.forcegchelperPC(SB), RODATA, $8
    .quad runtime.forcegchelper

// func forcegchelper(): park forever with waitReasonForceGCIdle (there is no
// GC to force here). Ports proc.go:293-310 without the GC start.
TEXT runtime.forcegchelper(SB), $8-0
    push rbp
    mov rbp, rsp
park:
    mov eax, const_waitReasonForceGCIdle
    call runtime.gopark_system
    jmp park

// func gcenable(): start the background sweeper and scavenger and wait until
// both have started: c := make(chan int, 2); go bgsweep(c); go bgscavenge(c);
// <-c; <-c. Ports mgc.go:175-183.
TEXT runtime.gcenable(SB), $40-0
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 32
    mov rax, runtime.chantype.int
    mov ebx, 2
    call runtime.makechan
    mov qword ptr [rsp + 16], rax           // c
    mov rax, runtime.type.closure2
    call runtime.newobject                  // the closure of `go bgsweep(c)`
    mov r12, runtime.gcenable.gowrap1
    mov qword ptr [rax], r12
    mov rbx, qword ptr [rsp + 16]
    mov qword ptr [rax + 8], rbx
    call runtime.newproc
    mov rax, runtime.type.closure2
    call runtime.newobject                  // the closure of `go bgscavenge(c)`
    mov r12, runtime.gcenable.gowrap2
    mov qword ptr [rax], r12
    mov rbx, qword ptr [rsp + 16]
    mov qword ptr [rax + 8], rbx
    call runtime.newproc
    mov rax, qword ptr [rsp + 16]
    xor ebx, ebx
    call runtime.chanrecv1                  // <-c
    mov rax, qword ptr [rsp + 16]
    xor ebx, ebx
    call runtime.chanrecv1                  // <-c
    add rsp, 32
    pop rbp
    ret
more:
    call runtime.morestack_noctxt
    jmp runtime.gcenable

// the goroutine body of `go bgsweep(c)`: c is closure word 1 (the wrapper the
// compiler makes for that go statement of mgc.go:175-183)
TEXT runtime.gcenable.gowrap1(SB), $8-0
    push rbp
    mov rbp, rsp
    mov rax, qword ptr [rdx + 8]
    call runtime.bgsweep
    pop rbp
    ret
// the goroutine body of `go bgscavenge(c)`: c is closure word 1 (the wrapper
// the compiler makes for that go statement of mgc.go:175-183)
TEXT runtime.gcenable.gowrap2(SB), $8-0
    push rbp
    mov rbp, rsp
    mov rax, qword ptr [rdx + 8]
    call runtime.bgscavenge
    pop rbp
    ret

// func bgsweep(c chan int): announce start (c <- 1), then sleep in
// waitReasonGCSweepWait (no GC cycles end here, so it is never woken).
// Ports mgcsweep.go:271-278 (the start-up part).
TEXT runtime.bgsweep(SB), $24-8
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp + 8], 1
    lea rbx, [rsp + 8]
    call runtime.chansend1                  // c <- 1  (c is in AX)
park:
    mov eax, const_waitReasonGCSweepWait
    call runtime.gopark_system
    jmp park

// func bgscavenge(c chan int): announce start (c <- 1), then park in
// waitReasonGCScavengeWait. Ports mgcscavenge.go:613-617 (the start-up part).
TEXT runtime.bgscavenge(SB), $24-8
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp + 8], 1
    lea rbx, [rsp + 8]
    call runtime.chansend1
park:
    mov eax, const_waitReasonGCScavengeWait
    call runtime.gopark_system
    jmp park

// element/closure type descriptors: word 0 is the size (_type.size)
TEXT runtime.chantype.int(SB), RODATA, $8
    .quad 8
TEXT runtime.type.closure2(SB), RODATA, $8
    .quad 16

// func Goexit(): push a _panic marked goexit (runtime.Goexit.start), run
// every deferred call of the goroutine in Goexit.loop, then take that _panic
// off the chain and finish the goroutine with goexit1.
// Ports panic.go:488-561 (Goexit; the loop body is runtime.deferloop, panic.ts).
TEXT runtime.Goexit(SB), $8-0
    push rbp
    mov rbp, rsp
    call runtime.Goexit.start
    jmp runtime.Goexit.loop

// Goexit's loop: deferloop returns the next deferred funcval (0: none left)
// and Goexit.loop is where a recover that must not bypass the Goexit
// resumes (p.pc, with SP = p.sp: the SP of this loop).
// Ports panic.go:502-555 (the loop of Goexit, around deferCallSave).
TEXT runtime.Goexit.loop(SB), NOSPLIT, $0
    call runtime.deferloop
    test rax, rax
    jz done
    mov rdx, rax
    call qword ptr [rdx]
    jmp runtime.Goexit.loop
done:
    call runtime.Goexit.end
    call runtime.goexit1
    int3

// gopanic: the panic's _panic is already on g._panic (the host function that
// panicked pushed it, then tail-called here; or gogo entered here for a
// goroutine woken into a panic). Runs the deferred calls in gopanic.loop;
// with none left, fatalpanic prints the panics and exits with status 2.
// Ports panic.go:804-824 (gopanic's start; the checks and the _panic are in panic.ts).
TEXT runtime.gopanic(SB), $8-0
    push rbp
    mov rbp, rsp
    jmp runtime.gopanic.loop

// gopanic's loop: deferloop finishes the deferred call that returned (and
// ends in mcall(recovery) if it recovered), then returns the next deferred
// funcval, which is called here (the deferred function's argp is this SP).
// Ports panic.go:834-989 (the loop of gopanic, then fatalpanic).
TEXT runtime.gopanic.loop(SB), NOSPLIT, $0
    call runtime.deferloop
    test rax, rax
    jz done
    mov rdx, rax
    call qword ptr [rdx]
    jmp runtime.gopanic.loop
done:
    call runtime.fatalpanic
    int3

// parkret2: where a goroutine parked in a host function with two register
// results (selectgo's casi, recvOK) resumes: gogo has put gobuf.ret in AX
// and gobuf.ctxt in DX; the second result goes to BX and the call returns to
// its caller (the runtime pushed that return address back onto the stack).
// Ports select.go:511-511 (selectgo's return of both results after gopark).
TEXT runtime.parkret2(SB), $0-0
    mov rbx, rdx
    ret
