// Process start-up for amd64: the ELF entry, rt0_go, settls, mstart, and the
// runtime's Go-ABI glue around host functions (newproc, runtime.main).
// Ports of go1.19 src/runtime/rt0_linux_amd64.s, asm_amd64.s, sys_linux_amd64.s
// and, for the glue, of the Go functions named (proc.go).

// _rt0_amd64_linux: the ELF entry point. The emulated OS starts the main
// thread here with SP at argc (then argv[], NULL, envp[], NULL), as Linux does.
// Ports rt0_linux_amd64.s:7-8 and asm_amd64.s:15-18 (_rt0_amd64).
TEXT _rt0_amd64_linux(SB), NOSPLIT, $-8
    mov rdi, qword ptr [rsp]        // argc
    lea rsi, [rsp + 8]              // argv
    jmp runtime.rt0_go

// rt0_go: make the OS stack g0's stack, wire m0 <-> g0, set up TLS, run the
// runtime's initialisation (args, osinit, schedinit), queue runtime.main as
// the first goroutine (newproc(&mainPC)) and start this M (mstart).
// In: DI = argc, SI = argv. Never returns.
// Ports asm_amd64.s:159-373 without the cgo, CPUID and GOAMD64 feature checks
// (the emulated CPU is fixed; there is no cgo).
TEXT runtime.rt0_go(SB), NOSPLIT|TOPFRAME, $0
    mov rax, rdi                    // copy argc/argv onto an even stack
    mov rbx, rsi
    sub rsp, 40                     // 3 args, 2 autos
    and rsp, -16
    mov qword ptr [rsp + 24], rax
    mov qword ptr [rsp + 32], rbx
    mov rdi, runtime.g0             // g0's stack: 64 KiB of the OS stack
    lea rbx, [rsp - 65536 + 104]
    mov qword ptr [rdi + g_stackguard0], rbx
    mov qword ptr [rdi + g_stackguard1], rbx
    mov qword ptr [rdi + g_stack + stack_lo], rbx
    mov qword ptr [rdi + g_stack + stack_hi], rsp
    mov rdi, runtime.m0             // needtls: settls(&m0.tls)
    add rdi, m_tls
    call runtime.settls
    mov qword ptr fs:[riz*1 - 8], 0x123     // check that TLS works
    mov rax, runtime.m0
    mov rax, qword ptr [rax + m_tls]
    cmp rax, 0x123
    je ok
    call runtime.abort
ok:
    mov rcx, runtime.g0             // g = g0 (TLS; R14 is set by the ABI wrappers)
    mov qword ptr fs:[riz*1 - 8], rcx
    mov rax, runtime.m0
    mov qword ptr [rax + m_g0], rcx // m0.g0 = g0
    mov qword ptr [rcx + g_m], rax  // g0.m = m0
    cld
    mov eax, dword ptr [rsp + 24]   // args(argc, argv)
    mov dword ptr [rsp], eax
    mov rax, qword ptr [rsp + 32]
    mov qword ptr [rsp + 8], rax
    call runtime.args
    call runtime.osinit
    call runtime.schedinit
    mov rax, runtime.mainPC         // newproc(&mainPC): the main goroutine
    push rax
    call runtime.newproc.abi0
    pop rax
    call runtime.mstart             // start this M
    call runtime.abort              // mstart never returns
    ret

// settls(DI = &m.tls[0]): point FS at the TLS block so that FS:-8 is m.tls[0]
// (ELF's variant II TLS puts the g slot at -8), with the arch_prctl system call
// that the emulated OS implements. Clobbers: AX, DI, SI.
// Ports sys_linux_amd64.s:639-653.
TEXT runtime.settls(SB), NOSPLIT, $32
    add rdi, 8                      // ELF wants to use -8(FS)
    mov rsi, rdi
    mov edi, 0x1002                 // ARCH_SET_FS
    mov eax, 158                    // SYS_arch_prctl
    syscall
    cmp rax, 0xfffffffffffff001
    jbe done
    mov dword ptr [riz*1 + 0xf1], 0xf1  // crash
