// A fuzz campaign on one arch: `runs` programs, generated (gen.ts) and
// mutated (mutate.ts) alternately, each run by gogo-emu (emu.ts) and, when
// go1.19 is installed, by real Go (golang.ts), and classified (outcome.ts).
// Case i of a campaign depends only on (seed, i), so any case can be replayed.
// The first failure of each kind is shrunk — first with fast-check's own
// shrinker on the generator's input, then line by line on the source — and
// can be saved as a regression fixture (fixtures/fuzz/, see fixture.ts).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { ArchName } from '../../../src/arch/index.ts';
import { type EmuPool, emuOutcome } from './emu.ts';
import { choicesArb, generateProgram } from './gen.ts';
import { goAvailable, goCpuSeconds, goOutcome, goPrefetch } from './golang.ts';
import { applyMutant, type Mutant, mutantArb } from './mutate.ts';
import { compare, FAILURE_CLASSES, judgeAlone, type Outcome, type Verdict, type VerdictClass } from './outcome.ts';
import { reduceGo } from './reduce.ts';

/** CPU seconds per instruction real Go takes at the slowest: it runs at least 1e9 instructions/s natively and 1e8 under qemu-arm (see Evaluator.beyondBudget). */
const GO_CPU_PER_INSN: Record<ArchName, number> = { amd64: 1e-9, arm: 1e-8 };

/**
 * Evaluator.beyondBudget's rule: a 'budget' verdict becomes a stated limit
 * when real Go's measured CPU time (undefined: not measured) is at least
 * what `budget` instructions take at GO_CPU_PER_INSN; otherwise it stays.
 */
export function budgetVerdict(verdict: Verdict, cpu: number | undefined, budget: number, arch: ArchName): Verdict {
  const needs = budget * GO_CPU_PER_INSN[arch];
  if (cpu === undefined || cpu < needs) return verdict;
  return { cls: 'limit', signature: 'instruction budget', detail: `go needed ${cpu.toFixed(2)} s of CPU (over ${needs.toFixed(2)} s: more than ${budget} instructions); gogo-emu stopped at its budget of ${budget}` };
}

/**
 * The verdict of the last, long run of a program Go finishes where gogo-emu
 * did not within ten budgets: 'slow' when it now matches Go, the difference
 * when it ends otherwise (a real bug), undefined when it still did not end
 * (the 'budget' failure stands).
 */
export function longRunVerdict(long: Outcome, go: Outcome[], generated: boolean, ms: number): Verdict | undefined {
  if (long.kind !== 'run') return undefined;
  const v = compare(long, go, { generated });
  return v.cls === 'ok' ? { cls: 'slow', signature: 'slow:', detail: `matched go after ${Math.round(ms / 1000)} s (more than ten budgets of instructions)` } : v;
}

/** The last try of a program Go finishes and gogo-emu does not within 10 budgets: this many budgets, this much wall time. */
const LONG_RUN_SCALE = 1000;
const LONG_RUN_MS = 60 * 60_000;

export type CaseKind = 'gen' | 'mut';

export interface CampaignOptions {
  arch: ArchName;
  runs: number;
  seed: number;
  /** which streams, alternating (default both) */
  kinds?: CaseKind[];
  /** compare with real Go when it is installed (default true) */
  go?: boolean;
  pool: EmuPool;
  /** gogo-emu's instruction budget per program */
  maxInsns?: number;
  /** wall-clock limit per program before it counts as a hang */
  jobTimeoutMs?: number;
  /** programs in flight at once */
  concurrency?: number;
  /** programs per chunk (real Go builds a chunk in one batch; default 48) */
  chunk?: number;
  /** shrink the first failure of each signature (default true) */
  shrink?: boolean;
  /** wall-clock seconds of shrinking per failure (default 180) */
  shrinkSeconds?: number;
  /** fixture programs to mutate */
  bases: Map<string, string>;
  /** only these case indices */
  only?: number[];
  log?: (s: string) => void;
}

export interface CaseResult {
  index: number;
  kind: CaseKind;
  source: string;
  verdict: Verdict;
  emu: Outcome;
  go?: Outcome[];
  emuMs: number;
}

export interface Failure {
  first: CaseResult;
  count: number;
  /** the shrunk reproducer (when shrinking ran) */
  shrunk?: string;
}

export interface CampaignReport {
  arch: ArchName;
  seed: number;
  runs: number;
  byKind: Record<CaseKind, number>;
  counts: Partial<Record<VerdictClass, number>>;
  /** per class, the first few examples (for the report) */
  examples: Partial<Record<VerdictClass, CaseResult[]>>;
  failures: Map<string, Failure>;
  differential: boolean;
  ms: number;
}

