// Micro-benchmark of the struct views (src/go119/views.ts): the accesses the
// scheduler makes on a goroutine switch (a view made per access, scalar and
// pointer fields read and written, nested gobuf views, runq slots), in ns per
// operation, for each arch. Not part of the tests.
//
//   npx tsx tools/bench-views.ts [--rounds N]
import { ARCH_NAMES, archByName } from '../src/arch/index.ts';
import { Arena } from '../src/engine/arena.ts';
import { G, HChan, layoutFor, P, Sudog } from '../src/go119/index.ts';
import { fmt, loadNote, median } from './lib/measure.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;
const N = 200_000;
console.log(`struct views: ns per operation, median of ${rounds} rounds of ${N.toLocaleString('en-US')}; ${loadNote()}`);
console.log('| arch | new G + 1 read | 4 scalar reads | 4 scalar writes | gobuf save/restore | runq put/get | sudog + hchan | all (sum) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const name of ARCH_NAMES) {
  const arch = archByName(name);
  const L = layoutFor(arch);
  const mem = new Arena(0x1100000, 1 << 20, arch.ptrSize);
  const base = 0x1100000;
  const gs = [0, 1, 2, 3].map((i) => base + 0x1000 * (i + 1));
  const pAddr = base + 0x10000;
  const cAddr = base + 0x20000;
  const sAddr = base + 0x20800;
  let sink = 0;
  const cases: [string, () => void][] = [
    ['new G + 1 read', () => {
      for (let i = 0; i < N; i++) sink += new G(L, mem, gs[i & 3]!).atomicstatus;
    }],
    ['4 scalar reads', () => {
      const g = new G(L, mem, gs[0]!);
      for (let i = 0; i < N; i++) sink += g.atomicstatus + g.goid + g.m + g.schedlink;
    }],
    ['4 scalar writes', () => {
      const g = new G(L, mem, gs[1]!);
      for (let i = 0; i < N; i++) {
        g.atomicstatus = i & 3;
        g.goid = i;
        g.m = gs[2]!;
        g.preempt = (i & 1) === 0;
      }
    }],
    ['gobuf save/restore', () => {
      for (let i = 0; i < N; i++) {
        const g = new G(L, mem, gs[i & 3]!);
        g.sched.sp = 0x4000000 + i;
        g.sched.pc = 0x400000 + (i & 0xff);
        g.sched.g = g.addr;
        sink += g.sched.sp + g.sched.pc + g.sched.ctxt;
      }
    }],
    ['runq put/get', () => {
      const pp = new P(L, mem, pAddr);
      for (let i = 0; i < N; i++) {
        const t = pp.runqtail;
        pp.setRunq(t % pp.runqLen, gs[i & 3]!);
        pp.runqtail = (t + 1) >>> 0;
        const h = pp.runqhead;
        sink += pp.runq(h % pp.runqLen);
        pp.runqhead = (h + 1) >>> 0;
      }
    }],
    ['sudog + hchan', () => {
      for (let i = 0; i < N; i++) {
        const c = new HChan(L, mem, cAddr);
        const s = new Sudog(L, mem, sAddr);
        s.g = gs[i & 3]!;
        s.elem = 0x1234;
        s.c = c.addr;
        c.recvq.first = s.addr;
        sink += c.recvq.first + c.qcount + c.dataqsiz + s.g;
        c.recvq.first = 0;
      }
    }],
  ];
  const times = cases.map(([, f]) => {
    f(); // warm up
    const xs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = process.hrtime.bigint();
      f();
      xs.push(Number(process.hrtime.bigint() - t0) / N);
    }
    return median(xs);
  });
  console.log(`| ${name} | ${times.map((t) => fmt(t, 1)).join(' | ')} | ${fmt(times.reduce((a, b) => a + b, 0), 1)} |`);
  if (sink === 42) console.log('');
  mem.free();
}
