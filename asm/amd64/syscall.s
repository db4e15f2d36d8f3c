// System calls as Go makes them, for amd64: runtime.entersyscall and
// runtime.exitsyscall around the host functions of src/runtime/syscall.ts,
// package syscall's Syscall / RawSyscall / RawSyscall6 / rawSyscallNoError,
// and the functions a program calls (syscall.Pipe, Read, Write, Close,
// Nanosleep, Getpid; os.Getpid), compiled by hand as gc compiles them
// (ABIInternal: arguments and results in AX, BX, CX, DI, SI, R8, R9, ...).
// A function that may block in the kernel goes through Syscall, so its P is
// _Psyscall while the thread waits; the RawSyscall ones (pipe2, getpid)
// do not, as in go1.19.

// func entersyscall()   (ABIInternal, nosplit)
// reentersyscall(getcallerpc(), getcallersp()): the host function saves
// them in g.syscallpc/syscallsp and g.sched and puts the P in _Psyscall.
// Clobbers: AX, BX.
// Ports proc.go:3678-3680, compiled by hand.
TEXT runtime.entersyscall(SB), NOSPLIT, $8-0
    push rbp
    mov rbp, rsp
    mov rax, qword ptr [rsp + 8]        // getcallerpc(): our return address
    lea rbx, [rsp + 16]                 // getcallersp(): the caller's SP before its CALL
    call runtime.reentersyscall
    pop rbp
    ret

// func exitsyscall()   (ABIInternal, nosplit)
// runtime.exitsyscall.fast is exitsyscall up to its mcall: 0 when
// exitsyscallfast got a P (the call is over), else the funcval of
// exitsyscall0, which mcall runs on g0; the goroutine comes back here when
// it is scheduled again, and runtime.exitsyscall.after finishes.
// Clobbers: every register but SP and BP when it goes through mcall; else AX.
// Ports proc.go:3773-3854, compiled by hand.
TEXT runtime.exitsyscall(SB), NOSPLIT, $8-0
    push rbp
    mov rbp, rsp
    lea rax, [rsp + 16]                 // getcallersp(), checked against g.syscallsp
    call runtime.exitsyscall.fast
    test rax, rax
    jz done
    call runtime.mcall                  // mcall(exitsyscall0)
    call runtime.exitsyscall.after
done:
    pop rbp
    ret

// func RawSyscall6(num, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, errno uintptr)   (ABIInternal)
// The system call instruction: arguments moved from Go's registers to the
// kernel's (DI, SI, DX, R10, R8, R9; the number in AX); a result in
// [-4095, -1] is -errno. syscall.RawSyscall6 is this function by linkname.
// Clobbers: AX, BX, CX, DX, SI, DI, R10, R11.
// Ports runtime/internal/syscall/asm_linux_amd64.s:27-47 (Syscall6).
TEXT syscall.RawSyscall6(SB), NOSPLIT, $0
    mov r10, rsi                        // a4
    mov rdx, rdi                        // a3
    mov rsi, rcx                        // a2
    mov rdi, rbx                        // a1
    syscall                             // num already in AX
    cmp rax, -4095                      // 0xfffffffffffff001
    jbe ok
    neg rax
    mov rcx, rax                        // errno
    mov rax, -1                         // r1
    mov ebx, 0                          // r2
    ret
ok:
    mov rbx, rdx                        // r2
    mov ecx, 0                          // errno
    ret

// func RawSyscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)   (ABIInternal, nosplit)
// RawSyscall6(trap, a1, a2, a3, 0, 0, 0): no entersyscall (pipe2 and
// other calls that never block).
// Clobbers: as RawSyscall6.
// Ports syscall/syscall_linux.go:60-62, compiled by hand.
TEXT syscall.RawSyscall(SB), NOSPLIT, $8-56
    push rbp
    mov rbp, rsp
    xor esi, esi
    xor r8d, r8d
    xor r9d, r9d
    call syscall.RawSyscall6
    pop rbp
    ret

