// `npx tsx tools/bench-snapshot.ts [--arch amd64|arm] [--reps 7]`: cost of the
// engine's arena snapshots, measured (not asserted anywhere).
//
// For each dirty-page tracker (uffd-wp where the kernel has it, and the
// shadow fallback) and N in 10, 1,000, 10,000: an arena the size of the
// machine's (1.6 GiB, MAP_NORESERVE) that already holds 10,000 touched pages
// (a program's footprint), then, repeatedly, emulated code writes one word to
// each of N pages and the arena is snapshotted. Reported, as medians over the
// repetitions:
// - snapshot: pages and bytes it holds, and the time to take it;
// - restore: going back to the previous snapshot after the N pages were
//   written again (N pages compared and rewritten);
// - the first emulated write of N pages after a snapshot versus writing
//   them again within the same interval: the page-fault cost uffd-wp adds
//   to the run itself (the shadow tracker adds none there and pays in the
//   snapshot instead);
// plus the time to save/load the CPU state as bytes.
import { ARCHES, type ArchName } from '../src/arch/index.ts';
import { assemble, initAsm } from '../src/engine/asm.ts';
import type { TrackerKind } from '../src/engine/dirty.ts';
import { Engine, EXIT_SENTINEL } from '../src/engine/engine.ts';

const PAGE = 0x1000;
const BASE = 0x400000;
const SIZE = 0x64000000 - BASE; // the machine's arena (src/os/memmap.ts): 1.6 GiB
const CODE = BASE;
const FOOTPRINT = BASE + 0x1000000; // 10,000 pages touched before the first snapshot
const DIRTY = BASE + 0x4000000; // the N pages written per interval

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
}
const archName = arg('arch', 'amd64') as ArchName;
const REPS = Number(arg('reps', '7'));
const arch = ARCHES[archName];

const WRITER: Record<ArchName, { src: string; regs: [string, string, string, string] }> = {
  amd64: {
    regs: ['rdi', 'rsi', 'rdx', 'rcx'],
    src: `
again:
  mov qword ptr [rdi], rsi
  add rsi, 1
  add rdi, rdx
  dec rcx
  jnz again
  mov r11, ${EXIT_SENTINEL}
  jmp r11`,
  },
  arm: {
    regs: ['r0', 'r1', 'r2', 'r3'],
    src: `
again:
  str r1, [r0]
  add r1, r1, #1
  add r0, r0, r2
  subs r3, r3, #1
  bne again
  ldr r12, =${EXIT_SENTINEL}
  bx r12`,
  },
};

function ms(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
const f2 = (x: number) => x.toFixed(2).padStart(8);

interface Row {
  tracker: TrackerKind;
  n: number;
  pages: number;
  bytes: number;
  snapMs: number;
  restoreMs: number;
  restoreWritten: number;
  firstWriteMs: number;
  rewriteMs: number;
  /** the first snapshot: tracking starts, the footprint and code are copied */
  firstPages: number;
  firstMs: number;
}

function bench(tracker: TrackerKind, n: number): Row | string {
  const e = new Engine(arch);
  try {
    arch.initCpu(e);
    const mem = e.mapArena(BASE, SIZE, undefined, { dirtyTracking: tracker });
    mem.write(CODE, assemble(arch.asm, WRITER[arch.name].src, CODE));
    const regs = WRITER[arch.name].regs;
    let value = 1;
    const write = (addr: number, count: number) => {
      e.setReg(regs[0], addr);
      e.setReg(regs[1], value);
      e.setReg(regs[2], PAGE);
      e.setReg(regs[3], count);
      value += count;
      e.run(CODE);
    };
    write(FOOTPRINT, 10_000);
    let firstPages = 0;
    let firstMs = 0;
    try {
      firstMs = ms(() => (firstPages = mem.snapshot().pageCount)); // the first one: starts tracking, holds the footprint
    } catch (err) {
      return `${tracker}: unavailable here (${(err as Error).message})`;
    }
    if (mem.tracking !== tracker) return `${tracker}: unavailable here`;
    const row: Row = { tracker, n, pages: 0, bytes: 0, snapMs: 0, restoreMs: 0, restoreWritten: 0, firstWriteMs: 0, rewriteMs: 0, firstPages, firstMs };
    const snap: number[] = [];
    const restore: number[] = [];
    const first: number[] = [];
    const again: number[] = [];
    for (let r = 0; r < REPS; r++) {
      first.push(ms(() => write(DIRTY, n)));
      again.push(ms(() => write(DIRTY, n)));
      let s = undefined as unknown as ReturnType<typeof mem.snapshot>;
      snap.push(ms(() => (s = mem.snapshot())));
      row.pages = s.pageCount;
      row.bytes = s.byteLength;
      write(DIRTY, n);
      let written = 0;
      restore.push(ms(() => (written = mem.restore(s).written.length)));
      row.restoreWritten = written;
    }
    row.snapMs = median(snap);
    row.restoreMs = median(restore);
    row.firstWriteMs = median(first);
    row.rewriteMs = median(again);
    return row;
  } finally {
    e.close();
  }
}

await initAsm();
console.log(`arena snapshots on ${arch.name}: arena ${SIZE / 2 ** 20} MiB, footprint 10000 pages, medians of ${REPS} runs`);
console.log('tracker     N dirty | snapshot pages    bytes     ms | restore written     ms | emulated write N pages: 1st after snap  again (ms)');
for (const tracker of ['uffd-wp', 'shadow'] as const) {
  for (const n of [10, 1000, 10_000]) {
    const r = bench(tracker, n);
    if (typeof r === 'string') {
      console.log(r);
      break;
    }
    if (n === 10) console.log(`${r.tracker}: first snapshot (starts tracking; footprint + code): ${r.firstPages} pages, ${r.firstMs.toFixed(2)} ms`);
    console.log(
      `${r.tracker.padEnd(8)} ${String(r.n).padStart(7)} | ${String(r.pages).padStart(14)} ${String(r.bytes).padStart(8)} ${f2(r.snapMs)} | ${String(r.restoreWritten).padStart(15)} ${f2(r.restoreMs)} | ${f2(r.firstWriteMs).padStart(38)} ${f2(r.rewriteMs)}`,
    );
  }
}

{
  const e = new Engine(arch);
  arch.initCpu(e);
  const bytes = e.saveCpu();
  const N = 20_000;
  const save = ms(() => {
    for (let i = 0; i < N; i++) e.saveCpu();
  });
  const load = ms(() => {
    for (let i = 0; i < N; i++) e.loadCpu(bytes);
  });
  console.log(`CPU state: ${bytes.length} bytes; saveCpu ${((save * 1000) / N).toFixed(2)} us, loadCpu ${((load * 1000) / N).toFixed(2)} us`);
  e.close();
}
