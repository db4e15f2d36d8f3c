// Asynchronous preemption for arm: asyncPreempt, which the signal handler
// makes the interrupted goroutine "call" (pushCall), and asyncPreempt2, the
// Go function it calls, written as the Go compiler would compile it around
// host functions. Ports of go1.19 preempt_arm.s and preempt.go.

// var goarm uint8 = 7: the GOARM the program is built for (set by Go's linker).
TEXT runtime.goarm(SB), RODATA, $1
    .byte 7

// func asyncPreempt()
// Entered with LR = the interrupted PC and the interrupted LR pushed at
// 0(R13) by pushCall. Saves R0-R9, R11, R12, the flags and (GOARM >= 6)
// FPSCR and D0-D15 in a 192-byte frame, calls asyncPreempt2 (which
// switches away with mcall and comes back when the goroutine is scheduled
// again), restores them all, reloads the interrupted LR and returns to the
// interrupted PC, popping pushCall's slot. Clobbers: nothing.
// Ports preempt_arm.s:6-83.
TEXT runtime.asyncPreempt(SB), NOSPLIT|NOFRAME, $0-0
    str lr, [sp, #-188]!
    str r0, [sp, #4]
    str r1, [sp, #8]
    str r2, [sp, #12]
    str r3, [sp, #16]
    str r4, [sp, #20]
    str r5, [sp, #24]
    str r6, [sp, #28]
    str r7, [sp, #32]
    str r8, [sp, #36]
    str r9, [sp, #40]
    str r11, [sp, #44]
    str r12, [sp, #48]
    mrs r0, apsr
    str r0, [sp, #52]
    ldr r0, =runtime.goarm
    ldrb r0, [r0]
    cmp r0, #6
    blt nofp
    vmrs r0, fpscr
    str r0, [sp, #56]
    vstr d0, [sp, #60]
    vstr d1, [sp, #68]
    vstr d2, [sp, #76]
    vstr d3, [sp, #84]
    vstr d4, [sp, #92]
    vstr d5, [sp, #100]
    vstr d6, [sp, #108]
    vstr d7, [sp, #116]
    vstr d8, [sp, #124]
    vstr d9, [sp, #132]
    vstr d10, [sp, #140]
    vstr d11, [sp, #148]
    vstr d12, [sp, #156]
    vstr d13, [sp, #164]
    vstr d14, [sp, #172]
    vstr d15, [sp, #180]
nofp:
    bl runtime.asyncPreempt2
    ldr r0, =runtime.goarm
    ldrb r0, [r0]
    cmp r0, #6
    blt nofp2
    vldr d15, [sp, #180]
    vldr d14, [sp, #172]
    vldr d13, [sp, #164]
    vldr d12, [sp, #156]
    vldr d11, [sp, #148]
    vldr d10, [sp, #140]
    vldr d9, [sp, #132]
    vldr d8, [sp, #124]
    vldr d7, [sp, #116]
    vldr d6, [sp, #108]
    vldr d5, [sp, #100]
    vldr d4, [sp, #92]
    vldr d3, [sp, #84]
    vldr d2, [sp, #76]
    vldr d1, [sp, #68]
    vldr d0, [sp, #60]
    ldr r0, [sp, #56]
    vmsr fpscr, r0
nofp2:
    ldr r0, [sp, #52]
    msr apsr_nzcvq, r0
    ldr r12, [sp, #48]
    ldr r11, [sp, #44]
    ldr r9, [sp, #40]
    ldr r8, [sp, #36]
    ldr r7, [sp, #32]
    ldr r6, [sp, #28]
    ldr r5, [sp, #24]
    ldr r4, [sp, #20]
    ldr r3, [sp, #16]
    ldr r2, [sp, #12]
    ldr r1, [sp, #8]
    ldr r0, [sp, #4]
    ldr lr, [sp, #188]
    ldr pc, [sp], #192
    udf #0

// func asyncPreempt2()   (ABI0)
// gp.asyncSafePoint = true; mcall(preemptPark) if gp.preemptStop, else
// mcall(gopreempt_m); when the goroutine runs again, gp.asyncSafePoint =
// false. The first and last steps are host functions
// (runtime.asyncPreempt2.fn returns the funcval to mcall).
// Clobbers: R0-R9, R11, R12, LR (asyncPreempt saved them).
// Ports preempt.go:302-311, compiled by hand.
TEXT runtime.asyncPreempt2(SB), $4-0
    str lr, [sp, #-8]!              // frame: 0 LR, 4 mcall's argument
    bl runtime.asyncPreempt2.fn     // 4(R13) = &preemptPark or &gopreempt_m (a funcval)
    bl runtime.mcall
    bl runtime.asyncPreempt2.done
    ldr pc, [sp], #8
