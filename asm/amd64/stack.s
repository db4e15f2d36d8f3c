// Stack growth for amd64: the prologue of every Go function with a stack
// check calls morestack (or morestack_noctxt) when SP is at or below
// g.stackguard0. Ports of go1.19 src/runtime/asm_amd64.s.

// func morestack()   (called from a function prologue; no arguments)
// Record f's context in g.sched (PC/SP/BP/ctxt at the call) and f's caller in
// m.morebuf, switch to g0's stack and call newstack, which grows (copies) the
// stack and resumes f through gogo(&g.sched). R14 is not switched here; the
// newstack wrapper works from TLS, as in Go. Never returns.
// In: [SP] = f's resume PC, [SP+8] = f's caller's PC, DX = f's closure context.
// Clobbers: AX, BX, CX, SI, SP.
// Ports asm_amd64.s:529-572.
TEXT runtime.morestack(SB), NOSPLIT, $0-0
    mov rbx, qword ptr fs:[riz*1 - 8]   // BX = g
    mov rbx, qword ptr [rbx + g_m]      // BX = m
    mov rsi, qword ptr [rbx + m_g0]     // no growing the scheduler stack
    cmp rsi, qword ptr fs:[riz*1 - 8]
    jne notg0
    call runtime.badmorestackg0
    call runtime.abort
notg0:
    mov rsi, qword ptr [rbx + m_gsignal] // nor the signal stack
    cmp rsi, qword ptr fs:[riz*1 - 8]
    jne notgsignal
    call runtime.badmorestackgsignal
    call runtime.abort
notgsignal:
    mov rax, qword ptr [rsp + 8]        // m.morebuf = f's caller
    mov qword ptr [rbx + m_morebuf + gobuf_pc], rax
    lea rax, [rsp + 16]
    mov qword ptr [rbx + m_morebuf + gobuf_sp], rax
    mov rsi, qword ptr fs:[riz*1 - 8]
    mov qword ptr [rbx + m_morebuf + gobuf_g], rsi
    mov rax, qword ptr [rsp]            // g.sched = f's context
    mov qword ptr [rsi + g_sched + gobuf_pc], rax
    lea rax, [rsp + 8]
    mov qword ptr [rsi + g_sched + gobuf_sp], rax
    mov qword ptr [rsi + g_sched + gobuf_bp], rbp
    mov qword ptr [rsi + g_sched + gobuf_ctxt], rdx
    mov rbx, qword ptr [rbx + m_g0]     // switch to g0 and its stack
    mov qword ptr fs:[riz*1 - 8], rbx
    mov rsp, qword ptr [rbx + g_sched + gobuf_sp]
    call runtime.newstack
    call runtime.abort                  // newstack does not return
    ret

// func morestack_noctxt()
// morestack for functions that are not closures: there is no context to keep.
// Ports asm_amd64.s:575-577.
TEXT runtime.morestack_noctxt(SB), NOSPLIT, $0
    mov edx, 0
    jmp runtime.morestack
