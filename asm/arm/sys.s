// System calls the compiled program makes itself (the runtime's own ones are
// in boot.s).

// func write1(fd uintptr, p unsafe.Pointer, n int32) int32   (ABI0: fd at 4(R13), p at 8, n at 12; result at 16)
// The write system call: fmt's output to os.Stdout (fd 1).
// Clobbers: R0-R2, R7.
// Ports sys_linux_arm.s:82-89 (runtime·write1).
TEXT runtime.write1(SB), NOSPLIT|NOFRAME, $0-16
    ldr r0, [sp, #4]                // fd
    ldr r1, [sp, #8]                // p
    ldr r2, [sp, #12]               // n
    mov r7, #4                      // SYS_write
    svc #0
    str r0, [sp, #16]
    bx lr
