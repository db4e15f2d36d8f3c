// Asynchronous preemption for amd64: asyncPreempt, which the signal handler
// makes the interrupted goroutine "call" (pushCall), and asyncPreempt2, the
// Go function it calls, written as the Go compiler would compile it around
// host functions. Ports of go1.19 preempt_amd64.s and preempt.go.

// func asyncPreempt()
// Entered with the interrupted PC as return address. Saves every register a
// goroutine may have live (BP, the flags, the 14 general registers, X0-X15),
// calls asyncPreempt2 (which switches away with mcall and comes back when
// the goroutine is scheduled again), restores them all and returns to the
// interrupted PC. Clobbers: nothing.
// Ports preempt_amd64.s:6-84.
TEXT runtime.asyncPreempt(SB), NOSPLIT|NOFRAME, $0-0
    push rbp
    mov rbp, rsp
    pushfq
    sub rsp, 368
    mov qword ptr [rsp], rax
    mov qword ptr [rsp + 8], rcx
    mov qword ptr [rsp + 16], rdx
    mov qword ptr [rsp + 24], rbx
    mov qword ptr [rsp + 32], rsi
    mov qword ptr [rsp + 40], rdi
    mov qword ptr [rsp + 48], r8
    mov qword ptr [rsp + 56], r9
    mov qword ptr [rsp + 64], r10
    mov qword ptr [rsp + 72], r11
    mov qword ptr [rsp + 80], r12
    mov qword ptr [rsp + 88], r13
    mov qword ptr [rsp + 96], r14
    mov qword ptr [rsp + 104], r15
    movups xmmword ptr [rsp + 112], xmm0
    movups xmmword ptr [rsp + 128], xmm1
    movups xmmword ptr [rsp + 144], xmm2
    movups xmmword ptr [rsp + 160], xmm3
    movups xmmword ptr [rsp + 176], xmm4
    movups xmmword ptr [rsp + 192], xmm5
    movups xmmword ptr [rsp + 208], xmm6
    movups xmmword ptr [rsp + 224], xmm7
    movups xmmword ptr [rsp + 240], xmm8
    movups xmmword ptr [rsp + 256], xmm9
    movups xmmword ptr [rsp + 272], xmm10
    movups xmmword ptr [rsp + 288], xmm11
    movups xmmword ptr [rsp + 304], xmm12
    movups xmmword ptr [rsp + 320], xmm13
    movups xmmword ptr [rsp + 336], xmm14
    movups xmmword ptr [rsp + 352], xmm15
    call runtime.asyncPreempt2
    movups xmm15, xmmword ptr [rsp + 352]
    movups xmm14, xmmword ptr [rsp + 336]
    movups xmm13, xmmword ptr [rsp + 320]
    movups xmm12, xmmword ptr [rsp + 304]
    movups xmm11, xmmword ptr [rsp + 288]
    movups xmm10, xmmword ptr [rsp + 272]
    movups xmm9, xmmword ptr [rsp + 256]
    movups xmm8, xmmword ptr [rsp + 240]
    movups xmm7, xmmword ptr [rsp + 224]
    movups xmm6, xmmword ptr [rsp + 208]
    movups xmm5, xmmword ptr [rsp + 192]
    movups xmm4, xmmword ptr [rsp + 176]
    movups xmm3, xmmword ptr [rsp + 160]
    movups xmm2, xmmword ptr [rsp + 144]
    movups xmm1, xmmword ptr [rsp + 128]
    movups xmm0, xmmword ptr [rsp + 112]
    mov r15, qword ptr [rsp + 104]
    mov r14, qword ptr [rsp + 96]
    mov r13, qword ptr [rsp + 88]
    mov r12, qword ptr [rsp + 80]
    mov r11, qword ptr [rsp + 72]
    mov r10, qword ptr [rsp + 64]
    mov r9, qword ptr [rsp + 56]
    mov r8, qword ptr [rsp + 48]
    mov rdi, qword ptr [rsp + 40]
    mov rsi, qword ptr [rsp + 32]
    mov rbx, qword ptr [rsp + 24]
    mov rdx, qword ptr [rsp + 16]
    mov rcx, qword ptr [rsp + 8]
    mov rax, qword ptr [rsp]
    add rsp, 368
    popfq
    pop rbp
    ret

// func asyncPreempt2()   (ABIInternal; reached from asyncPreempt, ABI0)
// gp.asyncSafePoint = true; mcall(preemptPark) if gp.preemptStop, else
// mcall(gopreempt_m); when the goroutine runs again, gp.asyncSafePoint =
// false. The first and last steps are host functions
// (runtime.asyncPreempt2.fn returns the funcval to mcall).
// Clobbers: AX, BX, CX, DX, SI, DI, R8-R13 (asyncPreempt saved them).
// Ports preempt.go:302-311, compiled by hand (with the ABI0-to-internal wrapper's reload of R14).
TEXT runtime.asyncPreempt2(SB), $8-0
    push rbp
    mov rbp, rsp
    mov r14, qword ptr fs:[riz*1 - 8]   // ABIInternal: g in R14
    call runtime.asyncPreempt2.fn       // AX = &preemptPark or &gopreempt_m (a funcval)
    call runtime.mcall
    call runtime.asyncPreempt2.done
    pop rbp
    ret
