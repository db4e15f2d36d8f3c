// Goroutine switching stubs for amd64: gogo, mcall, systemstack and friends.
// Ports of go1.19 src/runtime/asm_amd64.s, written in Keystone's Intel syntax.
// Struct offsets use go_asm.h names (g_sched, gobuf_sp, m_g0, ...): the linker
// substitutes their go1.19 values. The g lives in R14 and in the TLS slot
// FS:-8 (get_tls(CX) + g(CX) in Go's source is what Go's linker turns into
// FS:-8 for a static executable, so get_tls emits no instruction here either).
// TLS is written `fs:[riz*1 - 8]`: that form gives Go's own encoding
// (64 48 8b 04 25 f8 ff ff ff); a plain `fs:[0xff..f8]` load into RAX would
// become a movabs with a 64-bit address.

// func gogo(buf *gobuf)   (ABI0: buf at 8(SP))
// Check that buf.g is not nil, then continue in gogo<>.
// Clobbers: BX (buf), DX (buf.g), CX.
// Ports asm_amd64.s:399-403 (runtime·gogo).
TEXT runtime.gogo(SB), NOSPLIT, $0-8
    mov rbx, qword ptr [rsp + 8]            // BX = buf
    mov rdx, qword ptr [rbx + gobuf_g]      // DX = buf.g
    mov rcx, qword ptr [rdx]                // fault here if buf.g == nil
    jmp runtime.gogo<>

// gogo<>: install buf.g as g (TLS and R14), restore SP, ret, ctxt and BP from
// the gobuf, clear those fields, and jump to buf.pc.
// In: BX = buf, DX = buf.g. Clobbers: AX, BX, CX, DX, BP, SP, R14.
// Ports asm_amd64.s:405-418 (gogo<>).
TEXT runtime.gogo<>(SB), NOSPLIT, $0
    mov qword ptr fs:[riz*1 - 8], rdx   // TLS g = buf.g
    mov r14, rdx                            // the g register
    mov rsp, qword ptr [rbx + gobuf_sp]
    mov rax, qword ptr [rbx + gobuf_ret]
    mov rdx, qword ptr [rbx + gobuf_ctxt]
    mov rbp, qword ptr [rbx + gobuf_bp]
    mov qword ptr [rbx + gobuf_sp], 0       // cleared so the GC would not see stale values
    mov qword ptr [rbx + gobuf_ret], 0
    mov qword ptr [rbx + gobuf_ctxt], 0
    mov qword ptr [rbx + gobuf_bp], 0
    mov rbx, qword ptr [rbx + gobuf_pc]
    jmp rbx

// func mcall(fn func(*g))   (ABIInternal: fn in AX)
// Save the caller's PC, SP and BP in g.sched, switch to g0 and its stack, and
// call fn(g) there. fn must not return (it ends in gogo).
// Clobbers: everything (does not return to its caller).
// Ports asm_amd64.s:424-451 (runtime·mcall<ABIInternal>).
TEXT runtime.mcall(SB), NOSPLIT, $0-8
    mov rdx, rax                            // DX = fn (closure context)
    mov rbx, qword ptr [rsp]                // the caller's PC
    mov qword ptr [r14 + g_sched + gobuf_pc], rbx
    lea rbx, [rsp + 8]                      // the caller's SP (after our return)
    mov qword ptr [r14 + g_sched + gobuf_sp], rbx
    mov qword ptr [r14 + g_sched + gobuf_bp], rbp
    mov rbx, qword ptr [r14 + g_m]
    mov rsi, qword ptr [rbx + m_g0]         // SI = g.m.g0
    cmp rsi, r14                            // mcall on g0 is a bug
    jne goodm
    jmp runtime.badmcall
goodm:
    mov rax, r14                            // AX = fn's argument: the old g
    mov r14, rsi                            // g = g0
    mov qword ptr fs:[riz*1 - 8], r14
    mov rsp, qword ptr [r14 + g_sched + gobuf_sp]   // g0's stack
    push rax                                // fn's argument spill slot
    mov r12, qword ptr [rdx]                // fn.fn
    call r12
    pop rax
    jmp runtime.badmcall2                   // fn returned: a bug
    ret

