// System calls the compiled program makes itself (the runtime's own ones are
// in boot.s).

// func write1(fd uintptr, p unsafe.Pointer, n int32) int32   (fd in AX, p in BX, n in CX; result in AX)
// The write system call: fmt's output to os.Stdout (fd 1). Go's write1 is
// ABI0 (arguments on the stack) and compiled code reaches it through its
// ABIInternal wrapper; this stub is that wrapper and the function in one.
// Clobbers: AX, CX, DX, SI, DI, R11 (the syscall instruction).
// Ports sys_linux_amd64.s:98-105 (runtime·write1).
TEXT runtime.write1(SB), NOSPLIT, $0-28
    mov rdi, rax                    // fd
    mov rsi, rbx                    // p
    mov edx, ecx                    // n (32 bits)
    mov eax, 1                      // SYS_write
    syscall
    ret
