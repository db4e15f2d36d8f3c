// sync.Mutex as go1.19's sync/mutex.go compiles, for amd64 (ABIInternal: the
// receiver m in AX). The fast paths are the real atomic instructions Go
// inlines (LOCK CMPXCHG for Lock, LOCK XADD for Unlock); lockSlow's loop is
// machine code around one host call per iteration (sync.Mutex.lockSlow.step,
// src/runtime/mutex.ts, which keeps lockSlow's locals in this frame) that
// says what to do next: return, spin (runtime_doSpin: procyield's 30 PAUSE
// instructions), or sleep on the semaphore (runtime_SemacquireMutex).

// func (m *Mutex) Lock(): CAS(&m.state, 0, mutexLocked), else lockSlow.
// Ports sync/mutex.go:81-92 (Lock).
TEXT sync.Mutex.Lock(SB), NOSPLIT, $0-8
    mov rcx, rax
    xor eax, eax
    mov edx, 1
    lock cmpxchg dword ptr [rcx], edx
    jne slow
    ret
slow:
    mov rax, rcx
    jmp sync.Mutex.lockSlow

// func (m *Mutex) lockSlow(): the loop of lockSlow. Frame: [rsp+0..32) the
// locals the step function keeps (waitStartTime, starving, awoke, iter, the
// step's phase, queueLifo), [rsp+32] m.
// Ports sync/mutex.go:117-205 (lockSlow; the loop body is lockSlowStep in mutex.ts).
TEXT sync.Mutex.lockSlow(SB), $48-8
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 40
    mov qword ptr [rsp + 32], rax
    mov qword ptr [rsp], 0
    mov qword ptr [rsp + 8], 0
    mov qword ptr [rsp + 16], 0
    mov qword ptr [rsp + 24], 0
loop:
    mov rax, qword ptr [rsp + 32]
    mov rbx, rsp
    call sync.Mutex.lockSlow.step
    test rax, rax
    jz done
    cmp rax, 1
    jne sleep
    mov ecx, 30
spin:
    pause
    dec ecx
    jnz spin
    jmp loop
sleep:
    mov rax, qword ptr [rsp + 32]
    add rax, 4
    mov ebx, dword ptr [rsp + 24]
    mov ecx, 1
    call sync.runtime_SemacquireMutex
    jmp loop
done:
    add rsp, 40
    pop rbp
    ret
more:
    mov qword ptr [rsp + 8], rax
    call runtime.morestack_noctxt
    mov rax, qword ptr [rsp + 8]
    jmp sync.Mutex.lockSlow

// func (m *Mutex) Unlock(): new := atomic.AddInt32(&m.state, -mutexLocked);
// unlockSlow(new) when it is not 0 (a tail call: the host function returns
// to Unlock's caller).
// Ports sync/mutex.go:212-225 (Unlock).
TEXT sync.Mutex.Unlock(SB), NOSPLIT, $0-8
    mov ebx, -1
    lock xadd dword ptr [rax], ebx
    sub ebx, 1
    jnz slow
    ret
slow:
    jmp sync.Mutex.unlockSlow

// func (rw *RWMutex) Lock(): rw.w.Lock(), then the rest of Lock
// (sync.RWMutex.Lock.wait, mutex.ts: may sleep on writerSem).
// Ports sync/rwmutex.go:141-160 (Lock).
TEXT sync.RWMutex.Lock(SB), $16-8
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov qword ptr [rsp], rax
    call sync.Mutex.Lock
    mov rax, qword ptr [rsp]
    call sync.RWMutex.Lock.wait
    add rsp, 8
    pop rbp
    ret
more:
    mov qword ptr [rsp + 8], rax
    call runtime.morestack_noctxt
    mov rax, qword ptr [rsp + 8]
    jmp sync.RWMutex.Lock

// func (rw *RWMutex) Unlock(): let the readers in (sync.RWMutex.Unlock.readers,
// mutex.ts), then rw.w.Unlock().
// Ports sync/rwmutex.go:198-222 (Unlock).
TEXT sync.RWMutex.Unlock(SB), $16-8
    cmp rsp, qword ptr [r14 + g_stackguard0]
    jbe more
    push rbp
    mov rbp, rsp
    sub rsp, 8
    mov qword ptr [rsp], rax
    call sync.RWMutex.Unlock.readers
    mov rax, qword ptr [rsp]
    call sync.Mutex.Unlock
    add rsp, 8
    pop rbp
    ret
more:
    mov qword ptr [rsp + 8], rax
    call runtime.morestack_noctxt
    mov rax, qword ptr [rsp + 8]
    jmp sync.RWMutex.Unlock
