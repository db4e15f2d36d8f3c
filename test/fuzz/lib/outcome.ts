// What a program did, on either side of the differential, and how the two
// sides compare. Every fuzz run ends in exactly one Verdict class.
import { stderrHead } from '../../fixtures/head.ts';
import { REGIONS } from '../../../src/os/memmap.ts';

export type Outcome =
  /** the program was refused at compile time; `errors` as `LINE:COL: message` */
  | { kind: 'reject'; errors: string[] }
  /** it ran to its end (or to a panic / fatal error): output and exit status */
  | { kind: 'run'; stdout: string; stderr: string; exit: number }
  /** Go: did not finish within the time limit; gogo-emu: stopped at the instruction budget */
  | { kind: 'timeout'; detail: string }
  /** gogo-emu only: a host crash (JavaScript stack, "internal error", a signal, exit >= 128) */
  | { kind: 'crash'; detail: string }
  /** gogo-emu only: no answer within the harness's wall-clock limit */
  | { kind: 'hang'; detail: string };

/**
 * - ok: same behaviour (same output and exit status, or both reject with the same first error line)
 * - crash, hang: gogo-emu failed as a host program
 * - accepts-invalid: Go rejects the program, gogo-emu runs it
 * - rejects-valid: Go accepts the program, gogo-emu rejects it with an error that is no
 *   documented restriction of the subset
 * - output: both ran, with different stdout, stderr (normalized) or exit status
 * - budget: Go finished, gogo-emu stopped at the harness's instruction budget
 * Not failures (counted and reported):
 * - unsupported: Go accepts, gogo-emu refuses a construct outside its subset (`unsupported: ...`)
 * - limit: Go accepts, gogo-emu refuses at one of its stated limits (or runs to
 *   its instruction budget a program real Go needs more CPU time for than that
 *   many instructions can take: campaign.ts, Evaluator.beyondBudget; or both
 *   run out of memory and only the heap-in-use figure differs; or gogo-emu
 *   refused one allocation larger than its whole heap)
 * - error-text / error-col / error-line: both reject, first error lines differ in message,
 *   column or line
 * - nonterminating: neither finishes (Go's time limit, gogo-emu's budget)
 * - go-timeout: Go did not finish in time but gogo-emu did
 * - nondeterministic: outputs differ but real Go itself gives different outputs on reruns
 * - slow: matched Go, but only when run past ten budgets of instructions (campaign.ts, Evaluator.evaluate)
 */
export type VerdictClass =
  | 'ok'
  | 'crash'
  | 'hang'
  | 'accepts-invalid'
  | 'rejects-valid'
  | 'output'
  | 'budget'
  | 'unsupported'
  | 'limit'
  | 'slow'
  | 'error-text'
  | 'error-col'
  | 'error-line'
  | 'nonterminating'
  | 'go-timeout'
  | 'nondeterministic'
  | 'emu-only';

export const FAILURE_CLASSES: ReadonlySet<VerdictClass> = new Set(['crash', 'hang', 'accepts-invalid', 'rejects-valid', 'output', 'budget']);

export interface Verdict {
  cls: VerdictClass;
  /** groups failures of the same kind (used for de-duplication and while shrinking) */
  signature: string;
  /** one line for the report */
  detail: string;
}

/**
 * An error message reduced to its kind, for grouping: positions, quoted
 * text, parenthesized details, numbers and program names (x3, f0, p1 ...)
 * are masked. `x3 declared but not used` and `b7 declared but not used`
 * group together.
 */
export function errorShape(msg: string): string {
  let s = msg.replace(/^\d+:\d+: /, '').replace(/"[^"]*"/g, '"…"');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\([^()]*\)/g, '‹›');
  }
  return s
    .replace(/‹›/g, '(…)')
    .replace(/\b[A-Za-z_]*\d[\w]*\b/g, 'N')
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 80);
}

/** Errors gogo-emu gives for what its subset lacks (documented, not bugs). */
export const isUnsupported = (msg: string) => /^(\d+:\d+: )?unsupported: /.test(msg);
/** Errors gogo-emu gives at one of its stated limits (README "Limits"). */
export const isLimit = (msg: string) => /^(\d+:\d+: )?(limit: |.*\bnested too deeply\b)/.test(msg);

const lineCol = (msg: string) => /^(\d+):(\d+): /.exec(msg);

