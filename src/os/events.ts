// Events of the emulated OS (host calls, program output, process exit,
// threads made, waiting and woken on the virtual timeline) and
// the sink interface that every lower layer emits into. The session layer
// owns the one bus that implements it (src/session/bus.ts); the OS and the
// runtime only see this interface, so they never import upward. With no
// subscriber, `active` is false and emitters skip building the event.

/** Where a layer sends its events: the session's bus, structurally. */
export interface EventSink<E> {
  readonly active: boolean;
  emit(e: E): void;
}

export type OsEvent =
  /** a host function was entered (slot address `addr`) on thread `thread` */
  | { kind: 'hostcall'; name: string; addr: number; thread: number }
  /** the program wrote to a file descriptor */
  | { kind: 'output'; fd: number; text: string }
  /** the process ended with this status */
  | { kind: 'exit'; code: number }
  /** thread `thread` made thread `child` (clone) at its time `clock` */
  | { kind: 'clone'; thread: number; child: number; clock: number }
  /** a thread blocked in a system call: on a futex word, asleep, or on a pipe (reading or writing); until `deadline` if given */
  | { kind: 'wait'; thread: number; on: 'futex' | 'nanosleep' | 'pipe'; addr?: number; deadline?: number; clock: number; pipe?: number; dir?: 'r' | 'w' }
  /** thread `thread` made a pipe: read end fds[0], write end fds[1] */
  | { kind: 'pipe'; thread: number; fds: [number, number]; clock: number }
  /** a waiting thread can run again (woken by thread `by`, or its deadline came); its call returns `result` */
  | { kind: 'wake'; thread: number; by?: number; timeout: boolean; result: number; clock: number }
  /** a thread ended (exit) */
  | { kind: 'threadexit'; thread: number; code: number; clock: number }
  /** a runnable thread got CPU `cpu` at its time `clock`, after waiting `waited` for it */
  | { kind: 'oncpu'; thread: number; cpu: number; clock: number; waited: number }
  /** a running thread gave its CPU to a thread waiting for one (end of its time slice) */
  | { kind: 'offcpu'; thread: number; cpu: number; clock: number }
  /** a thread's turn on its CPU ended (however: quantum used up, a wait, a yield) at its time `clock` */
  | { kind: 'quantum'; thread: number; clock: number; insns: number }
  /** thread `thread` sent signal `sig` to thread `target` (tgkill) */
  | { kind: 'tgkill'; thread: number; target: number; sig: number; clock: number }
  /**
   * signal `sig` was delivered to `thread`, interrupted at `pc`: the rt_sigframe
   * is at `frame` (siginfo at `info`, ucontext at `uc`, FP state at `fp`) and the
   * thread now starts `handler` (its registers are the handler's)
   */
  | { kind: 'signal'; thread: number; sig: number; pc: number; handler: number; frame: number; info: number; uc: number; fp: number; clock: number }
  /** `thread` returned from a signal handler (rt_sigreturn) through the frame at `frame`: its registers are back */
  | { kind: 'sigreturn'; thread: number; frame: number; clock: number };

/** A sink that drops everything (for machines built without a session, e.g. `disasm`). */
export const NO_EVENTS: EventSink<unknown> = { active: false, emit() {} };
