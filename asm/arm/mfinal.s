// The finalizer goroutine (mfinal.go) and the part of package os's
// initialisation that reaches the runtime, for arm (ABI0). There is no
// garbage collector here, so no finalizer is ever queued: runfinq parks for
// good, as go1.19's does in a program whose objects are never finalized.

// os.init: what package os's initialisation does in the runtime. Its
// NewFile(0/1/2, ...) for Stdin, Stdout and Stderr each set a finalizer on
// the new *file (runtime.SetFinalizer), and SetFinalizer first makes sure the
// finalizer goroutine runs (createfing): the first call starts it, the other
// two find it started. The rest of SetFinalizer (addfinalizer) and of os's
// init has nothing the runtime shows. main.init calls this first when the
// program imports a package that imports os (fmt). Ports mfinal.go:446-447
// (SetFinalizer's createfing call), once per standard file.
TEXT os.init(SB), $4-0
    str lr, [sp, #-8]!
    bl runtime.createfing           // NewFile(uintptr(syscall.Stdin), "/dev/stdin")
    bl runtime.createfing           // NewFile(uintptr(syscall.Stdout), "/dev/stdout")
    bl runtime.createfing           // NewFile(uintptr(syscall.Stderr), "/dev/stderr")
    ldr pc, [sp], #8

// func createfing(): start the finalizer goroutine exactly once: if
// fingCreate == 0 && atomic.Cas(&fingCreate, 0, 1) { go runfinq() } (the
// load and the Cas are one host function, its result at 4(R13)). Ports
// mfinal.go:154-159.
TEXT runtime.createfing(SB), $4-0
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-8]!
    bl runtime.createfing.cas
    ldr r0, [sp, #4]
    cmp r0, #0
    beq done
    ldr r0, =runtime.runfinqPC
    str r0, [sp, #4]
    bl runtime.newproc              // go runfinq()
done:
    ldr pc, [sp], #8
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b runtime.createfing

// var runfinqPC = funcval{runtime.runfinq}
TEXT runtime.runfinqPC(SB), RODATA, $4
    .long runtime.runfinq

// func runfinq(): the finalizer goroutine. The queue of finalizers (finq) is
// always empty, so it parks with waitReasonFinalizerWait (fingwait) each time
// it looks, and nothing wakes it. Ports mfinal.go:162-182 (up to the park of
// an empty queue).
TEXT runtime.runfinq(SB), $4-0
    str lr, [sp, #-8]!
park:
    mov r0, #const_waitReasonFinalizerWait
    str r0, [sp, #4]
    bl runtime.gopark_system
    b park