// func Syscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)   (ABIInternal, nosplit)
// entersyscall(); RawSyscall6(trap, a1, a2, a3, 0, 0, 0); exitsyscall():
// the goroutine is _Gsyscall and its P _Psyscall for the duration of the
// call, and the arguments and results wait in the frame across the calls.
// Clobbers: every register but SP and BP (exitsyscall may schedule).
// Ports syscall/syscall_linux.go:67-84, compiled by hand.
TEXT syscall.Syscall(SB), NOSPLIT, $40-56
    push rbp
    mov rbp, rsp
    sub rsp, 32
    mov qword ptr [rsp], rax            // trap
    mov qword ptr [rsp + 8], rbx        // a1
    mov qword ptr [rsp + 16], rcx       // a2
    mov qword ptr [rsp + 24], rdi       // a3
    call runtime.entersyscall
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    mov rcx, qword ptr [rsp + 16]
    mov rdi, qword ptr [rsp + 24]
    xor esi, esi
    xor r8d, r8d
    xor r9d, r9d
    call syscall.RawSyscall6
    mov qword ptr [rsp], rax            // r1
    mov qword ptr [rsp + 8], rbx        // r2
    mov qword ptr [rsp + 16], rcx       // err
    call runtime.exitsyscall
    mov rax, qword ptr [rsp]
    mov rbx, qword ptr [rsp + 8]
    mov rcx, qword ptr [rsp + 16]
    add rsp, 32
    pop rbp
    ret

// func rawSyscallNoError(trap, a1, a2, a3 uintptr) (r1, r2 uintptr)   (ABI0: trap at 8(SP) ... r1 at 40, r2 at 48)
// A raw system call that cannot fail (getpid).
// Clobbers: AX, CX, DX, SI, DI, R11.
// Ports syscall/asm_linux_amd64.s:38-46.
TEXT syscall.rawSyscallNoError(SB), NOSPLIT, $0-48
    mov rdi, qword ptr [rsp + 16]       // a1
    mov rsi, qword ptr [rsp + 24]       // a2
    mov rdx, qword ptr [rsp + 32]       // a3
    mov rax, qword ptr [rsp + 8]        // trap
    syscall
    mov qword ptr [rsp + 40], rax       // r1
    mov qword ptr [rsp + 48], rdx       // r2
    ret

// func Getpid() (pid int)   (ABIInternal)
// r0, _ := rawSyscallNoError(SYS_GETPID, 0, 0, 0); pid = int(r0).
// Clobbers: AX, CX, DX, SI, DI, R11.
// Ports syscall/zsyscall_linux_amd64.go:460-464, compiled by hand.
TEXT syscall.Getpid(SB), $56-8
    push rbp
    mov rbp, rsp
    sub rsp, 48                         // rawSyscallNoError's arguments and results
    mov qword ptr [rsp], 39             // SYS_GETPID
    mov qword ptr [rsp + 8], 0
    mov qword ptr [rsp + 16], 0
    mov qword ptr [rsp + 24], 0
    call syscall.rawSyscallNoError
    mov rax, qword ptr [rsp + 32]       // r0
    add rsp, 48
    pop rbp
    ret

// func Getpid() int   (os, ABIInternal)
// return syscall.Getpid()
// Clobbers: as syscall.Getpid.
// Ports os/exec.go:78-78 (Getpid), compiled by hand.
TEXT os.Getpid(SB), $8-8
    push rbp
    mov rbp, rsp
    call syscall.Getpid
    pop rbp
    ret

// func Pipe(p []int) error   (ABIInternal: p in AX, BX, CX; the error in AX, BX)
// Pipe2(p, 0), inlined: len(p) != 2 is EINVAL; pipe2(&pp, 0) through
// RawSyscall (pipe2 never blocks: no entersyscall); on success p[0], p[1] =
// pp[0], pp[1]; the error from errnoErr.
// Clobbers: AX, BX, CX, DX, SI, DI, R8-R11.
// Ports syscall/syscall_linux.go:241-258 and syscall/zsyscall_linux_amd64.go:78-84, compiled by hand.
TEXT syscall.Pipe(SB), $24-40
    push rbp
    mov rbp, rsp
    sub rsp, 16                         // 0: pp [2]_C_int, 8: p
    cmp rbx, 2
    jne einval
    mov qword ptr [rsp + 8], rax
    mov eax, 293                        // SYS_PIPE2
    lea rbx, [rsp]                      // &pp
    xor ecx, ecx                        // flags
    xor edi, edi
    call syscall.RawSyscall
    test rcx, rcx
    jnz fail
    mov rdx, qword ptr [rsp + 8]
    movsxd rax, dword ptr [rsp]
    mov qword ptr [rdx], rax            // p[0] = int(pp[0])
    movsxd rax, dword ptr [rsp + 4]
    mov qword ptr [rdx + 8], rax        // p[1] = int(pp[1])
    xor eax, eax                        // nil error
    xor ebx, ebx
    add rsp, 16
    pop rbp
    ret
einval:
    mov ecx, 22                         // EINVAL
fail:
    mov rax, rcx
    call syscall.errnoErr
    add rsp, 16
    pop rbp
    ret