/** The comparable part of a run: stdout and exit exactly, stderr by fixtures/README.md's head(). */
function comparable(o: Extract<Outcome, { kind: 'run' }>) {
  return { stdout: o.stdout, stderr: stderrHead(o.stderr), exit: o.exit };
}

export function sameRun(a: Extract<Outcome, { kind: 'run' }>, b: Extract<Outcome, { kind: 'run' }>): boolean {
  const x = comparable(a);
  const y = comparable(b);
  return x.stdout === y.stdout && x.stderr === y.stderr && x.exit === y.exit;
}

function firstDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, a.lastIndexOf('\n', i - 1) + 1);
  const show = (s: string) => JSON.stringify(s.slice(from, from + 60));
  return `at byte ${i}: gogo-emu ${show(a)} vs go ${show(b)}`;
}

/**
 * The size of the one allocation gogo-emu refused because it is larger than
 * its whole heap (malloc.ts: "fatal error: runtime: out of memory" with
 * "allocating N bytes"), if that is how its run ended and what it printed
 * before is what Go printed up to there. Real Go asks the OS
 * and may get it (make(chan int, 1<<31-1) on amd64 reserves 16 GiB): the
 * heap's size is a stated limit (README "Limits").
 */
function oversized(emu: Extract<Outcome, { kind: 'run' }>, go: Extract<Outcome, { kind: 'run' }>): number | undefined {
  const m = /^fatal error: runtime: out of memory\n\nruntime stack:\nruntime\.sysMap\(\.\.\.\)\n\tallocating (\d+) bytes\n/m.exec(emu.stderr);
  if (!m || Number(m[1]) <= REGIONS.heap.size) return undefined;
  // what the program printed before must be what Go printed up to there
  return go.stdout.startsWith(emu.stdout) && go.stderr.startsWith(emu.stderr.slice(0, m.index)) ? Number(m[1]) : undefined;
}

/**
 * The stack size gogo-emu could not find room for in its stacks region
 * (stackalloc.ts: "out of memory allocating stack of N bytes (the stacks
 * region holds R)"), if that is how its run ended and what it printed before
 * is what Go printed up to there. Go's stacks live in the whole address
 * space; gogo-emu's share one region below 4 GiB on both arches, so
 * several goroutines with stacks of hundreds of MiB (Go's maximum is 1 GB
 * on amd64) outgrow it: a stated limit (README "Limits").
 */
function stacksFull(emu: Extract<Outcome, { kind: 'run' }>, go: Extract<Outcome, { kind: 'run' }>): number | undefined {
  const m = /^fatal error: out of memory allocating stack of (\d+) bytes \(the stacks region holds \d+\)$/m.exec(emu.stderr);
  if (!m) return undefined;
  return go.stdout.startsWith(emu.stdout) && go.stderr.startsWith(emu.stderr.slice(0, m.index)) ? Number(m[1]) : undefined;
}

const IN_USE = /^(runtime: out of memory: cannot allocate \d+-byte block \()(\d+)( in use\)\nfatal error: out of memory)$/m;
const inUse = (stderr: string) => IN_USE.exec(stderr)?.[2] ?? '?';
/** The run with the "(N in use)" figure of an out-of-memory report masked (no report: unchanged). */
function maskInUse(o: Extract<Outcome, { kind: 'run' }>): Extract<Outcome, { kind: 'run' }> {
  return { ...o, stderr: o.stderr.replace(IN_USE, '$1N$3') };
}

