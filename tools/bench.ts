// `npm run bench`: speed of the emulator, measured (never asserted anywhere).
//
//   npm run bench [-- --runs N] [--arch amd64|arm] [--prog cpu,pingpong,gosched,pingpong4,million] [--no-native] [--json out.json]
//
// For each arch and program (tools/bench/*.go):
// - emulated, N runs in this process (default 3), medians: compile (Go source
//   to assembly), boot (link from the assembly cache, machine, runtime
//   objects: Process.create) and run (Process.run: rt0_go to exit), each in
//   wall and CPU time (CPU: this process's user+system, all its threads);
//   the timed runs have no event subscribers;
// - one more, untimed run counts the goroutine switches (every gogo into a
//   goroutine: the runtime's 'execute' events) and the instructions, which
//   are the same in every run (deterministic);
// - native: the same program built by go1.19 (when installed), amd64 on this
//   machine and arm under qemu-arm (when installed), timed inside the program
//   (main's body only, wall and CPU from getrusage: no process start-up, no
//   runtime init), N runs, medians;
// - million (pingpong500k.go: a million switches) runs only when named in
//   --prog;
// - pingpong4x.go runs at GOMAXPROCS=4 (four independent pairs; the others
//   at 1), emulated and real alike; its real-Go switches/s divides the
//   emulated run's switch count (real Go's own count is not observed) by real
//   Go's CPU time, which on a machine with fewer than 4 free CPUs is time
//   sliced by the kernel;
// - raw Unicorn (cpu.go only): the compiled fib called directly on a machine
//   with no block hook (the engine's own speed on the same code through the
//   same FFI), N runs, medians.
// The machine's load (os.loadavg) is printed at the start and the end: on a
// loaded machine wall times grow, CPU times much less. --json writes every
// sample. Not part of the tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCH_NAMES, archByName, type Arch } from '../src/arch/index.ts';
import { compileProgram } from '../src/compile/index.ts';
import { EXIT_SENTINEL } from '../src/engine/engine.ts';
import { Machine, ROOT } from '../src/os/machine.ts';
import { REGIONS } from '../src/os/memmap.ts';
import { dataSymbols } from '../src/runtime/globals.ts';
import { defineRuntimeHosts } from '../src/runtime/hosts.ts';
import { Process } from '../src/session/process.ts';
import { unicornLibrary, unicornVersion } from '../src/engine/unicorn.ts';
import { fmt, loadNote, median, selfCpu } from './lib/measure.ts';

const GO = '/usr/lib/go-1.19/bin/go';
const benchDir = join(ROOT, 'tools', 'bench');
/** each program and the GOMAXPROCS it runs with (emulated and real Go alike, through the environment) */
const PROGRAMS: Record<string, string> = { cpu: 'cpu.go', pingpong: 'pingpong100k.go', gosched: 'gosched.go', pingpong4: 'pingpong4x.go', million: 'pingpong500k.go' };
const PROCS: Record<string, string> = { pingpong4: '4' };

function options() {
  const a = process.argv.slice(2);
  const o = { runs: 3, arches: [...ARCH_NAMES] as string[], progs: Object.keys(PROGRAMS).filter((k) => k !== 'million'), native: true, json: undefined as string | undefined };
  for (let i = 0; i < a.length; i++) {
    const v = a[i + 1];
    if (a[i] === '--runs' && v) (o.runs = Math.max(1, Number(v))), i++;
    else if (a[i] === '--arch' && v) (o.arches = v.split(',')), i++;
    else if (a[i] === '--prog' && v) (o.progs = v.split(',')), i++;
    else if (a[i] === '--no-native') o.native = false;
    else if (a[i] === '--json' && v) (o.json = v), i++;
    else throw new Error(`bench: unknown argument ${a[i]} (see the comment at the top of tools/bench.ts)`);
  }
  for (const p of o.progs) if (!PROGRAMS[p]) throw new Error(`bench: unknown program ${p} (${Object.keys(PROGRAMS).join(', ')})`);
  return o;
}

interface Timed {
  wall: number;
  cpu: number;
}

function timed<T>(f: () => T): [T, Timed] {
  const c0 = selfCpu();
  const t0 = process.hrtime.bigint();
  const r = f();
  return [r, { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: selfCpu() - c0 }];
}

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, Timed]> {
  const c0 = selfCpu();
  const t0 = process.hrtime.bigint();
  const r = await f();
  return [r, { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: selfCpu() - c0 }];
}

interface EmulatedSample {
  compile: Timed;
  boot: Timed;
  run: Timed;
}