// func systemstack_switch()
// Never runs; its address is what a goroutine's g.sched.pc holds while it is
// on the system stack, so that it looks like a call of this function.
// Ports asm_amd64.s:458-459.
TEXT runtime.systemstack_switch(SB), NOSPLIT, $0-0
    ret

// func systemstack(fn func())   (ABI0: fn at 8(SP))
// Run fn on the g0 stack. Already on g0 or gsignal: tail-call fn. On the
// user goroutine (m.curg): save its state with gosave_systemstack_switch<>,
// switch to g0, call fn, switch back. R14 is left holding g0 on return; the
// ABIInternal caller reloads it from TLS (as Go's ABI wrappers do).
// Clobbers: AX, BX, CX, DX, DI, R9, R14.
// Ports asm_amd64.s:462-516 (runtime·systemstack).
TEXT runtime.systemstack(SB), NOSPLIT, $0-8
    mov rdi, qword ptr [rsp + 8]            // DI = fn
    mov rax, qword ptr fs:[riz*1 - 8]   // AX = g
    mov rbx, qword ptr [rax + g_m]          // BX = m
    cmp rax, qword ptr [rbx + m_gsignal]
    je noswitch
    mov rdx, qword ptr [rbx + m_g0]         // DX = g0
    cmp rax, rdx
    je noswitch
    cmp rax, qword ptr [rbx + m_curg]
    jne bad
    call runtime.gosave_systemstack_switch<>    // g.sched = "in systemstack_switch"
    mov qword ptr fs:[riz*1 - 8], rdx  // g = g0
    mov r14, rdx
    mov rbx, qword ptr [rdx + g_sched + gobuf_sp]
    mov rsp, rbx                            // g0's stack
    mov rdx, rdi                            // closure context
    mov rdi, qword ptr [rdi]                // fn.fn
    call rdi
    mov rax, qword ptr fs:[riz*1 - 8]   // back: g = m.curg
    mov rbx, qword ptr [rax + g_m]
    mov rax, qword ptr [rbx + m_curg]
    mov qword ptr fs:[riz*1 - 8], rax
    mov rsp, qword ptr [rax + g_sched + gobuf_sp]
    mov qword ptr [rax + g_sched + gobuf_sp], 0
    ret
noswitch:
    mov rdx, rdi                            // tail call: same stack, fn's context in DX
    mov rdi, qword ptr [rdi]
    jmp rdi
bad:
    mov rax, runtime.badsystemstack         // g is neither g0, gsignal nor curg
    call rax
    int3

// gosave_systemstack_switch<>: record in g.sched that g is "inside"
// systemstack_switch, with SP and BP of systemstack's caller frame.
// Asserts that g.sched.ctxt is 0. Clobbers: R9.
// Ports asm_amd64.s:771-783.
TEXT runtime.gosave_systemstack_switch<>(SB), NOSPLIT, $0
    mov r9, runtime.systemstack_switch
    mov qword ptr [r14 + g_sched + gobuf_pc], r9
    lea r9, [rsp + 8]
    mov qword ptr [r14 + g_sched + gobuf_sp], r9
    mov qword ptr [r14 + g_sched + gobuf_ret], 0
    mov qword ptr [r14 + g_sched + gobuf_bp], rbp
    mov r9, qword ptr [r14 + g_sched + gobuf_ctxt]
    test r9, r9
    jz ok
    call runtime.abort
ok:
    ret

// func goexit()
// The return address of every goroutine's top frame points at goexit+1
// (PCQuantum): returning from the goroutine's function lands on the CALL,
// which finishes the goroutine in goexit1 (mcall(goexit0)).
// Ports asm_amd64.s:1593-1597.
TEXT runtime.goexit(SB), NOSPLIT|TOPFRAME, $0-0
    nop                                     // goexit+0: never executed
    call runtime.goexit1                    // does not return
    nop
