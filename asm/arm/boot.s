// Process start-up for arm: the ELF entry, rt0_go, mstart, and the runtime's
// Go-ABI glue around host functions (newproc, runtime.main).
// Ports of go1.19 src/runtime/rt0_linux_arm.s and asm_arm.s and, for the
// glue, of the Go functions named (proc.go).

// _rt0_arm_linux: the ELF entry point. The emulated OS starts the main thread
// here with SP at argc (then argv[], NULL, envp[], NULL), as Linux does.
// Ports rt0_linux_arm.s:7-11 and asm_arm.s:14-17 (_rt0_arm).
TEXT _rt0_arm_linux(SB), NOSPLIT|NOFRAME, $0
    ldr r0, [sp]                    // argc
    add r1, sp, #4                  // argv
    b runtime.rt0_go

// rt0_go: wire g0 (R10) and m0, make the OS stack g0's stack, run the
// runtime's initialisation (args, osinit, schedinit), queue runtime.main as
// the first goroutine (newproc(&mainPC)) and start this M (mstart).
// In: R0 = argc, R1 = argv. Never returns.
// Ports asm_arm.s:115-184 without cgo, checkgoarm and the emptyfunc probe.
TEXT runtime.rt0_go(SB), NOSPLIT|NOFRAME|TOPFRAME, $0
    ldr r12, =0xcafebabe
    sub sp, sp, #64                 // plenty of scratch
    bic sp, sp, #7
    str r0, [sp, #60]               // save argc, argv away
    str r1, [sp, #64]
    ldr r10, =runtime.g0            // g = g0
    ldr r8, =runtime.m0
    str r10, [r8, #m_g0]            // m0.g0 = g0
    str r8, [r10, #g_m]             // g0.m = m0
    ldr r0, =65536 - 104            // g0's stack: 64 KiB of the OS stack
    sub r0, sp, r0
    str r0, [r10, #g_stackguard0]
    str r0, [r10, #g_stackguard1]
    str r0, [r10, #g_stack + stack_lo]
    str sp, [r10, #g_stack + stack_hi]
    ldr r0, [r10, #g_stack + stack_lo]  // update stackguard after _cgo_init
    add r0, r0, #const__StackGuard
    str r0, [r10, #g_stackguard0]
    str r0, [r10, #g_stackguard1]
    ldr r0, [sp, #60]               // args(argc, argv)
    str r0, [sp, #4]
    ldr r1, [sp, #64]
    str r1, [sp, #8]
    bl runtime.args
    bl runtime.osinit
    bl runtime.schedinit
    sub sp, sp, #8                  // newproc(&mainPC): the main goroutine
    ldr r0, =runtime.mainPC
    str r0, [sp, #4]
    mov r0, #0
    str r0, [sp]                    // dummy LR
    bl runtime.newproc
    add sp, sp, #8
    bl runtime.mstart               // start this M
    ldr r0, =1234                   // fail hard
    ldr r1, =1000
    str r0, [r1]

// func mstart()
// The entry of every M (m0 from rt0_go, the others from clone): minit (the
// signal stack and mask), on m0 initsig (mstartm0), then mstart0 (host),
// which records this frame in g0.sched and enters the scheduler. A
// goroutine that exits while locked to the M comes back here through
// gogo(&g0.sched), to mexit (host), which ends the thread. Never returns.
// Ports asm_arm.s:209-211 and the mexit call of proc.go:1356-1396 (mstart0).
TEXT runtime.mstart(SB), NOSPLIT|TOPFRAME, $0
    str lr, [sp, #-4]!
    bl runtime.minit                // the signal stack and mask, m.procid
    ldr r0, [r10, #g_m]
    ldr r1, =runtime.m0
    cmp r0, r1
    bne notm0
    bl runtime.initsig              // mstartm0: m0 installs the signal handlers
notm0:
    bl runtime.mstart0
    bl runtime.mexit
    ldr pc, [sp], #4                // not reached

// var mainPC = funcval{runtime.main}: the first goroutine's function.
// Ports asm_arm.s:186-187 (the mainPC DATA/GLOBL).
TEXT runtime.mainPC(SB), RODATA, $4
    .long runtime.main

// func newproc(fn *funcval)   (ABI0: fn at 4(R13))
// Start a goroutine running fn: on the system stack, newproc1 makes the G and
// runqput queues it in runnext (host function runtime.newproc.func1, reached
// through systemstack with a closure {func1, fn, callergp, callerpc} built in
// this frame). Clobbers: R0-R3, R5, R7, R11, LR.
// Ports proc.go:4094-4107 (newproc), compiled by hand.
TEXT runtime.newproc(SB), $20-4
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-24]!             // frame: 0 LR, 4 systemstack's arg, 8..20 closure
    ldr r0, =runtime.newproc.func1
    str r0, [sp, #8]                // closure.fn
    ldr r0, [sp, #28]
    str r0, [sp, #12]               // captured fn
    str r10, [sp, #16]              // captured callergp
    ldr r0, [sp]
    str r0, [sp, #20]               // captured callerpc = our LR
    add r0, sp, #8
    str r0, [sp, #4]                // systemstack(&closure)
    bl runtime.systemstack
    ldr pc, [sp], #24
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b runtime.newproc

// func main()   (the main goroutine; ABI0, no args)
// The runtime's part (runtime.main_start: mainStarted, maxstacksize; the
// runtime package init and gcenable start goroutines 2-4 as in Go), the
// program's package initialisation (main.init), main.main, then exit(0)
// (runtime.main_exit, which first Goscheds and returns, to be called again,
// while another goroutine's panic runs its deferred calls). As in Go, the main goroutine is locked to m0 while
// the packages are initialised (lockOSThread .. unlockOSThread), and a panic
// or Goexit during init unlocks it as Go's deferred call does (deferUnlock;
// the deferred call is run by deferloop, lockosthread.ts). Ports
// proc.go:145-277 (main), with the runtime part and the exit done by host
// functions.
TEXT runtime.main(SB), $4-0
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-8]!
    bl runtime.main_start
    bl runtime.lockOSThread         // main stays on m0 during initialisation
    bl runtime.init.proc            // runtime package init: go forcegchelper()
    bl runtime.main.deferUnlock     // defer: unlockOSThread if init does not finish (a panic or Goexit in it)
    bl runtime.gcenable             // go bgsweep(c); go bgscavenge(c); <-c; <-c
    bl main.init
    bl runtime.main.initDone        // needUnlock = false; unlockOSThread()
    bl main.main
exit:
    bl runtime.main_exit            // exit(0); or Gosched while a panic runs deferred calls
    b exit
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b runtime.main
