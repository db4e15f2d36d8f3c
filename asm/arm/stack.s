// Stack growth for arm: the prologue of every Go function with a stack check
// calls morestack (or morestack_noctxt) with LR = f's resume point and R3 =
// f's own LR when SP is at or below g.stackguard0. Ports of go1.19
// src/runtime/asm_arm.s.

// func morestack()   (NOFRAME; called with the special convention above)
// Record f's context in g.sched (SP, PC = LR, lr = R3, ctxt = R7) and f's
// caller in m.morebuf, switch to g0 and its stack, push a zero saved-LR slot
// and call newstack, which grows (copies) the stack and resumes f through
// gogo(&g.sched). Never returns.
// Clobbers: R0, R4, R8, R10, SP, LR.
// Ports asm_arm.s:348-387.
TEXT runtime.morestack(SB), NOSPLIT|NOFRAME, $0-0
    ldr r8, [r10, #g_m]             // no growing the scheduler stack
    ldr r4, [r8, #m_g0]
    cmp r10, r4
    bne notg0
    bl runtime.badmorestackg0
    b runtime.abort
notg0:
    ldr r4, [r8, #m_gsignal]        // nor the signal stack
    cmp r10, r4
    bne notgsignal
    bl runtime.badmorestackgsignal
    b runtime.abort
notgsignal:
    str sp, [r10, #g_sched + gobuf_sp]  // g.sched = f's context
    str lr, [r10, #g_sched + gobuf_pc]
    str r3, [r10, #g_sched + gobuf_lr]
    str r7, [r10, #g_sched + gobuf_ctxt]
    str r3, [r8, #m_morebuf + gobuf_pc] // m.morebuf = f's caller
    str sp, [r8, #m_morebuf + gobuf_sp]
    str r10, [r8, #m_morebuf + gobuf_g]
    ldr r0, [r8, #m_g0]             // switch to g0 and its stack
    bl runtime.setg<>
    ldr sp, [r10, #g_sched + gobuf_sp]
    mov r0, #0
    str r0, [sp, #-4]!              // a call frame on g0 (saved LR slot)
    bl runtime.newstack
    add pc, lr, #0                  // not reached

// func morestack_noctxt()
// morestack for functions that are not closures: there is no context to keep.
// Ports asm_arm.s:389-398.
TEXT runtime.morestack_noctxt(SB), NOSPLIT|NOFRAME, $0-0
    mov sp, sp                      // SPWRITE marker, as in Go
    mov r7, #0
    b runtime.morestack
