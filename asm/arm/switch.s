// Goroutine switching stubs for arm (GOARM=7): gogo, mcall, systemstack and friends.
// Ports of go1.19 src/runtime/asm_arm.s (and tls_arm.s for save_g), written in
// Keystone's UAL syntax. Struct offsets use go_asm.h names; the linker
// substitutes their go1.19 values. The g lives in R10 (Go's assembler calls it
// "g"); LR is R14. Go's ABI0 frame on arm keeps the saved LR at 0(R13) and
// arguments from 4(R13). Encodings follow what Go's assembler emits:
// `B (R11)` is `add pc, r11, #0`, `RET` is `add pc, lr, #0`, `BL (R0)` is
// `blx r0`, and a frame's prologue `MOVW.W R14, -4(R13)` is `str lr, [sp, #-4]!`.

// func gogo(buf *gobuf)   (NOFRAME: buf at 4(R13))
// Check that buf.g is not nil, then continue in gogo<>.
// Clobbers: R0 (buf.g), R1 (buf), R2.
// Ports asm_arm.s:219-223 (runtime·gogo).
TEXT runtime.gogo(SB), NOSPLIT|NOFRAME, $0-4
    ldr r1, [sp, #4]                // R1 = buf
    ldr r0, [r1, #gobuf_g]          // R0 = buf.g
    ldr r2, [r0]                    // fault here if buf.g == nil
    b runtime.gogo<>

// gogo<>: make buf.g the current g, restore SP, LR, ret and ctxt from the
// gobuf, clear those fields, set Z (a stack-split check after the jump relies
// on it) and jump to buf.pc. In: R0 = buf.g, R1 = buf (kept through setg<>).
// Clobbers: R0, R7, R10, R11, LR, SP, flags.
// Ports asm_arm.s:225-238 (gogo<>).
TEXT runtime.gogo<>(SB), NOSPLIT|NOFRAME, $0
    bl runtime.setg<>
    ldr sp, [r1, #gobuf_sp]
    ldr lr, [r1, #gobuf_lr]
    ldr r0, [r1, #gobuf_ret]
    ldr r7, [r1, #gobuf_ctxt]
    mov r11, #0
    str r11, [r1, #gobuf_sp]        // cleared so the GC would not see stale values
    str r11, [r1, #gobuf_ret]
    str r11, [r1, #gobuf_lr]
    str r11, [r1, #gobuf_ctxt]
    ldr r11, [r1, #gobuf_pc]
    cmp r11, r11
    add pc, r11, #0                 // B (R11)

// func mcall(fn func(*g))   (NOFRAME: fn at 4(R13))
// Save the caller's SP and PC (= LR) in g.sched with lr = 0, switch to g0 and
// its stack, and call fn(g) with g at 4(R13) and fn in R7. fn must not return.
// Clobbers: everything (does not return to its caller).
// Ports asm_arm.s:244-267 (runtime·mcall).
TEXT runtime.mcall(SB), NOSPLIT|NOFRAME, $0-4
    str sp, [r10, #g_sched + gobuf_sp]
    str lr, [r10, #g_sched + gobuf_pc]
    mov r11, #0
    str r11, [r10, #g_sched + gobuf_lr]
    mov r1, r10                     // R1 = old g
    ldr r8, [r10, #g_m]
    ldr r0, [r8, #m_g0]
    bl runtime.setg<>               // g = g0
    cmp r10, r1                     // mcall on g0 is a bug
    bne goodm
    b runtime.badmcall
goodm:
    ldr r0, [sp, #4]                // R0 = fn (still read from the old stack)
    ldr sp, [r10, #g_sched + gobuf_sp]
    sub sp, sp, #8
    str r1, [sp, #4]                // fn's argument: the old g
    mov r7, r0                      // closure context
    ldr r0, [r0]                    // fn.fn
    blx r0
    b runtime.badmcall2             // fn returned: a bug
    add pc, lr, #0

// func systemstack_switch()
// Never runs; gosave_systemstack_switch<> records systemstack_switch+4 (past
// the push of LR) as the PC of a goroutine that is on the system stack.
// Ports asm_arm.s:274-277 (with the prologue/epilogue Go's assembler adds).
TEXT runtime.systemstack_switch(SB), NOSPLIT, $0-0
    str lr, [sp, #-4]!
    mov r0, #0
    blx r0                          // clobbers LR so that the push of LR is kept
    ldr pc, [sp], #4

// func systemstack(fn func())   (has a frame: push {lr}; fn at 8(R13) after it)
// Run fn on the g0 stack. Already on g0 or gsignal: tail-call fn. On the
// user goroutine (m.curg): save its state with gosave_systemstack_switch<>,
// switch to g0, call fn, switch back.
// Clobbers: R0-R3, R5, R7, R10, R11, LR.
// Ports asm_arm.s:280-334 (runtime·systemstack).
TEXT runtime.systemstack(SB), NOSPLIT, $0-4
    str lr, [sp, #-4]!              // prologue: MOVW.W R14, -4(R13)
    ldr r0, [sp, #8]                // R0 = fn
    ldr r1, [r10, #g_m]             // R1 = m
    ldr r2, [r1, #m_gsignal]
    cmp r10, r2
    beq noswitch
    ldr r2, [r1, #m_g0]             // R2 = g0
    cmp r10, r2
    beq noswitch
    ldr r3, [r1, #m_curg]
    cmp r10, r3
    beq switch
    ldr r0, =runtime.badsystemstack // g is neither g0, gsignal nor curg
    blx r0
    b runtime.abort
switch:
    bl runtime.gosave_systemstack_switch<>  // g.sched = "in systemstack_switch"
    mov r5, r0
    mov r0, r2
    bl runtime.setg<>               // g = g0
    mov r0, r5
    ldr sp, [r2, #g_sched + gobuf_sp]
    mov r7, r0                      // closure context
    ldr r0, [r0]                    // fn.fn
    blx r0
    ldr r1, [r10, #g_m]             // back: g = m.curg
    ldr r0, [r1, #m_curg]
    bl runtime.setg<>
    ldr sp, [r10, #g_sched + gobuf_sp]
    mov r3, #0
    str r3, [r10, #g_sched + gobuf_sp]
    ldr pc, [sp], #4                // epilogue: pop {pc}
noswitch:
    mov r7, r0                      // tail call: same stack, fn's context in R7
    ldr r0, [r0]
    ldr lr, [sp], #4                // undo the prologue: MOVW.P 4(R13), R14
    add pc, r0, #0                  // B (R0)

// gosave_systemstack_switch<>: record in g.sched that g is "inside"
// systemstack_switch (PC past its push of LR), with SP = the caller's SP,
// lr = ret = 0. Asserts that g.sched.ctxt is 0. Clobbers: R11.
// Ports asm_arm.s:521-534.
TEXT runtime.gosave_systemstack_switch<>(SB), NOSPLIT|NOFRAME, $0
    ldr r11, =runtime.systemstack_switch
    add r11, r11, #4
    str r11, [r10, #g_sched + gobuf_pc]
    str sp, [r10, #g_sched + gobuf_sp]
    mov r11, #0
    str r11, [r10, #g_sched + gobuf_lr]
    str r11, [r10, #g_sched + gobuf_ret]
    ldr r11, [r10, #g_sched + gobuf_ctxt]
    tst r11, r11
    beq ok
    bl runtime.abort
ok:
    add pc, lr, #0

// func setg(gg *g)   (NOFRAME: gg at 4(R13))
// Ports asm_arm.s:739-741.
TEXT runtime.setg(SB), NOSPLIT|NOFRAME, $0-4
    ldr r0, [sp, #4]
    b runtime.setg<>

// setg<>: g = R0. With cgo the g would also be stored in TLS through save_g;
// in a static CGO_ENABLED=0 program iscgo is 0 and TLS is not involved.
// In: R0. Out: R0 = g. Clobbers: R0 (and R11 via save_g with cgo).
// Ports asm_arm.s:743-759 (the linux branch).
TEXT runtime.setg<>(SB), NOSPLIT|NOFRAME, $0-0
    mov r10, r0
    ldr r0, =runtime.iscgo
    ldrb r0, [r0]
    cmp r0, #0
    beq nocgo
    b runtime.save_g
nocgo:
    mov r0, r10
    add pc, lr, #0

// save_g: store g in this thread's TLS g slot (TPIDRURO points at m.tls[0]
// here, so the slot offset runtime.tls_g of Go's tls_arm.s is 0).
// Clobbers: R0. Ports tls_arm.s:32-44 (the non-Android path).
TEXT runtime.save_g(SB), NOSPLIT|NOFRAME, $0
    mrc p15, 0, r0, c13, c0, 3      // TPIDRURO
    str r10, [r0]
    add pc, lr, #0

// var iscgo bool: always false (gogo-emu programs are static, without cgo).
TEXT runtime.iscgo(SB), RODATA, $1
    .byte 0
    .byte 0
    .byte 0
    .byte 0

// func goexit()
// Every goroutine starts with LR = goexit+4 (PCQuantum): returning from the
// goroutine's function lands on the BL, which finishes the goroutine in
// goexit1 (mcall(goexit0)).
// Ports asm_arm.s:830-834.
TEXT runtime.goexit(SB), NOSPLIT|NOFRAME|TOPFRAME, $0-0
    mov r0, r0                      // goexit+0: never executed
    bl runtime.goexit1              // does not return
    mov r0, r0
