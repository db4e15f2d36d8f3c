// The floor of a goroutine switch in this architecture (TypeScript scheduler
// behind host calls): what the unavoidable FFI crossings cost, measured on a
// bare Engine with no runtime. A guest loop calls a host slot (the arch's
// return instruction) N times:
//   - without a hook: Unicorn's own cost per iteration (4 instructions);
//   - with an empty JavaScript code hook on the slot (Engine.hookCode, the
//     mechanism src/os/host.ts uses): the host call round trip;
//   - with a hook that also reads the hot registers (one uc_reg_read_batch,
//     as a host call's first register read does) or writes one register
//     (uc_reg_write, as a result or a tail call does);
// and, outside emulation, uc_emu_start of a run that exits at once.
//
//   npx tsx tools/bench-floor.ts [--n 200000] [--runs 5] [--arch amd64,arm]
//
// Then, with the counts per switch of tools/prof-ffi.ts, the best switches/s
// if every other JavaScript cost were zero. Not part of the tests.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { compileProgram } from '../src/compile/index.ts';
import { uc } from '../src/engine/unicorn.ts';
import { Process } from '../src/session/process.ts';
import { ARCHES } from '../src/arch/index.ts';
import { Engine, EXIT_SENTINEL } from '../src/engine/engine.ts';
import type { Arch } from '../src/arch/index.ts';

