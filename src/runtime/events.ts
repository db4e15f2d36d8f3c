// What the Go runtime port reports while it schedules: goroutines created,
// status changes with their reason, executes, exits and stack growth,
// panics and the fatal end of a process. The
// runtime emits them into the session's bus through an EventSink (os/events.ts).
import type { EventSink, OsEvent } from '../os/events.ts';

export type RuntimeEvent =
  | { kind: 'gocreate'; goid: number; g: number; parent: number; startpc: number }
  | { kind: 'gostatus'; goid: number; g: number; from: number; to: number; reason?: string }
  | { kind: 'execute'; goid: number; g: number; m: number; p: number }
  | { kind: 'goexit'; goid: number; g: number }
  | { kind: 'stackgrow'; goid: number; g: number; oldSize: number; newSize: number }
  /** goroutine `goid` panics with `value` (gopanic starts: its deferred calls run next) */
  | { kind: 'panic'; goid: number; value: string }
  /**
   * the process dies of one of Go's fatal conditions: a throw (a runtime
   * error), a fatal error of the program (a deadlock), or a panic nobody
   * recovered; `message` is the first line Go prints
   */
  | { kind: 'fatal'; what: 'throw' | 'fatal' | 'panic'; message: string; goid?: number }
  // ---- Ms and Ps (M and P numbers are their ids; -1: none) ----
  /** M `by` made M `m` (newm) to run P `p`; `spinning`: it starts as a spinning M */
  | { kind: 'newm'; m: number; by: number; p: number; spinning: boolean }
  /** M `m` starts on emulated thread `thread` (mstart) */
  | { kind: 'mstart'; m: number; thread: number }
  /** M `by` woke idle M `m` to run P `p` (startm); `spinning`: to look for work */
  | { kind: 'startm'; by: number; m: number; p: number; spinning: boolean }
  /** M `m` has nothing to do and sleeps on m.park (stopm), or a locked M waits for its goroutine (stoplockedm) */
  | { kind: 'stopm'; m: number; locked: boolean }
  /** M `m` went spinning (looking for work to steal) or stopped spinning; nmspinning after the change */
  | { kind: 'spinning'; m: number; spinning: boolean; nmspinning: number }
  /**
   * M `m` with P `p` stole `n` goroutines from P `from` in stealWork's round
   * `round` (0-3), running goroutine `goid` next; `runnext`: it took P
   * `from`'s runnext (only in the last round), after sleeping first (`slept`,
   * go1.19's usleep(3)) when that P was running
   */
  | { kind: 'steal'; m: number; p: number; from: number; n: number; runnext: boolean; slept: boolean; round: number; goid: number }
  /** M `m` handed P `p` off (handoffp): to an M it starts or wakes, to the idle list, or stopped for stop-the-world */
  | { kind: 'handoffp'; m: number; p: number; to: 'm' | 'idle' | 'gcstop' }
  /** M `m` took P `p` (acquirep) or let it go (releasep) */
  | { kind: 'acquirep' | 'releasep'; m: number; p: number }
  /** M `m` gave its P to the M that locked goroutine `goid` (startlockedm) */
  | { kind: 'startlockedm'; m: number; to: number; p: number; goid: number }
  /** GOMAXPROCS changed from `from` to `to` Ps (procresize) */
  | { kind: 'procresize'; from: number; to: number }
  /** M `m` stopped the world (all Ps _Pgcstop) or started it again */
  | { kind: 'stoptheworld' | 'starttheworld'; m: number; reason: string }
  /** M `m` ends its thread (mexit, after its locked goroutine exited) */
  | { kind: 'mexit'; m: number }
  // ---- sysmon and preemption ----
  /**
   * sysmon (on M `m`) at virtual time `now`: goes to sleep for `delayUs`
   * (its backoff; `idle` rounds without work so far), waits in sysmonwait
   * (every P idle), or retook P `p` from a system call
   */
  | { kind: 'sysmon'; m: number; what: 'sleep' | 'sysmonwait' | 'retake'; delayUs: number; idle: number; now: number; p?: number }
  /** M `by` asked goroutine `goid` (running on M `m`, P `p`) to stop (preemptone): cooperatively, and with a signal if `async` */
  | { kind: 'preempt'; goid: number; g: number; m: number; p: number; by: number; async: boolean }
  /**
   * the preemption signal reached goroutine `goid` on M `m`, stopped at `pc`
   * with SP `sp`: asyncPreempt was injected (pushCall), or not and `why`
   */
  | { kind: 'asyncpreempt'; goid: number; g: number; m: number; pc: number; sp: number; injected: boolean; why?: string }
  // ---- system calls (syscall.ts) ----
  /** goroutine `goid` on M `m` entered a system call (entersyscall: _Gsyscall, P `p` _Psyscall) from `pc` with SP `sp` */
  | { kind: 'entersyscall'; goid: number; g: number; m: number; p: number; pc: number; sp: number }
  /**
   * goroutine `goid` left its system call (exitsyscall) on M `m`: it got its
   * old P back (`reacquired`), an idle P (`pidle`), or neither (`exitsyscall0`:
   * it runs on P `p` if one was idle by then, else -1: it waits in the global
   * run queue and the M stops); `oldp` the P it had before the call (-1 unknown)
   */
  | { kind: 'exitsyscall'; goid: number; g: number; m: number; p: number; oldp: number; how: 'reacquired' | 'pidle' | 'exitsyscall0' }
  /** goroutine `goid` switched the sync.Mutex at `mutex` to starvation mode (`starving`) or back to normal mode (sync/mutex.go) */
  | { kind: 'mutexmode'; goid: number; mutex: number; starving: boolean };

/** Everything a process reports: the OS's events and the runtime's. */
export type ProcessEvent = OsEvent | RuntimeEvent;

export type RuntimeSink = EventSink<ProcessEvent>;
