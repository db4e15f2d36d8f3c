// `npx tsx tools/bench-snapshot-session.ts [--arch amd64|arm] [--reps 5]`:
// size and time of whole-run snapshots (Session.snapshot / restore),
// measured (not asserted anywhere). Two programs of tools/bench/:
// - pingpong100k.go: 100,000 round trips between two goroutines, snapshotted
//   halfway;
// - blocked10k.go: 10,000 goroutines blocked on a channel, snapshotted when
//   all of them wait (its "blocked" line), then released.
// For each, on a fresh session per repetition (medians reported):
// - the first snapshot: the arena's dirty tracking starts and every page that
//   may be non-zero is copied (the footprint), plus every thread's registers
//   and the TypeScript state (threads, runtime, host registry, bus);
// - a second snapshot 100,000 instructions later: only the pages written in
//   between;
// - restore: back to the first snapshot from the end of the run, and to the
//   second one from there;
// - the cost of replay's automatic snapshots: the whole run with replay on
//   (a snapshot every AUTO_SNAPSHOT_EVERY instructions) against replay off.
// The first repetition also checks that the run restored to the first
// snapshot ends exactly as the straight run did.
import { serialize } from 'node:v8';
import { join } from 'node:path';
import { ARCH_NAMES, archByName, type Arch } from '../src/arch/index.ts';
import { ROOT } from '../src/os/machine.ts';
import { DEFAULT_MAX_INSNS } from '../src/session/budget.ts';
import { AUTO_SNAPSHOT_EVERY, Session, type SessionSnapshot, type StopCondition } from '../src/session/session.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const REPS = Number(arg('reps') ?? '5');
const arches = arg('arch') ? [arg('arch')!] : ARCH_NAMES;

const ms = (t0: number) => performance.now() - t0;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
const mb = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
const f = (x: number) => x.toFixed(1).padStart(7);

interface Bench {
  name: string;
  file: string;
  /** where the first snapshot is taken (given the straight run's instruction total) */
  at: (total: number) => StopCondition;
}

const BENCHES: Bench[] = [
  { name: 'pingpong100k', file: 'pingpong100k.go', at: (total) => ({ instructions: Math.floor(total / 2) }) },
  { name: 'blocked10k', file: 'blocked10k.go', at: () => ({ event: (e) => e.kind === 'output' && e.text.startsWith('blocked') }) },
];

/** Bytes of a snapshot: its own arena pages, the threads' registers, the TypeScript state (v8-serialized). */
function sizes(s: SessionSnapshot) {
  const regs = s.threads.cpu.length + s.threads.threads.reduce((n, t) => n + t.cpu.length, 0);
  const { threads, ...rest } = s.threads;
  const ts = serialize({ threads: threads.map(({ cpu: _cpu, ...t }) => t), rest, runtime: s.runtime, host: s.host, bus: s.bus }).length;
  return { pages: s.arena.pageCount, arena: s.arena.byteLength, regs, ts, threads: threads.length };
}

async function create(arch: Arch, b: Bench, replay: boolean): Promise<Session> {
  return Session.create(join(ROOT, 'tools', 'bench', b.file), arch, { replay, maxInsns: DEFAULT_MAX_INSNS, gomaxprocsEnv: '1' });
}

async function bench(arch: Arch, b: Bench): Promise<void> {
  // the straight run: its total, its result, and its time with replay off and on
  const offMs: number[] = [];
  const onMs: number[] = [];
  let total = 0;
  let straight = '';
  let autoPoints = 0;
  for (let r = 0; r < REPS; r++) {
    for (const replay of [false, true]) {
      const s = await create(arch, b, replay);
      const t0 = performance.now();
      s.start();
      const end = await s.runUntil();
      (replay ? onMs : offMs).push(ms(t0));
      if (end.reason !== 'exit') throw new Error(`${b.name}: the run ended with ${end.reason}`);
      total = s.insns;
      straight = JSON.stringify(s.result());
      if (replay) autoPoints = Math.floor(total / AUTO_SNAPSHOT_EVERY) + 1;
      s.close();
    }
  }

  const first: number[] = [];
  const second: number[] = [];
  const back: number[] = [];
  const near: number[] = [];
  let s1: ReturnType<typeof sizes> | undefined;
  let s2: ReturnType<typeof sizes> | undefined;
  let at = 0;
  for (let r = 0; r < REPS; r++) {
    const s = await create(arch, b, false);
    try {
      const stop = await s.runUntil(b.at(total));
      at = stop.insns;
      let t0 = performance.now();
      const a = s.snapshot();
      first.push(ms(t0));
      s1 = sizes(a);
      await s.runUntil({ instructions: at + 100_000 });
      t0 = performance.now();
      const c = s.snapshot();
      second.push(ms(t0));
      s2 = sizes(c);
      await s.runUntil();
      t0 = performance.now();
      s.restore(a);
      back.push(ms(t0));
      t0 = performance.now();
      s.restore(c);
      near.push(ms(t0));
      if (r === 0) {
        s.restore(a);
        await s.runUntil();
        if (JSON.stringify(s.result()) !== straight) throw new Error(`${b.name}: the run restored to its snapshot ended differently`);
      }
    } finally {
      s.close();
    }
  }
  console.log(`${arch.name} ${b.name}: ${total} instructions; snapshot at ${at} (${s1!.threads} threads)`);
  console.log(`  first snapshot  ${f(median(first))} ms  ${s1!.pages} pages = ${mb(s1!.arena)} arena + ${s1!.regs} B registers + ${s1!.ts} B TypeScript state`);
  console.log(`  +100k insns     ${f(median(second))} ms  ${s2!.pages} pages = ${mb(s2!.arena)} arena + ${s2!.regs} B registers + ${s2!.ts} B TypeScript state`);
  console.log(`  restore first   ${f(median(back))} ms  (from the end of the run)`);
  console.log(`  restore second  ${f(median(near))} ms  (from the first)`);
  console.log(`  whole run       ${f(median(offMs))} ms replay off, ${f(median(onMs))} ms replay on (${autoPoints} snapshots, one every ${AUTO_SNAPSHOT_EVERY} instructions)`);
}

console.log(`session snapshots, medians of ${REPS} runs`);
for (const name of arches) for (const b of BENCHES) await bench(archByName(name), b);