const argv = process.argv.slice(2);
const opt = (k: string, d: number) => {
  const i = argv.indexOf(k);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const N = opt('--n', 200_000);
const RUNS = opt('--runs', 5);

const CODE = 0x10000;
const SLOT = 0x11000;
const STACK = 0x1f000;

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** loop: call SLOT; counter -= 1; until 0; then to EXIT_SENTINEL. The counter: RCX / R1. */
function program(arch: Arch): { code: number[]; slot: number[]; counter: string; setup(e: Engine): void } {
  if (arch.name === 'amd64') {
    return {
      // call rel32; dec rcx; jnz -10; ret
      code: [0xe8, ...le32(SLOT - (CODE + 5)), 0x48, 0xff, 0xc9, 0x75, 0xf6, 0xc3],
      slot: [0xc3],
      counter: 'rcx',
      setup(e) {
        e.arenas[0]!.view.setBigUint64(STACK - CODE, BigInt(EXIT_SENTINEL), true);
        e.setReg('rsp', STACK);
      },
    };
  }
  const w = (x: number) => le32(x >>> 0);
  return {
    // bl SLOT; subs r1, r1, #1; bne 0; mov pc, r4
    code: [...w(0xeb000000 | (((SLOT - (CODE + 8)) >> 2) & 0xffffff)), ...w(0xe2511001), ...w(0x1afffffc), ...w(0xe1a0f004)],
    slot: w(0xe12fff1e), // bx lr
    counter: arch.name === 'arm' ? 'r1' : 'r1',
    setup(e) {
      e.setReg('r4', EXIT_SENTINEL);
      e.setReg('sp', STACK);
    },
  };
}

/** A loop of `body` (bytes) N times, counter RCX / R1, then to EXIT_SENTINEL (via the stack / R4). */
function loopOf(arch: Arch, body: number[]): number[] {
  const b = body.length;
  if (arch.name === 'amd64') return [...body, 0x48, 0xff, 0xc9, 0x75, (-(b + 5)) & 0xff, 0xc3];
  return [...body, ...le32(0xe2511001), ...le32((0x1a000000 | ((-(b + 12) >> 2) & 0xffffff)) >>> 0), ...le32(0xe1a0f004)];
}

/** ns per guest instruction (register moves) and per guest store, on an engine without JavaScript hooks (as Engine.run runs, with a count). */
function guestCosts(arch: Arch): { insn: number; store: number } {
  const K = 8;
  const reg = arch.name === 'amd64' ? [0x48, 0x89, 0xd8] : le32(0xe1a00002); // mov rax, rbx / mov r0, r2
  const st = arch.name === 'amd64' ? [0x48, 0x89, 0x44, 0x24, 0xf8] : le32(0xe50d0008); // mov [rsp-8], rax / str r0, [sp, #-8]
  const time = (body: number[], n: number) => {
    const e = new Engine(arch);
    const mem = e.mapArena(CODE, 0x10000);
    mem.bytes.set(loopOf(arch, body), 0);
    const p = program(arch);
    const once = (k: number) => {
      p.setup(e);
      e.setReg(p.counter, k);
      return cpuNs(() => e.run(CODE));
    };
    once(100);
    const xs: number[] = [];
    for (let r = 0; r < RUNS; r++) xs.push(once(n) / n);
    e.close();
    return median(xs);
  };
  const n = N * 5;
  const empty = time([], n);
  const regs = time(Array.from({ length: K }, () => reg).flat(), n);
  const stores = time(Array.from({ length: K }, () => st).flat(), n);
  return { insn: (regs - empty) / K, store: (stores - empty) / K };
}

function cpuNs(fn: () => void): number {
  const a = cpuUsage();
  fn();
  const b = cpuUsage(a);
  return (b.user + b.system) * 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

interface Floor {
  loop: number;
  hook: number;
  batch: number;
  write: number;
  start: number;
  batchOutside: number;
  writeOutside: number;
  insn: number;
  store: number;
}

function measure(arch: Arch): Floor {
  const e = new Engine(arch);
  const mem = e.mapArena(CODE, 0x10000);
  const p = program(arch);
  mem.bytes.set(p.code, 0);
  mem.bytes.set(p.slot, SLOT - CODE);
  e.invalidateCode(CODE, 0x10000);
  const pcId = arch.regIds[arch.pcReg]!;
  const dead = arch.regIds[arch.name === 'amd64' ? 'rax' : 'r0']!;
  let mode = 0;
  e.hookCode(SLOT, SLOT + 15, () => {
    if (mode === 1) e.regById(pcId); // remembered values are forgotten on hook entry: one batch read
    else if (mode === 2) e.setRegById(dead, 7);
  });
  const loop = (m: number, n: number) => {
    mode = m;
    p.setup(e);
    e.setReg(p.counter, n);
    return cpuNs(() => {
      const r = e.run(CODE);
      if (r.reason !== 'exit') throw new Error('loop did not exit');
    });
  };
  // the loop without the JavaScript hook: a second engine with the same code
  const bare = new Engine(arch);
  const bm = bare.mapArena(CODE, 0x10000);
  bm.bytes.set(p.code, 0);
  bm.bytes.set(p.slot, SLOT - CODE);
  const bareLoop = (n: number) => {
    p.setup(bare);
    bare.setReg(p.counter, n);
    return cpuNs(() => bare.run(CODE));
  };
  // warm up (translation)
  loop(0, 1000);
  bareLoop(1000);
  const res: Record<Exclude<keyof Floor, "insn" | "store">, number[]> = { loop: [], hook: [], batch: [], write: [], start: [], batchOutside: [], writeOutside: [] };
  for (let r = 0; r < RUNS; r++) {
    const t0 = bareLoop(N * 10) / (N * 10);
    const t1 = loop(0, N) / N;
    const t2 = loop(1, N) / N;
    const t3 = loop(2, N) / N;
    res.loop.push(t0);
    res.hook.push(t1 - t0);
    res.batch.push(t2 - t1);
    res.write.push(t3 - t1);
    // uc_emu_start of a run that ends at once (the exit sentinel's fetch fault) and the PC read after it
    res.start.push(cpuNs(() => {
      for (let i = 0; i < N / 10; i++) bare.run(EXIT_SENTINEL);
    }) / (N / 10));
    res.batchOutside.push(cpuNs(() => {
      for (let i = 0; i < N; i++) {
        (e as unknown as { forgetRegs(): void }).forgetRegs(); // as a hook's entry does
        e.regById(pcId);
      }
    }) / N);
    res.writeOutside.push(cpuNs(() => {
      for (let i = 0; i < N; i++) e.setRegById(dead, i);
    }) / N);
  }
  e.close();
  bare.close();
  const out = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, median(v)])) as unknown as Floor;
  Object.assign(out, guestCosts(arch));
  return out;
}

/** FFI crossings, guest instructions and guest stores per goroutine switch of a benchmark program, on the current tree. */
interface PerSwitch {
  switches: number;
  hooks: number;
  batches: number;
  reads: number;
  writes: number;
  starts: number;
  insns: number;
  stores: number;
}