async function emulateOnce(src: string, file: string, arch: Arch, count: boolean, procs: string) {
  const [prog, compile] = await timedAsync(() => compileProgram(src, file, arch));
  let switches = 0;
  const observe = count ? (p: Process) => void p.bus.on((e) => void (e.kind === 'execute' && switches++)) : undefined;
  const [p, boot] = await timedAsync(() => Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, maxInsns: 5_000_000_000, gomaxprocsEnv: procs, observe }));
  try {
    const [r, run] = timed(() => p.run());
    if (r.exitCode !== 0) throw new Error(`${file} on ${arch.name} exited ${r.exitCode}: ${r.stderr}`);
    return { sample: { compile, boot, run } as EmulatedSample, insns: r.insns, switches, out: r.stderr.trim() };
  } finally {
    p.close();
  }
}

/** The compiled main.fib(27) of cpu.go called directly: no block hook, no runtime, no threads. */
async function rawFib(arch: Arch, src: string): Promise<Timed> {
  const prog = await compileProgram(src, 'cpu.go', arch);
  const m = await Machine.create({
    arch,
    blocks: [...(await import('../src/os/machine.ts')).stubBlocks(arch), ...prog.blocks],
    data: dataSymbols(arch, prog.globals).addrs,
    defineHosts: (h) =>
      defineRuntimeHosts(h, () => {
        throw new Error('raw fib calls no runtime function');
      }),
  });
  try {
    const e = m.engine;
    const fakeG = REGIONS.heap.start; // zeroed: stackguard0 = 0, so no prologue calls morestack
    const top = REGIONS.stacks.start + (1 << 20);
    let result: () => number;
    if (arch.lrReg) {
      // arm ABI0: the argument at 4(SP), the result at 8(SP); g in R10
      e.sp = top - 16;
      e.setReg(arch.lrReg, EXIT_SENTINEL);
      m.mem.setPtr(top - 12, 27);
      e.setReg('r10', fakeG);
      result = () => m.mem.ptr(top - 8);
    } else {
      // amd64 ABIInternal: the argument and the result in AX; g in R14
      e.sp = top - 8;
      m.mem.setPtr(top - 8, EXIT_SENTINEL);
      e.setReg('rax', 27);
      e.setReg('r14', fakeG);
      result = () => Number(e.reg('rax'));
    }
    const [r, t] = timed(() => e.run(m.sym('main.fib')));
    if (r.reason !== 'exit' || result() !== 196418) throw new Error(`raw fib on ${arch.name}: ${r.reason}, result ${result()}`);
    return t;
  } finally {
    m.close();
  }
}

