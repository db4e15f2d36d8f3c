// The futex system call and the waits built on it, for amd64: the runtime's
// syscall stub (ABI0, arguments from 8(SP)), futexsleep as the Go compiler
// would build it (ABIInternal: AX, BX, CX), and the glue through which the
// host functions runtime.notesleep and runtime.notetsleep wait: a host
// function cannot wait, so it ends by tail-calling this glue, which sleeps in
// the futex syscall (the OS parks the thread) and then jumps back into a host
// function that looks at the note again (DESIGN.md, "Waiting is a syscall").
// Ports of go1.19 sys_linux_amd64.s, os_linux.go and lock_futex.go.

// func futex(addr unsafe.Pointer, op int32, val uint32, ts, addr2 unsafe.Pointer, val3 uint32) int32
// The futex system call. ABI0: addr at 8(SP), op 16, val 20, ts 24, addr2 32,
// val3 40; the result (0 or -errno) at 48.
// Clobbers: AX, DX, SI, DI, R8, R9, R10.
// Ports sys_linux_amd64.s:549-561.
TEXT runtime.futex(SB), NOSPLIT, $0
    mov rdi, qword ptr [rsp + 8]
    mov esi, dword ptr [rsp + 16]
    mov edx, dword ptr [rsp + 20]
    mov r10, qword ptr [rsp + 24]
    mov r8, qword ptr [rsp + 32]
    mov r9d, dword ptr [rsp + 40]
    mov eax, 202                        // SYS_futex
    syscall
    mov dword ptr [rsp + 48], eax
    ret

// func futexsleep(addr *uint32, val uint32, ns int64)   (ABIInternal: AX, BX, CX)
// Sleep while *addr == val, at most ns nanoseconds (ns < 0: no limit), with
// FUTEX_WAIT_PRIVATE; the result is ignored (a wake-up may be spurious: the
// caller checks its condition again). The timespec is ns split by 1e9.
// Clobbers: AX, BX, CX, DX, SI, DI, R8, R9, R10.
// Ports os_linux.go:62-76 and defs_linux_amd64.go:113-116 (setNsec), compiled by hand.
TEXT runtime.futexsleep(SB), $72-16
    push rbp
    mov rbp, rsp
    sub rsp, 64                         // futex's arguments and result 0-47, ts 48-63
    mov qword ptr [rsp], rax            // addr
    mov dword ptr [rsp + 8], const__FUTEX_WAIT_PRIVATE
    mov dword ptr [rsp + 12], ebx       // val
    mov qword ptr [rsp + 16], 0         // ts = nil
    mov qword ptr [rsp + 24], 0         // addr2
    mov dword ptr [rsp + 32], 0         // val3
    test rcx, rcx
    js wait                             // ns < 0: no timeout
    mov rax, rcx                        // ts.setNsec(ns)
    xor edx, edx
    mov ecx, 1000000000
    div rcx
    mov qword ptr [rsp + 48], rax       // tv_sec = ns / 1e9
    mov qword ptr [rsp + 56], rdx       // tv_nsec = ns % 1e9
    lea rax, [rsp + 48]
    mov qword ptr [rsp + 16], rax       // ts = &ts
wait:
    call runtime.futex
    add rsp, 64
    pop rbp
    ret

// notesleep_futex<>: the sleep in lock_futex.go notesleep's loop. Entered by
// a tail call from the host function runtime.notesleep (which found the note
// not yet signalled), with its argument in place (AX = n) and its caller's
// return address on the stack: futexsleep(&n.key, 0, -1), then back into
// runtime.notesleep, which checks the note again.
// Clobbers: as futexsleep.
// Ports lock_futex.go:158-165 (the sleep; the test of the loop is the host function).
TEXT runtime.notesleep_futex<>(SB), $16-8
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov qword ptr [rsp], rax            // keep n
    add rax, note_key                   // futexsleep(key32(&n.key), 0, -1)
    xor ebx, ebx
    mov rcx, -1
    call runtime.futexsleep
    mov rax, qword ptr [rsp]
    add rsp, 8
    pop rbp
    jmp runtime.notesleep               // look at the note again

// notetsleep_futex<>: the sleep in lock_futex.go notetsleep_internal's loops.
// Entered by a tail call from the host function runtime.notetsleep or
// runtime.notetsleep.recheck with (AX = n, BX = ns, the time left) and the
// caller's return address on the stack: futexsleep(&n.key, 0, ns), then into
// runtime.notetsleep.recheck with the same arguments, which decides whether
// to sleep again or to return notetsleep's result to its caller.
// Clobbers: as futexsleep.
// Ports lock_futex.go:181-188 and 197-215 (the sleeps; the tests of the loops are the host functions).
TEXT runtime.notetsleep_futex<>(SB), $24-16
    push rbp
    mov rbp, rsp
    sub rsp, 16
    mov qword ptr [rsp], rax            // keep n
    mov qword ptr [rsp + 8], rbx        // keep ns
    mov rcx, rbx                        // futexsleep(key32(&n.key), 0, ns)
    add rax, note_key
    xor ebx, ebx
    call runtime.futexsleep
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    add rsp, 16
    pop rbp
    jmp runtime.notetsleep.recheck