/** A well-mixed 32-bit seed for case `i` of a campaign. */
export function caseSeed(seed: number, i: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ i, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h | 0;
}

type Value<T> = fc.Value<T>;

export interface CaseGen<T> {
  kind: CaseKind;
  arb: fc.Arbitrary<T>;
  source(v: T): string;
}

export function caseGens(arch: ArchName, bases: Map<string, string>): { gen: CaseGen<number[]>; mut: CaseGen<Mutant> } {
  const bits = arch === 'arm' ? 32 : 64;
  return {
    gen: { kind: 'gen', arb: choicesArb(), source: (v) => generateProgram(v, bits) },
    mut: { kind: 'mut', arb: mutantArb(bases), source: (v) => applyMutant(bases, v) },
  };
}

export class Evaluator {
  readonly differential: boolean;
  constructor(private readonly o: CampaignOptions) {
    this.differential = o.go !== false && goAvailable(o.arch).ok;
  }

  async emu(source: string, scale = 1): Promise<{ outcome: Outcome; ms: number }> {
    return emuOutcome(this.o.pool, source, this.o.arch, { maxInsns: (this.o.maxInsns ?? 50_000_000) * scale, timeoutMs: (this.o.jobTimeoutMs ?? 60_000) * scale });
  }

  async evaluate(source: string, generated: boolean, emu?: { outcome: Outcome; ms: number }): Promise<Omit<CaseResult, 'index' | 'kind'>> {
    const { arch } = this.o;
    let [e, g] = await Promise.all([emu ?? this.emu(source), this.differential ? goOutcome(source, arch) : Promise.resolve(undefined)]);
    let go = g;
    let verdict = go ? compare(e.outcome, go, { generated }) : judgeAlone(e.outcome, { generated });
    if (go && verdict.cls === 'budget') {
      // Go finished where gogo-emu ran out of its budget: slow, or looping? Ten times the budget tells
      const again = await this.emu(source, 10);
      e = again;
      verdict = compare(again.outcome, go, { generated });
      if (verdict.cls === 'budget') verdict = await this.beyondBudget(source, verdict, 10);
      if (verdict.cls === 'budget') {
        // not shown to be beyond the budget: run it to its end (at most LONG_RUN_SCALE budgets, LONG_RUN_MS of wall time)
        const long = await emuOutcome(this.o.pool, source, arch, { maxInsns: (this.o.maxInsns ?? 50_000_000) * LONG_RUN_SCALE, timeoutMs: LONG_RUN_MS });
        const v = longRunVerdict(long.outcome, go, generated, long.ms);
        if (v) {
          e = long;
          verdict = v;
        }
      }
    }
    if (go && verdict.cls === 'output') {
      // is real Go itself deterministic here? (qemu under load can reorder; on arm
      // one program's two runs differed where five cached runs had agreed: ten runs)
      go = await goOutcome(source, arch, { runs: 10 });
      verdict = compare(e.outcome, go, { generated });
    }
    return { source, verdict, emu: e.outcome, go, emuMs: e.ms };
  }

  /**
   * A program Go finishes but gogo-emu runs to `scale` times its budget is a
   * stated limit (the instruction budget, README "Limits"), not a bug, when
   * real Go itself needs more CPU time than that many instructions can take
   * at GO_CPU_PER_INSN seconds each, a rate every machine this runs on
   * exceeds (so Go's run had more instructions than the budget). Go's
   * CPU time is measured again here (goCpuSeconds), never taken from the cache.
   */
  private async beyondBudget(source: string, verdict: Verdict, scale: number): Promise<Verdict> {
    const budget = (this.o.maxInsns ?? 50_000_000) * scale;
    return budgetVerdict(verdict, await goCpuSeconds(source, this.o.arch), budget, this.o.arch);
  }

  /** Whether `source` still fails with `signature` (gogo-emu first; real Go only when gogo-emu's side can still match). */
  async still(source: string, generated: boolean, signature: string): Promise<boolean> {
    const cls = signature.slice(0, signature.indexOf(':')) as VerdictClass;
    const e = await this.emu(source);
    const k = e.outcome.kind;
    if (cls === 'crash' || cls === 'hang') return judgeAlone(e.outcome, { generated }).signature === signature;
    if (k === 'crash' || k === 'hang') return false;
    if (cls === 'rejects-valid' && k !== 'reject') return false;
    if (cls === 'accepts-invalid' && k === 'reject') return false;
    if (cls === 'output' && k !== 'run') return false;
    if (cls === 'budget' && k !== 'timeout') return false;
    return (await this.evaluate(source, generated, e)).verdict.signature === signature;
  }
}