done:
    ret

// func mstart()
// The entry of every M (m0 from rt0_go, the others from clone): minit (the
// signal stack and mask), on m0 initsig (mstartm0), then mstart0 (host),
// which records this frame in g0.sched and enters the scheduler. A
// goroutine that exits while locked to the M comes back here through
// gogo(&g0.sched), to mexit (host), which ends the thread. Never returns.
// Ports asm_amd64.s:389-391 and the mexit call of proc.go:1356-1396 (mstart0).
TEXT runtime.mstart(SB), NOSPLIT|TOPFRAME, $0
    call runtime.minit                  // the signal stack and mask, m.procid
    mov rax, qword ptr fs:[riz*1 - 8]
    mov rax, qword ptr [rax + g_m]
    mov rbx, runtime.m0
    cmp rax, rbx
    jne notm0
    call runtime.initsig                // mstartm0: m0 installs the signal handlers
notm0:
    call runtime.mstart0
    call runtime.mexit
    ret                             // not reached

// var mainPC = funcval{runtime.main}: the first goroutine's function.
// Ports asm_amd64.s:375-379 (the mainPC DATA/GLOBL).
TEXT runtime.mainPC(SB), RODATA, $8
    .quad runtime.main

// func newproc(fn *funcval)   (ABIInternal: fn in AX)
// Start a goroutine running fn: on the system stack, newproc1 makes the G and
// runqput queues it in runnext (host function runtime.newproc.func1, reached
// through systemstack with a closure {func1, fn, callergp, callerpc} built in
// this frame). Clobbers: AX, BX, CX, DX, DI, R9, R12.
// Ports proc.go:4094-4107 (newproc), compiled by hand.
TEXT runtime.newproc(SB), $48-8
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 40
    mov rbx, qword ptr [rbp + 8]    // callerpc = our return address
    mov r12, runtime.newproc.func1
    mov qword ptr [rsp + 8], r12    // closure.fn
    mov qword ptr [rsp + 16], rax   // captured fn
    mov qword ptr [rsp + 24], r14   // captured callergp
    mov qword ptr [rsp + 32], rbx   // captured callerpc
    lea r12, [rsp + 8]
    mov qword ptr [rsp], r12        // systemstack(&closure)   (ABI0 argument)
    call runtime.systemstack
    mov r14, qword ptr fs:[riz*1 - 8]   // reload g after an ABI0 call
    add rsp, 40
    pop rbp
    ret
more:
    mov qword ptr [rsp + 8], rax    // spill fn
    call runtime.morestack_noctxt
    mov rax, qword ptr [rsp + 8]
    jmp runtime.newproc

// newproc's ABI0 wrapper (what rt0_go calls): fn at 8(SP) -> AX, g into R14.
// Ports the compiler-generated runtime.newproc<ABI0> wrapper.
TEXT runtime.newproc.abi0(SB), NOSPLIT, $8-8
    mov rax, qword ptr [rsp + 8]
    mov r14, qword ptr fs:[riz*1 - 8]
    jmp runtime.newproc

// func main()   (the main goroutine; ABIInternal, no args)
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
TEXT runtime.main(SB), $8-0
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    call runtime.main_start
    call runtime.lockOSThread       // main stays on m0 during initialisation
    call runtime.init.proc          // runtime package init: go forcegchelper()
    call runtime.main.deferUnlock   // defer: unlockOSThread if init does not finish (a panic or Goexit in it)
    call runtime.gcenable           // go bgsweep(c); go bgscavenge(c); <-c; <-c
    call main.init
    call runtime.main.initDone      // needUnlock = false; unlockOSThread()
    call main.main
exit:
    call runtime.main_exit          // exit(0); or Gosched while a panic runs deferred calls
    jmp exit
more:
    call runtime.morestack_noctxt
    jmp runtime.main