/** How gogo-emu's outcome compares with real Go's (one or more runs of the same binary). */
export function compare(emu: Outcome, go: Outcome[], o: { generated?: boolean } = {}): Verdict {
  const g = go[0]!;
  const v = (cls: VerdictClass, signature: string, detail: string): Verdict => ({ cls, signature: `${cls}:${signature}`, detail });
  if (emu.kind === 'crash') return v('crash', errorShape(emu.detail.split('\n')[0]!), emu.detail.split('\n')[0]!);
  if (emu.kind === 'hang') return v('hang', '', emu.detail);
  if (g.kind === 'reject') {
    const first = g.errors[0] ?? '(no message)';
    if (emu.kind !== 'reject') return v('accepts-invalid', errorShape(first), `go: ${first}; gogo-emu ${emu.kind === 'run' ? `ran it (exit ${emu.exit})` : `ran it to its budget`}`);
    const mine = emu.errors[0] ?? '(no message)';
    if (mine === first) return v('ok', '', '');
    const a = lineCol(mine);
    const b = lineCol(first);
    const detail = `gogo-emu ${mine} | go ${first}`;
    if (a && b && a[1] === b[1] && a[2] === b[2]) return v('error-text', `${errorShape(first)}`, detail);
    if (a && b && a[1] === b[1]) return v('error-col', `${errorShape(first)}`, detail);
    return v('error-line', `${errorShape(first)}`, detail);
  }
  if (emu.kind === 'reject') {
    const mine = emu.errors[0] ?? '(no message)';
    if (isLimit(mine)) return v('limit', errorShape(mine), mine);
    if (isUnsupported(mine) && !o.generated) return v('unsupported', errorShape(mine), mine);
    return v('rejects-valid', errorShape(mine), `gogo-emu: ${mine}; go ${g.kind === 'run' ? `runs it (exit ${g.exit})` : 'accepts it'}`);
  }
  if (g.kind === 'timeout') return emu.kind === 'timeout' ? v('nonterminating', '', '') : v('go-timeout', '', g.detail);
  if (g.kind !== 'run') return v('ok', '', '');
  if (emu.kind === 'timeout') return v('budget', '', `gogo-emu: ${emu.detail}; go finished with exit ${g.exit}`);
  if (emu.kind !== 'run') return v('ok', '', '');
  if (sameRun(emu, g)) return v('ok', '', '');
  // a runtime feature gogo-emu documents as missing (more than one P)
  const missing = /^.*is not supported yet \(gogo-emu.*$/m.exec(emu.stderr);
  if (missing) return v('unsupported', errorShape(missing[0]), missing[0]);
  // both ran out of memory at the same point: the heap in use when it
  // happened depends on the address space and the allocator's state (real
  // go1.19 on arm gave 2306605056 and 2306670592 on reruns of one binary;
  // gogo-emu's heap region is a stated limit, README "Limits")
  const big = oversized(emu, g);
  if (big !== undefined) return v('limit', 'heap', `gogo-emu refused one allocation of ${big} bytes, more than its whole heap (${REGIONS.heap.size}); go got it from the OS`);
  const stack = stacksFull(emu, g);
  if (stack !== undefined) return v('limit', 'stacks', `gogo-emu's stacks region had no room for a ${stack}-byte stack; go's stacks are not confined to a region`);
  if (sameRun(maskInUse(emu), maskInUse(g))) return v('limit', 'out of memory', `out of memory in both; heap in use differs: ${inUse(emu.stderr)} vs go ${inUse(g.stderr)}`);
  const runs = go.filter((x): x is Extract<Outcome, { kind: 'run' }> => x.kind === 'run');
  if (runs.some((x) => sameRun(x, emu)) || runs.some((x) => !sameRun(x, g))) return v('nondeterministic', '', 'real Go gives different outputs on reruns');
  const a = comparable(emu);
  const b = comparable(g);
  const what = a.exit !== b.exit ? 'exit' : a.stdout !== b.stdout ? 'stdout' : 'stderr';
  const detail = what === 'exit' ? `exit ${a.exit} vs go ${b.exit}; ${firstDiff(a.stderr, b.stderr)}` : what === 'stdout' ? firstDiff(a.stdout, b.stdout) : firstDiff(a.stderr, b.stderr);
  // group by the first line where the outputs part (real Go's side), shape only
  const [x, y] = what === 'stdout' ? [a.stdout, b.stdout] : [a.stderr, b.stderr];
  const xl = x.split('\n');
  const yl = y.split('\n');
  let i = 0;
  while (i < xl.length && i < yl.length && xl[i] === yl[i]) i++;
  return v('output', `${what}:${errorShape(yl[i] ?? '(end)')}|${errorShape(xl[i] ?? '(end)')}`, detail);
}

/**
 * Without real Go: only what gogo-emu must never do (crash, hang), and for
 * generated programs (valid Go of the subset by construction) any rejection.
 */
export function judgeAlone(emu: Outcome, o: { generated?: boolean } = {}): Verdict {
  if (emu.kind === 'crash') return { cls: 'crash', signature: `crash:${errorShape(emu.detail.split('\n')[0]!)}`, detail: emu.detail.split('\n')[0]! };
  if (emu.kind === 'hang') return { cls: 'hang', signature: 'hang:', detail: emu.detail };
  if (o.generated && emu.kind === 'reject') return { cls: 'rejects-valid', signature: `rejects-valid:${errorShape(emu.errors[0] ?? '')}`, detail: `gogo-emu: ${emu.errors[0]}` };
  return { cls: 'emu-only', signature: 'emu-only:', detail: '' };
}
