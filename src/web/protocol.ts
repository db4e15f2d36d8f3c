// The messages between the web app's server (src/web/server.ts) and the page
// (src/web/ui), and the view model the page draws. Plain JSON: numbers that
// may exceed 2^53 (registers, addresses) travel as hex strings. Types only:
// the page's bundle imports this file too.

export type ArchName = 'amd64' | 'arm';

/** The switch kinds a "next switch" filter can name (Session's SwitchStub). */
export const FILTER_KINDS = ['gogo', 'mcall', 'systemstack', 'morestack', 'morestack_noctxt', 'mstart', 'goexit_ret'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

/** What the page asks. */
export type Command =
  | { cmd: 'load'; source?: string; arch?: ArchName; gomaxprocs?: number | null; seed?: number }
  | { cmd: 'run' }
  | { cmd: 'pause' }
  | { cmd: 'stepi' }
  | { cmd: 'nextSwitch'; kind?: FilterKind; goid?: number }
  | { cmd: 'backi' }
  | { cmd: 'backSwitch' }
  | { cmd: 'jump'; insns: number; seq?: number }
  | { cmd: 'restart' };

/** What the server says. */
export type Reply =
  | { type: 'program'; program: ProgramInfo; timeline: TimelineData; switches: SwitchMark[] }
  | { type: 'state'; state: ViewState }
  | { type: 'busy'; what: string }
  | { type: 'compileError'; message: string; line?: number; col?: number }
  | { type: 'error'; message: string };

export interface ProgramInfo {
  file: string;
  source: string;
  arch: ArchName;
  /** GOMAXPROCS asked for (null: the CPU count, as Go's default) */
  gomaxprocs: number | null;
  seed: number;
  /** instruction count where the recorded run ended */
  end: number;
  /** how the recorded run ended, in words */
  ending: string;
  /** the recording stopped at its budget: the run goes on past the timeline */
  truncated: boolean;
  /** an exported file: no server behind the page, only the recorded frames */
  exported?: boolean;
}

/** A switch of the recorded run: where it starts (the stub's first instruction is about to run). */
export interface SwitchMark {
  insns: number;
  kind: FilterKind;
  /** the switch record's seq, as `gogo-emu switches` numbers them */
  seq?: number;
  from?: number;
  to?: number;
}

export interface TimelineTrack {
  /** 'M0', 'P1' */
  id: string;
  kind: 'M' | 'P';
  label: string;
}

export interface TimelineSlice {
  track: string;
  name: string;
  /** virtual time, microseconds (the Trace Event Format's ts and dur) */
  ts: number;
  dur: number;
  /** 'goroutine' (a goroutine's run) or 'mp' (an M spinning or idle, a P idle) */
  cat: string;
  goid?: number;
  /** why the run ended */
  until?: string;
  insns?: number;
  endInsns?: number;
  /** the gogo record that started it */
  seq?: number;
}

export interface TimelineInstant {
  track: string;
  name: string;
  ts: number;
  insns?: number;
  goid?: number;
  seq?: number;
}

export interface TimelineData {
  tracks: TimelineTrack[];
  slices: TimelineSlice[];
  instants: TimelineInstant[];
  /** end of the recorded run on the virtual clock (microseconds) */
  end: number;
}

export interface RegRow {
  name: string;
  /** at the switch's entry and exit (hex), when there is a current switch */
  entry?: string;
  exit?: string;
  /** now, on the current thread */
  now?: string;
  /** the switch changed it (entry != exit) */
  changed?: boolean;
  /** changed since the previous stop */
  changedNow?: boolean;
}

export interface ListingInsn {
  addr: string;
  text: string;
  /** the current thread stands here */
  current?: boolean;
  /** the switch executed it */
  executed?: boolean;
}

export interface ListingLine {
  file: string;
  line: number;
  text: string;
  insns: ListingInsn[];
}

export interface SwitchView {
  seq?: number;
  kind: string;
  stub: string;
  insns: number;
  from?: number;
  to?: number;
  m?: number;
  p?: number;
  /** the position is at the entry of this switch / inside its stub / after it */
  where: 'entry' | 'inside' | 'after';
  /** the stub's .s lines with their instructions */
  listing: ListingLine[];
  /** the go1.19 source the stub ports, when a Go installation is present */
  original?: { title: string; lines: string[] } | { missing: string };
  /** gobuf fields at entry and exit (gogo) */
  gobuf?: { field: string; entry: string; exit: string }[];
  /** instructions the switch ran */
  count: number;
}

export interface StructField {
  offset: number;
  name: string;
  type: string;
  value: string;
  /** a goid or symbol that explains the value */
  note?: string;
}

export interface StructView {
  title: string;
  struct: string;
  addr: string;
  fields: StructField[];
}

export interface StackWord {
  addr: string;
  value: string;
  marks: string[];
  /** a frame boundary (saved BP / return address / saved LR slot) */
  frame?: boolean;
}

export interface StackView {
  title: string;
  goid: number;
  lo: string;
  hi: string;
  sp: string;
  words: StackWord[];
}

export interface QueueView {
  ps: { id: number; status: string; m: string; runnext?: number; runq: number[] }[];
  global: number[];
}

export interface GoroutineView {
  goid: number;
  status: string;
  where: string;
  m?: number;
}

export interface ViewState {
  insns: number;
  /** why the run stopped here */
  reason: string;
  /** the run is over (exit, fault, budget, every thread waiting) */
  ended: boolean;
  endText?: string;
  /** the current thread: its M, the goroutine in its g register, its virtual clock (microseconds) */
  thread: { id: number; tid: number; name: string; m?: number; goid?: number; clock: number };
  pc: string;
  where: string;
  /** the Go source line of the goroutine the current thread runs (or is about to) */
  goLine?: number;
  goLineOf?: number;
  registers: RegRow[];
  switch?: SwitchView;
  structs: StructView[];
  stacks: StackView[];
  queues: QueueView;
  goroutines: GoroutineView[];
  stdout: string;
}

/** The data an exported page replays: the program, its timeline and one frame per stop. */
export interface ExportData {
  program: ProgramInfo;
  timeline: TimelineData;
  switches: SwitchMark[];
  frames: ViewState[];
}
