// sync.Mutex as go1.19's sync/mutex.go compiles, for arm (ABI0: the receiver
// m at 4(R13) of the caller). The fast paths are the atomic sequences of
// runtime/internal/atomic with GOARM=7 (armcas: LDREX/STREX with DMB for
// Lock's CAS; an LDREX/STREX loop between DMBs for Unlock's Xadd); lockSlow's
// loop is machine code around one host call per iteration
// (sync.Mutex.lockSlow.step, src/runtime/mutex.ts, which keeps lockSlow's
// locals in this frame) that says what to do next: return, spin
// (runtime_doSpin: procyield's loop of 30), or sleep on the semaphore
// (runtime_SemacquireMutex).

// func (m *Mutex) Lock(): CAS(&m.state, 0, mutexLocked), else lockSlow.
// Ports sync/mutex.go:81-92 (Lock).
TEXT sync.Mutex.Lock(SB), NOSPLIT, $0-4
    ldr r1, [sp, #4]
    mov r2, #1
cas:
    ldrex r0, [r1]
    cmp r0, #0
    bne slow
    dmb ishst
    strex r3, r2, [r1]
    cmp r3, #0
    bne cas
    dmb ish
    bx lr
slow:
    b sync.Mutex.lockSlow

// func (m *Mutex) lockSlow(): the loop of lockSlow. Frame of 48 bytes: [sp]
// saved LR, [sp+4..16) outgoing arguments, [sp+16..48) the locals the step
// function keeps (waitStartTime, starving, awoke, iter, the step's phase,
// queueLifo); m is the argument at 52(sp).
// Ports sync/mutex.go:117-205 (lockSlow; the loop body is lockSlowStep in mutex.ts).
TEXT sync.Mutex.lockSlow(SB), $44-4
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-48]!
    mov r0, #0
    str r0, [sp, #16]
    str r0, [sp, #20]
    str r0, [sp, #24]
    str r0, [sp, #28]
    str r0, [sp, #32]
    str r0, [sp, #36]
    str r0, [sp, #40]
    str r0, [sp, #44]
loop:
    ldr r0, [sp, #52]
    str r0, [sp, #4]
    add r0, sp, #16
    str r0, [sp, #8]
    bl sync.Mutex.lockSlow.step
    ldr r0, [sp, #12]
    cmp r0, #0
    beq done
    cmp r0, #1
    bne sleep
    mov r1, #30
spin:
    subs r1, r1, #1
    bne spin
    b loop
sleep:
    ldr r0, [sp, #52]
    add r0, r0, #4
    str r0, [sp, #4]
    ldr r0, [sp, #40]
    str r0, [sp, #8]
    mov r0, #1
    str r0, [sp, #12]
    bl sync.runtime_SemacquireMutex
    b loop
done:
    ldr pc, [sp], #48
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b sync.Mutex.lockSlow

// func (m *Mutex) Unlock(): new := atomic.AddInt32(&m.state, -mutexLocked)
// (an LDREX/STREX loop between barriers); unlockSlow(new) when it is not 0.
// Ports sync/mutex.go:212-225 (Unlock).
TEXT sync.Mutex.Unlock(SB), $8-4
    str lr, [sp, #-12]!
    ldr r1, [sp, #16]
    dmb ish
xadd:
    ldrex r0, [r1]
    sub r0, r0, #1
    strex r2, r0, [r1]
    cmp r2, #0
    bne xadd
    dmb ish
    cmp r0, #0
    beq done
    str r1, [sp, #4]
    str r0, [sp, #8]
    bl sync.Mutex.unlockSlow
done:
    ldr pc, [sp], #12

// func (rw *RWMutex) Lock(): rw.w.Lock(), then the rest of Lock
// (sync.RWMutex.Lock.wait, mutex.ts: may sleep on writerSem).
// Ports sync/rwmutex.go:141-160 (Lock).
TEXT sync.RWMutex.Lock(SB), $4-4
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-8]!
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    bl sync.Mutex.Lock
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    bl sync.RWMutex.Lock.wait
    ldr pc, [sp], #8
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b sync.RWMutex.Lock

// func (rw *RWMutex) Unlock(): let the readers in (sync.RWMutex.Unlock.readers,
// mutex.ts), then rw.w.Unlock().
// Ports sync/rwmutex.go:198-222 (Unlock).
TEXT sync.RWMutex.Unlock(SB), $4-4
    ldr r1, [r10, #g_stackguard0]
    cmp sp, r1
    bls more
    str lr, [sp, #-8]!
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    bl sync.RWMutex.Unlock.readers
    ldr r0, [sp, #12]
    str r0, [sp, #4]
    bl sync.Mutex.Unlock
    ldr pc, [sp], #8
more:
    mov r3, lr
    bl runtime.morestack_noctxt
    b sync.RWMutex.Unlock
