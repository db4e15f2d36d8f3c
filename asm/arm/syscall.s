// System calls as Go makes them, for arm: runtime.entersyscall and
// runtime.exitsyscall around the host functions of src/runtime/syscall.ts,
// package syscall's Syscall / RawSyscall / RawSyscall6 / rawSyscallNoError,
// and the functions a program calls (syscall.Pipe, Read, Write, Close,
// Nanosleep, Getpid; os.Getpid), compiled by hand as gc compiles them
// (ABI0: arguments and results on the stack from 4(R13) at entry; each
// frame saves LR at 0(R13)). A function that may block in the kernel goes
// through Syscall, so its P is _Psyscall while the thread waits; the
// RawSyscall ones (pipe2, getpid) do not, as in go1.19.

// func entersyscall()   (ABI0, nosplit)
// reentersyscall(getcallerpc(), getcallersp()): the host function saves
// them in g.syscallpc/syscallsp and g.sched and puts the P in _Psyscall.
// Clobbers: R0.
// Ports proc.go:3678-3680, compiled by hand.
TEXT runtime.entersyscall(SB), NOSPLIT, $8-0
    str lr, [sp, #-12]!             // frame: 0 LR, 4 pc, 8 sp (reentersyscall's arguments)
    str lr, [sp, #4]                // getcallerpc(): our return address
    add r0, sp, #12                 // getcallersp(): SP at our entry
    str r0, [sp, #8]
    bl runtime.reentersyscall
    ldr pc, [sp], #12

// func exitsyscall()   (ABI0, nosplit)
// runtime.exitsyscall.fast is exitsyscall up to its mcall: 0 when
// exitsyscallfast got a P (the call is over), else the funcval of
// exitsyscall0, which mcall runs on g0; the goroutine comes back here when
// it is scheduled again, and runtime.exitsyscall.after finishes.
// Clobbers: every register but R10 and R13 when it goes through mcall; else R0.
// Ports proc.go:3773-3854, compiled by hand.
TEXT runtime.exitsyscall(SB), NOSPLIT, $8-0
    str lr, [sp, #-12]!             // frame: 0 LR, 4 argument, 8 result
    add r0, sp, #12                 // getcallersp(), checked against g.syscallsp
    str r0, [sp, #4]
    bl runtime.exitsyscall.fast     // 8(R13) = 0, or &exitsyscall0 (a funcval)
    ldr r0, [sp, #8]
    cmp r0, #0
    beq done
    str r0, [sp, #4]
    bl runtime.mcall                // mcall(exitsyscall0)
    bl runtime.exitsyscall.after
done:
    ldr pc, [sp], #12

// func RawSyscall6(num, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, errno uintptr)   (ABI0: num at 4(R13) ... r1 at 32, r2 36, errno 40)
// The system call instruction (number in R7, arguments in R0-R5); a
// result in [-4095, -1] is -errno. syscall.RawSyscall6 is this function
// by linkname.
// Clobbers: R0-R7.
// Ports runtime/internal/syscall/asm_linux_arm.s:8-32 (Syscall6).
TEXT syscall.RawSyscall6(SB), NOSPLIT|NOFRAME, $0-40
    ldr r7, [sp, #4]                // num
    ldr r0, [sp, #8]                // a1
    ldr r1, [sp, #12]
    ldr r2, [sp, #16]
    ldr r3, [sp, #20]
    ldr r4, [sp, #24]
    ldr r5, [sp, #28]               // a6
    svc #0
    ldr r6, =0xfffff001
    cmp r0, r6
    bls ok
    mvn r1, #0
    str r1, [sp, #32]               // r1 = -1
    mov r2, #0
    str r2, [sp, #36]               // r2 = 0
    rsb r0, r0, #0
    str r0, [sp, #40]               // errno
    bx lr
ok:
    str r0, [sp, #32]
    str r1, [sp, #36]
    mov r0, #0
    str r0, [sp, #40]
    bx lr

// func RawSyscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)   (ABI0: trap at 4(R13) ... r1 at 20, r2 24, err 28)
// RawSyscall6(trap, a1, a2, a3, 0, 0, 0): no entersyscall (pipe2 and
// other calls that never block).
// Clobbers: as RawSyscall6.
// Ports syscall/syscall_linux.go:60-62, compiled by hand.
TEXT syscall.RawSyscall(SB), NOSPLIT, $40-28
    str lr, [sp, #-44]!             // frame: 0 LR, 4-40 RawSyscall6's arguments and results
    ldr r0, [sp, #48]
    str r0, [sp, #4]                // trap
    ldr r0, [sp, #52]
    str r0, [sp, #8]                // a1
    ldr r0, [sp, #56]
    str r0, [sp, #12]               // a2
    ldr r0, [sp, #60]
    str r0, [sp, #16]               // a3
    mov r0, #0
    str r0, [sp, #20]
    str r0, [sp, #24]
    str r0, [sp, #28]
    bl syscall.RawSyscall6
    ldr r0, [sp, #32]
    str r0, [sp, #64]               // r1
    ldr r0, [sp, #36]
    str r0, [sp, #68]               // r2
    ldr r0, [sp, #40]
    str r0, [sp, #72]               // err
    ldr pc, [sp], #44

// func Syscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)   (ABI0, nosplit: as RawSyscall)
// entersyscall(); RawSyscall6(trap, a1, a2, a3, 0, 0, 0); exitsyscall():
// the goroutine is _Gsyscall and its P _Psyscall for the duration of the
// call; the arguments and results stay in the frames across the calls.
// Clobbers: every register but R10 and R13 (exitsyscall may schedule).
// Ports syscall/syscall_linux.go:67-84, compiled by hand.
TEXT syscall.Syscall(SB), NOSPLIT, $40-28
    str lr, [sp, #-44]!             // frame: 0 LR, 4-40 RawSyscall6's arguments and results
    bl runtime.entersyscall
    ldr r0, [sp, #48]
    str r0, [sp, #4]                // trap
    ldr r0, [sp, #52]
    str r0, [sp, #8]                // a1
    ldr r0, [sp, #56]
    str r0, [sp, #12]               // a2
    ldr r0, [sp, #60]
    str r0, [sp, #16]               // a3
    mov r0, #0
    str r0, [sp, #20]
    str r0, [sp, #24]
    str r0, [sp, #28]
    bl syscall.RawSyscall6
    ldr r0, [sp, #32]
    str r0, [sp, #64]               // r1
    ldr r0, [sp, #36]
    str r0, [sp, #68]               // r2
    ldr r0, [sp, #40]
    str r0, [sp, #72]               // err
    bl runtime.exitsyscall
    ldr pc, [sp], #44

// func rawSyscallNoError(trap, a1, a2, a3 uintptr) (r1, r2 uintptr)   (ABI0: trap at 4(R13) ... r1 at 20, r2 at 24)
// A raw system call that cannot fail (getpid).
// Clobbers: R0-R2, R7.
// Ports syscall/asm_linux_arm.s:66-75.
TEXT syscall.rawSyscallNoError(SB), NOSPLIT|NOFRAME, $0-24
    ldr r7, [sp, #4]                // trap
    ldr r0, [sp, #8]
    ldr r1, [sp, #12]
    ldr r2, [sp, #16]
    svc #0
    str r0, [sp, #20]               // r1
    mov r0, #0
    str r0, [sp, #24]               // r2
    bx lr

// func Getpid() (pid int)   (ABI0: pid at 4(R13))
// r0, _ := rawSyscallNoError(SYS_GETPID, 0, 0, 0); pid = int(r0).
// Clobbers: R0-R2, R7.
// Ports syscall/zsyscall_linux_arm.go:460-464, compiled by hand.
TEXT syscall.Getpid(SB), $24-4
    str lr, [sp, #-28]!             // frame: 0 LR, 4-24 rawSyscallNoError's arguments and results
    mov r0, #20                     // SYS_GETPID
    str r0, [sp, #4]
    mov r0, #0
    str r0, [sp, #8]
    str r0, [sp, #12]
    str r0, [sp, #16]
    bl syscall.rawSyscallNoError
    ldr r0, [sp, #20]
    str r0, [sp, #32]               // pid = r0
    ldr pc, [sp], #28

// func Getpid() int   (os, ABI0: the result at 4(R13))
// return syscall.Getpid()
// Clobbers: as syscall.Getpid.
// Ports os/exec.go:78-78 (Getpid), compiled by hand.
TEXT os.Getpid(SB), $4-4
    str lr, [sp, #-8]!
    bl syscall.Getpid
    ldr r0, [sp, #4]
    str r0, [sp, #12]
    ldr pc, [sp], #8

// func Pipe(p []int) error   (ABI0: p at 4(R13), 8, 12; the error at 16, 20)
// Pipe2(p, 0), inlined: len(p) != 2 is EINVAL; pipe2(&pp, 0) through
// RawSyscall (pipe2 never blocks: no entersyscall); on success p[0], p[1] =
// pp[0], pp[1]; the error from errnoErr.
// Clobbers: R0-R7.
// Ports syscall/syscall_linux.go:241-258 and syscall/zsyscall_linux_arm.go:78-84, compiled by hand.
TEXT syscall.Pipe(SB), $36-20
    str lr, [sp, #-40]!             // frame: 0 LR, 4-28 RawSyscall's arguments and results, 32 pp [2]_C_int
    ldr r0, [sp, #48]               // len(p)
    cmp r0, #2
    bne einval
    ldr r0, =359                    // SYS_PIPE2
    str r0, [sp, #4]
    add r0, sp, #32                 // &pp
    str r0, [sp, #8]
    mov r0, #0
    str r0, [sp, #12]               // flags
    str r0, [sp, #16]
    bl syscall.RawSyscall
    ldr r0, [sp, #28]               // err
    cmp r0, #0
    bne fail
    ldr r1, [sp, #44]               // p
    ldr r0, [sp, #32]
    str r0, [r1]                    // p[0] = int(pp[0])
    ldr r0, [sp, #36]
    str r0, [r1, #4]                // p[1] = int(pp[1])
    mov r0, #0
    str r0, [sp, #56]               // nil error
    str r0, [sp, #60]
    ldr pc, [sp], #40
einval:
    mov r0, #22                     // EINVAL
fail:
    str r0, [sp, #4]
    bl syscall.errnoErr             // 8(R13), 12(R13) = the error
    ldr r0, [sp, #8]
    str r0, [sp, #56]
    ldr r0, [sp, #12]
    str r0, [sp, #60]
    ldr pc, [sp], #40

// func Read(fd int, p []byte) (n int, err error)   (ABI0: fd at 4(R13), p at 8-16; n at 20, err at 24, 28)
// read(fd, p), inlined: Syscall(SYS_READ, fd, &p[0] (or &_zero when
// empty), len(p)); n = int(r0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but R10 and R13 (the call may schedule).
// Ports syscall/syscall_unix.go:182-199 and syscall/zsyscall_linux_arm.go:689-702, compiled by hand.
TEXT syscall.Read(SB), $28-28
    str lr, [sp, #-32]!             // frame: 0 LR, 4-28 Syscall's arguments and results
    mov r0, #3                      // SYS_READ
    str r0, [sp, #4]
    ldr r0, [sp, #36]
    str r0, [sp, #8]                // a1 = fd
    ldr r0, [sp, #40]               // &p[0]
    ldr r1, [sp, #44]               // len(p)
    cmp r1, #0
    bne nonempty
    ldr r0, =syscall._zero          // _p0 = &_zero
nonempty:
    str r0, [sp, #12]               // a2 = _p0
    str r1, [sp, #16]               // a3 = len(p)
    bl syscall.Syscall
    ldr r0, [sp, #20]
    str r0, [sp, #52]               // n = int(r0)
    ldr r0, [sp, #28]               // e1
    cmp r0, #0
    bne fail
    str r0, [sp, #56]               // err = nil
    str r0, [sp, #60]
    ldr pc, [sp], #32
fail:
    str r0, [sp, #4]
    bl syscall.errnoErr             // 8(R13), 12(R13) = the error
    ldr r0, [sp, #8]
    str r0, [sp, #56]
    ldr r0, [sp, #12]
    str r0, [sp, #60]
    ldr pc, [sp], #32

// func Write(fd int, p []byte) (n int, err error)   (ABI0: fd at 4(R13), p at 8-16; n at 20, err at 24, 28)
// write(fd, p), inlined: Syscall(SYS_WRITE, fd, &p[0] (or &_zero when
// empty), len(p)); n = int(r0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but R10 and R13 (the call may schedule).
// Ports syscall/syscall_unix.go:201-223 and syscall/zsyscall_linux_arm.go:917-930, compiled by hand.
TEXT syscall.Write(SB), $28-28
    str lr, [sp, #-32]!             // frame: 0 LR, 4-28 Syscall's arguments and results
    mov r0, #4                      // SYS_WRITE
    str r0, [sp, #4]
    ldr r0, [sp, #36]
    str r0, [sp, #8]                // a1 = fd
    ldr r0, [sp, #40]               // &p[0]
    ldr r1, [sp, #44]               // len(p)
    cmp r1, #0
    bne nonempty
    ldr r0, =syscall._zero          // _p0 = &_zero
nonempty:
    str r0, [sp, #12]               // a2 = _p0
    str r1, [sp, #16]               // a3 = len(p)
    bl syscall.Syscall
    ldr r0, [sp, #20]
    str r0, [sp, #52]               // n = int(r0)
    ldr r0, [sp, #28]               // e1
    cmp r0, #0
    bne fail
    str r0, [sp, #56]               // err = nil
    str r0, [sp, #60]
    ldr pc, [sp], #32
fail:
    str r0, [sp, #4]
    bl syscall.errnoErr             // 8(R13), 12(R13) = the error
    ldr r0, [sp, #8]
    str r0, [sp, #56]
    ldr r0, [sp, #12]
    str r0, [sp, #60]
    ldr pc, [sp], #32

// var _zero uintptr: the address a read or write of an empty slice passes
TEXT syscall._zero(SB), RODATA, $4
    .long 0

// func Close(fd int) (err error)   (ABI0: fd at 4(R13); err at 8, 12)
// Syscall(SYS_CLOSE, fd, 0, 0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but R10 and R13.
// Ports syscall/zsyscall_linux_arm.go:294-300, compiled by hand.
TEXT syscall.Close(SB), $28-12
    str lr, [sp, #-32]!             // frame: 0 LR, 4-28 Syscall's arguments and results
    mov r0, #6                      // SYS_CLOSE
    str r0, [sp, #4]
    ldr r0, [sp, #36]
    str r0, [sp, #8]                // a1 = fd
    mov r0, #0
    str r0, [sp, #12]
    str r0, [sp, #16]
    bl syscall.Syscall
    ldr r0, [sp, #28]               // e1
    cmp r0, #0
    bne fail
    str r0, [sp, #40]               // err = nil
    str r0, [sp, #44]
    ldr pc, [sp], #32
fail:
    str r0, [sp, #4]
    bl syscall.errnoErr
    ldr r0, [sp, #8]
    str r0, [sp, #40]
    ldr r0, [sp, #12]
    str r0, [sp, #44]
    ldr pc, [sp], #32

// func Nanosleep(time *Timespec, leftover *Timespec) (err error)   (ABI0: time at 4(R13), leftover 8; err at 12, 16)
// Syscall(SYS_NANOSLEEP, time, leftover, 0); err = errnoErr(e1) when e1 != 0.
// Clobbers: every register but R10 and R13.
// Ports syscall/zsyscall_linux_arm.go:649-655, compiled by hand.
TEXT syscall.Nanosleep(SB), $28-16
    str lr, [sp, #-32]!             // frame: 0 LR, 4-28 Syscall's arguments and results
    mov r0, #162                    // SYS_NANOSLEEP
    str r0, [sp, #4]
    ldr r0, [sp, #36]
    str r0, [sp, #8]                // a1 = time
    ldr r0, [sp, #40]
    str r0, [sp, #12]               // a2 = leftover
    mov r0, #0
    str r0, [sp, #16]
    bl syscall.Syscall
    ldr r0, [sp, #28]               // e1
    cmp r0, #0
    bne fail
    str r0, [sp, #44]               // err = nil
    str r0, [sp, #48]
    ldr pc, [sp], #32
fail:
    str r0, [sp, #4]
    bl syscall.errnoErr
    ldr r0, [sp, #8]
    str r0, [sp, #44]
    ldr r0, [sp, #12]
    str r0, [sp, #48]
    ldr pc, [sp], #32