/** Shrink a failing value with fast-check's shrinker, then its source with the Go-aware reducer. */
export async function shrinkFailure<T>(g: CaseGen<T>, start: Value<T>, still: (src: string) => Promise<boolean>, o: { maxSteps?: number; log?: (s: string) => void } = {}): Promise<string> {
  const maxSteps = o.maxSteps ?? 100;
  let cur = start;
  let steps = 0;
  outer: while (steps < maxSteps) {
    for (const cand of g.arb.shrink(cur.value_, cur.context)) {
      if (++steps > maxSteps) break outer;
      if (await still(g.source(cand.value))) {
        cur = cand;
        continue outer;
      }
    }
    break;
  }
  o.log?.(`    shrink: ${Math.min(steps, maxSteps)} steps with fast-check`);
  return reduceGo(g.source(cur.value), still, { maxSteps: 250, log: o.log });
}

export function sourceHash(src: string): string {
  return createHash('sha256').update(src).digest('hex').slice(0, 10);
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const t0 = Date.now();
  const kinds = o.kinds ?? ['gen', 'mut'];
  const gens = caseGens(o.arch, o.bases);
  const ev = new Evaluator(o);
  const report: CampaignReport = { arch: o.arch, seed: o.seed, runs: 0, byKind: { gen: 0, mut: 0 }, counts: {}, examples: {}, failures: new Map(), differential: ev.differential, ms: 0 };
  const values = new Map<string, { g: CaseGen<unknown>; v: Value<unknown> }>();
  const indices = o.only ?? Array.from({ length: o.runs }, (_, i) => i);
  let done = 0;
  const make = (i: number) => {
    const kind = kinds[i % kinds.length]!;
    const g = gens[kind] as CaseGen<unknown>;
    const v = g.arb.generate(new fc.Random(xoroshiro128plus(caseSeed(o.seed, i))), undefined);
    return { i, kind, g, v, source: g.source(v.value) };
  };
  const one = async ({ i, kind, g, v, source }: ReturnType<typeof make>) => {
    const r: CaseResult = { index: i, kind, ...(await ev.evaluate(source, kind === 'gen')) };
    report.runs++;
    report.byKind[kind]++;
    const cls = r.verdict.cls;
    report.counts[cls] = (report.counts[cls] ?? 0) + 1;
    const ex = (report.examples[cls] ??= []);
    if (ex.length < 5) ex.push(r);
    if (FAILURE_CLASSES.has(cls)) {
      const f = report.failures.get(r.verdict.signature);
      if (f) f.count++;
      else {
        report.failures.set(r.verdict.signature, { first: r, count: 1 });
        values.set(r.verdict.signature, { g, v });
        o.log?.(`  case ${i} (${kind}): ${cls}: ${r.verdict.detail}`);
      }
    }
    done++;
    if (done % 100 === 0) o.log?.(`  ${o.arch}: ${done}/${indices.length} (${Math.round((Date.now() - t0) / 1000)} s) ${JSON.stringify(report.counts)}`);
  };
  // in chunks: real Go builds the next chunk's programs in one batch (goPrefetch)
  // while gogo-emu runs the current one
  const CHUNK = o.chunk ?? 48;
  const chunks: number[][] = [];
  for (let c = 0; c < indices.length; c += CHUNK) chunks.push(indices.slice(c, c + CHUNK));
  const prepared = chunks.map(() => undefined as undefined | Promise<ReturnType<typeof make>[]>);
  const prepare = (k: number) =>
    (prepared[k] ??= (async () => {
      const cases = chunks[k]!.map(make);
      if (ev.differential) await goPrefetch(cases.map((c) => c.source), o.arch);
      return cases;
    })());
  for (let k = 0; k < chunks.length; k++) {
    const cases = await prepare(k);
    if (k + 1 < chunks.length) void prepare(k + 1);
    let next = 0;
    const workers = Array.from({ length: Math.max(1, o.concurrency ?? 2) }, async () => {
      while (next < cases.length) await one(cases[next++]!);
    });
    await Promise.all(workers);
  }

  if (o.shrink !== false) {
    for (const [sig, f] of report.failures) {
      const { g, v } = values.get(sig)!;
      o.log?.(`  shrinking ${sig} (case ${f.first.index})`);
      // shrinking is bounded in wall-clock time too (a program that runs to its budget costs seconds per step)
      const deadline = Date.now() + (o.shrinkSeconds ?? 180) * 1000;
      const still = async (src: string) => Date.now() < deadline && (await ev.still(src, g.kind === 'gen', sig));
      f.shrunk = await shrinkFailure(g, v, still, { log: o.log });
    }
  }
  report.ms = Date.now() - t0;
  return report;
}