async function count(arch: Arch, file: string): Promise<PerSwitch> {
  const src = readFileSync(join('tools/bench', file), 'utf8');
  const prog = await compileProgram(src, file, arch);
  const make = () => Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, maxInsns: 5e9, gomaxprocsEnv: '1' });
  // run 1: FFI calls (every uc_* call counted by a wrapper) and JavaScript hooks run
  const lib = uc() as Record<string, unknown>;
  const calls: Record<string, number> = {};
  const saved = new Map<string, unknown>();
  for (const [k, f] of Object.entries(lib)) {
    if (typeof f !== 'function' || !k.startsWith('uc_')) continue;
    saved.set(k, f);
    lib[k] = (...a: unknown[]) => {
      calls[k] = (calls[k] ?? 0) + 1;
      return (f as (...a: unknown[]) => unknown)(...a);
    };
  }
  let switches = 0;
  let hooks = 0;
  const p = await make();
  p.bus.on((e) => void (e.kind === 'execute' && switches++));
  const eng = p.machine.engine;
  const prev = eng.onHookEntry;
  eng.onHookEntry = () => {
    hooks++;
    prev?.();
  };
  const r = p.run();
  for (const [k, f] of saved) lib[k] = f;
  // run 2: guest stores (a JavaScript hook on every store: slow, and it would change the counts above)
  let stores = 0;
  const q = await make();
  q.machine.engine.hookMemWrite(1, 0, () => void stores++);
  q.run();
  const per = (n: number) => n / switches;
  return {
    switches,
    hooks: per(hooks),
    batches: per(calls.uc_reg_read_batch ?? 0),
    reads: per(calls.uc_reg_read ?? 0),
    writes: per(calls.uc_reg_write ?? 0),
    starts: per(calls.uc_emu_start ?? 0),
    insns: per(r.insns),
    stores: per(stores),
  };
}

const fmt = (ns: number) => `${ns.toFixed(0)} ns`;
const f2 = (x: number) => x.toFixed(2);
console.log(`floor: ${N} iterations, ${RUNS} runs, CPU-time medians; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const archIdx = argv.indexOf('--arch');
const arches = archIdx >= 0 ? argv[archIdx + 1]!.split(',').map((n) => ARCHES[n as 'amd64' | 'arm']) : [ARCHES.amd64, ARCHES.arm];
for (const arch of arches) {
  const f = measure(arch);
  console.log(
    `${arch.name}: loop iteration (no hook) ${f.loop.toFixed(1)} ns; host call round trip (code hook + koffi callback + return) ${fmt(f.hook)}; ` +
      `uc_reg_read_batch of the hot registers ${fmt(f.batch)} in a hook / ${fmt(f.batchOutside)} outside; uc_reg_write ${fmt(f.write)} in a hook / ${fmt(f.writeOutside)} outside; ` +
      `uc_emu_start (+ PC read) of an empty run ${fmt(f.start)}; guest instruction ${f.insn.toFixed(1)} ns, guest store ${fmt(f.store)}`,
  );
  for (const file of ['pingpong100k.go', 'gosched.go']) {
    const c = await count(arch, file);
    const ffi = c.hooks * f.hook + c.batches * f.batch + (c.reads + c.writes) * f.write + c.starts * f.start;
    const guest = c.insns * f.insn + c.stores * f.store;
    console.log(
      `  ${file}: ${c.switches} switches; per switch ${f2(c.hooks)} host calls (JS hooks), ${f2(c.batches)} batch reads, ${f2(c.reads)} single reads, ${f2(c.writes)} writes, ` +
        `${c.starts.toFixed(4)} uc_emu_start, ${f2(c.insns)} instructions of which ${f2(c.stores)} stores`,
    );
    console.log(
      `    floor: FFI ${(ffi / 1000).toFixed(2)} us + guest code ${(guest / 1000).toFixed(2)} us = ${((ffi + guest) / 1000).toFixed(2)} us per switch ` +
        `=> at most ${Math.round(1e9 / (ffi + guest)).toLocaleString('en-US')} switches/s with every other JavaScript cost at zero`,
    );
  }
}