/** Build prog with a main that times the original main's body; undefined when the toolchain (or qemu-arm) is missing. */
function buildNative(prog: string, arch: string, procs: string): { run: () => Timed; cleanup: () => void } | undefined {
  if (!existsSync(GO)) return undefined;
  const qemu = arch === 'arm' ? spawnSync('which', ['qemu-arm'], { encoding: 'utf8' }).stdout.trim() : '';
  if (arch === 'arm' && !qemu) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gogo-bench-'));
  const src = readFileSync(join(benchDir, prog), 'utf8');
  if (!/^func main\(\) \{/m.test(src)) throw new Error(`${prog}: no func main() to time`);
  writeFileSync(join(dir, 'prog.go'), src.replace(/^func main\(\) \{/m, 'func benchMain() {'));
  writeFileSync(
    join(dir, 'bench_main.go'),
    `package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func cpuNanos() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return r.Utime.Nano() + r.Stime.Nano()
}

func main() {
	c0 := cpuNanos()
	t0 := time.Now()
	benchMain()
	wall := time.Since(t0).Nanoseconds()
	fmt.Fprintf(os.Stdout, "%d %d\\n", wall, cpuNanos()-c0)
}
`,
  );
  writeFileSync(join(dir, 'go.mod'), 'module benchprog\n\ngo 1.19\n');
  const bin = join(dir, 'prog');
  execFileSync(GO, ['build', '-o', bin, '.'], { cwd: dir, env: { ...process.env, GOARCH: arch, GOARM: '7', CGO_ENABLED: '0', GOFLAGS: '' }, stdio: 'ignore' });
  return {
    run: () => {
      const r = spawnSync(qemu || bin, qemu ? [bin] : [], { encoding: 'utf8', env: { GOMAXPROCS: procs } });
      const [wall, cpu] = r.stdout.trim().split(' ').map(Number);
      if (r.status !== 0 || !Number.isFinite(wall)) throw new Error(`native ${prog} (${arch}) failed: ${r.stderr}`);
      return { wall: wall! / 1e9, cpu: cpu! / 1e9 };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const med = (xs: Timed[], k: keyof Timed) => median(xs.map((x) => x[k]));
const ms = (s: number) => fmt(s * 1e3, 0);

const o = options();
console.log(`gogo-emu benchmark: node ${process.version}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${o.runs} runs per measurement (medians)`);
console.log(`Unicorn ${unicornVersion()} (${unicornLibrary()}); start: ${loadNote()}`);
const rows: string[] = [];
const compare: string[] = [];
const all: Record<string, unknown>[] = [];
for (const archName of o.arches) {
  const arch = archByName(archName);
  for (const key of o.progs) {
    const file = PROGRAMS[key]!;
    const src = readFileSync(join(benchDir, file), 'utf8');
    const procs = PROCS[key] ?? '1';
    const counted = await emulateOnce(src, file, arch, true, procs); // also fills the assembly cache
    const samples: EmulatedSample[] = [];
    for (let i = 0; i < o.runs; i++) samples.push((await emulateOnce(src, file, arch, false, procs)).sample);
    const run = samples.map((s) => s.run);
    const runWall = med(run, 'wall');
    const runCpu = med(run, 'cpu');
    rows.push(
      `| ${archName} | ${file}${procs === '1' ? '' : ` (GOMAXPROCS=${procs})`} | ${ms(med(samples.map((s) => s.compile), 'wall'))} / ${ms(med(samples.map((s) => s.compile), 'cpu'))} | ${ms(med(samples.map((s) => s.boot), 'wall'))} / ${ms(med(samples.map((s) => s.boot), 'cpu'))} | ${fmt(runWall, 3)} / ${fmt(runCpu, 3)} | ${fmt(counted.insns, 0)} | ${fmt(counted.switches, 0)} | ${fmt(counted.insns / runCpu / 1e6, 2)} | ${counted.switches > 10 ? fmt(counted.switches / runCpu, 0) : '-'} |`,
    );
    const entry: Record<string, unknown> = { arch: archName, prog: file, insns: counted.insns, switches: counted.switches, output: counted.out, emulated: samples };
    if (key === 'cpu') {
      const raw: Timed[] = [];
      for (let i = 0; i < o.runs; i++) raw.push(await rawFib(arch, src));
      entry.raw = raw;
      compare.push(`| ${archName} | ${file} | raw Unicorn, fib(27) called directly, no hooks | ${fmt(med(raw, 'wall'), 3)} / ${fmt(med(raw, 'cpu'), 3)} | emulated run / raw: ${fmt(runCpu / med(raw, 'cpu'), 2)}x (CPU) |`);
    }
    const native = o.native ? buildNative(file, archName, procs) : undefined;
    if (native) {
      try {
        const nat: Timed[] = [];
        for (let i = 0; i < o.runs; i++) nat.push(native.run());
        entry.native = nat;
        const how = archName === 'arm' ? 'go1.19 under qemu-arm' : 'go1.19 native';
        const rate = counted.switches > 10 ? `, ${fmt(counted.switches / med(nat, 'cpu'), 0)} switches/s` : '';
        compare.push(`| ${archName} | ${file}${procs === '1' ? '' : ` (GOMAXPROCS=${procs})`} | ${how}, main's body timed in-process${rate} | ${fmt(med(nat, 'wall'), 4)} / ${fmt(med(nat, 'cpu'), 4)} | emulated run / real: ${fmt(runCpu / med(nat, 'cpu'), 0)}x (CPU), ${fmt(runWall / med(nat, 'wall'), 0)}x (wall) |`);
      } finally {
        native.cleanup();
      }
    } else if (o.native) {
      compare.push(`| ${archName} | ${file} | real Go: go1.19${archName === 'arm' ? ' or qemu-arm' : ''} not installed | - | - |`);
    }
    all.push(entry);
  }
}
console.log('\nEmulated (wall / CPU; rates from the run phase\'s CPU time):\n');
console.log('| arch | program | compile ms | boot ms | run s | instructions | switches | M insn/s | switches/s |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
if (compare.length) {
  console.log('\nThe same work elsewhere (wall / CPU, seconds):\n');
  console.log('| arch | program | what | s | ratio |');
  console.log('|---|---|---|---:|---|');
  for (const r of compare) console.log(r);
}
console.log(`\nend: ${loadNote()}; peak memory (max RSS of this process): ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB`);
if (o.json) writeFileSync(o.json, `${JSON.stringify({ node: process.version, runs: o.runs, results: all }, null, 1)}\n`);