// func Read(fd int, p []byte) (n int, err error)   (ABIInternal: fd AX, p BX/CX/DI; n AX, err BX/CX)
// read(fd, p), inlined: Syscall(SYS_READ, fd, &p[0] (or &_zero when
// empty), len(p)); n = int(r0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but SP and BP (the call may schedule).
// Ports syscall/syscall_unix.go:182-199 and syscall/zsyscall_linux_amd64.go:689-702, compiled by hand.
TEXT syscall.Read(SB), $24-56
    push rbp
    mov rbp, rsp
    sub rsp, 16                         // 0: n
    test rcx, rcx
    jnz nonempty
    mov rbx, syscall._zero              // _p0 = &_zero
nonempty:
    mov rdi, rcx                        // a3 = len(p)
    mov rcx, rbx                        // a2 = _p0
    mov rbx, rax                        // a1 = fd
    mov eax, 0                          // SYS_READ
    call syscall.Syscall
    mov qword ptr [rsp], rax            // n = int(r0)
    test rcx, rcx
    jnz fail
    xor ebx, ebx                        // err = nil
    xor ecx, ecx
    add rsp, 16
    pop rbp
    ret
fail:
    mov rax, rcx
    call syscall.errnoErr               // AX, BX = the error
    mov rcx, rbx
    mov rbx, rax
    mov rax, qword ptr [rsp]
    add rsp, 16
    pop rbp
    ret

// func Write(fd int, p []byte) (n int, err error)   (ABIInternal, as Read)
// write(fd, p), inlined: Syscall(SYS_WRITE, fd, &p[0] (or &_zero), len(p)).
// Clobbers: every register but SP and BP (the call may schedule).
// Ports syscall/syscall_unix.go:201-223 and syscall/zsyscall_linux_amd64.go:917-930, compiled by hand.
TEXT syscall.Write(SB), $24-56
    push rbp
    mov rbp, rsp
    sub rsp, 16                         // 0: n
    test rcx, rcx
    jnz nonempty
    mov rbx, syscall._zero              // _p0 = &_zero
nonempty:
    mov rdi, rcx                        // a3 = len(p)
    mov rcx, rbx                        // a2 = _p0
    mov rbx, rax                        // a1 = fd
    mov eax, 1                          // SYS_WRITE
    call syscall.Syscall
    mov qword ptr [rsp], rax            // n = int(r0)
    test rcx, rcx
    jnz fail
    xor ebx, ebx                        // err = nil
    xor ecx, ecx
    add rsp, 16
    pop rbp
    ret
fail:
    mov rax, rcx
    call syscall.errnoErr               // AX, BX = the error
    mov rcx, rbx
    mov rbx, rax
    mov rax, qword ptr [rsp]
    add rsp, 16
    pop rbp
    ret

// var _zero uintptr: the address a read or write of an empty slice passes
TEXT syscall._zero(SB), RODATA, $8
    .quad 0

// func Close(fd int) (err error)   (ABIInternal: fd AX; err AX, BX)
// Syscall(SYS_CLOSE, fd, 0, 0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but SP and BP.
// Ports syscall/zsyscall_linux_amd64.go:294-300, compiled by hand.
TEXT syscall.Close(SB), $8-24
    push rbp
    mov rbp, rsp
    mov rbx, rax                        // a1 = fd
    mov eax, 3                          // SYS_CLOSE
    xor ecx, ecx
    xor edi, edi
    call syscall.Syscall
    test rcx, rcx
    jnz fail
    xor eax, eax                        // err = nil
    xor ebx, ebx
    pop rbp
    ret
fail:
    mov rax, rcx
    call syscall.errnoErr
    pop rbp
    ret

// func Nanosleep(time *Timespec, leftover *Timespec) (err error)   (ABIInternal: AX, BX; err AX, BX)
// Syscall(SYS_NANOSLEEP, time, leftover, 0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but SP and BP.
// Ports syscall/zsyscall_linux_amd64.go:649-655, compiled by hand.
TEXT syscall.Nanosleep(SB), $8-24
    push rbp
    mov rbp, rsp
    mov rcx, rbx                        // a2 = leftover
    mov rbx, rax                        // a1 = time
    mov eax, 35                         // SYS_NANOSLEEP
    xor edi, edi
    call syscall.Syscall
    test rcx, rcx
    jnz fail
    xor eax, eax                        // err = nil
    xor ebx, ebx
    pop rbp
    ret
fail:
    mov rax, rcx
    call syscall.errnoErr
    pop rbp
    ret
