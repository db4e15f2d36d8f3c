// The finalizer goroutine (mfinal.go) and the part of package os's
// initialisation that reaches the runtime, for amd64 (ABIInternal). There is
// no garbage collector here, so no finalizer is ever queued: runfinq parks
// for good, as go1.19's does in a program whose objects are never finalized.

// os.init: what package os's initialisation does in the runtime. Its
// NewFile(0/1/2, ...) for Stdin, Stdout and Stderr each set a finalizer on
// the new *file (runtime.SetFinalizer), and SetFinalizer first makes sure the
// finalizer goroutine runs (createfing): the first call starts it, the other
// two find it started. The rest of SetFinalizer (addfinalizer) and of os's
// init has nothing the runtime shows. main.init calls this first when the
// program imports a package that imports os (fmt). Ports mfinal.go:446-447
// (SetFinalizer's createfing call), once per standard file.
TEXT os.init(SB), $8-0
    push rbp
    mov rbp, rsp
    call runtime.createfing         // NewFile(uintptr(syscall.Stdin), "/dev/stdin")
    call runtime.createfing         // NewFile(uintptr(syscall.Stdout), "/dev/stdout")
    call runtime.createfing         // NewFile(uintptr(syscall.Stderr), "/dev/stderr")
    pop rbp
    ret

// func createfing(): start the finalizer goroutine exactly once: if
// fingCreate == 0 && atomic.Cas(&fingCreate, 0, 1) { go runfinq() } (the
// load and the Cas are one host function). Ports mfinal.go:154-159.
TEXT runtime.createfing(SB), $8-0
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    call runtime.createfing.cas
    test al, al
    jz done
    mov rax, runtime.runfinqPC
    call runtime.newproc            // go runfinq()
done:
    pop rbp
    ret
more:
    call runtime.morestack_noctxt
    jmp runtime.createfing

// var runfinqPC = funcval{runtime.runfinq}
TEXT runtime.runfinqPC(SB), RODATA, $8
    .quad runtime.runfinq

// func runfinq(): the finalizer goroutine. The queue of finalizers (finq) is
// always empty, so it parks with waitReasonFinalizerWait (fingwait) each time
// it looks, and nothing wakes it. Ports mfinal.go:162-182 (up to the park of
// an empty queue).
TEXT runtime.runfinq(SB), $8-0
    push rbp
    mov rbp, rsp
park:
    mov eax, const_waitReasonFinalizerWait
    call runtime.gopark_system
    jmp park
