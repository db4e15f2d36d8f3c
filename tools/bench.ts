// `npm run bench`: speed of the emulator, measured (not asserted anywhere).
// For each arch: emulated instructions per second on a CPU-bound program,
// goroutine switches per second on a 100,000-round-trip channel ping-pong
// (every gogo counted through the runtime's event stream), the same program
// run by real Go 1.19 when its toolchain is installed (amd64 natively; arm
// under qemu-arm when present) and the ratio, and the peak memory (max RSS)
// of this process.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCH_NAMES, archByName } from '../src/arch/index.ts';
import { runSource } from '../src/cli/run.ts';
import { ROOT } from '../src/os/machine.ts';
import { DEFAULT_MAX_INSNS } from '../src/session/budget.ts';

const GO = '/usr/lib/go-1.19/bin/go';
const benchDir = join(ROOT, 'tools', 'bench');

function nativeSeconds(prog: string, arch: string): number | undefined {
  if (!existsSync(GO)) return undefined;
  const qemu = arch === 'arm' ? spawnSync('which', ['qemu-arm'], { encoding: 'utf8' }).stdout.trim() : '';
  if (arch === 'arm' && !qemu) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gogo-bench-'));
  try {
    const bin = join(dir, 'prog');
    execFileSync(GO, ['build', '-o', bin, join(benchDir, prog)], { env: { ...process.env, GOARCH: arch, GOARM: '7', CGO_ENABLED: '0', GOFLAGS: '' }, stdio: 'ignore' });
    const t0 = process.hrtime.bigint();
    spawnSync(qemu || bin, qemu ? [bin] : [], { stdio: 'ignore', env: { GOMAXPROCS: '1' } });
    return Number(process.hrtime.bigint() - t0) / 1e9;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark programs run longer than any fixture: two and a half times a plain run's budget. */
const BENCH_MAX_INSNS = 2.5 * DEFAULT_MAX_INSNS;

async function emulate(prog: string, arch: string) {
  let switches = 0;
  const src = readFileSync(join(benchDir, prog), 'utf8');
  const t0 = process.hrtime.bigint();
  const r = await runSource(src, prog, archByName(arch), { maxInsns: BENCH_MAX_INSNS, gomaxprocsEnv: '1', observe: (p) => p.bus.on((e) => e.kind === 'execute' && switches++) });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.exitCode !== 0) throw new Error(`${prog} on ${arch} exited ${r.exitCode}: ${r.stderr}`);
  return { secs, insns: r.insns, switches, out: r.stderr.trim() };
}

const f = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d });
console.log(`gogo-emu benchmark — node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
for (const arch of ARCH_NAMES) {
  const cpu = await emulate('cpu.go', arch);
  console.log(`${arch} cpu.go: ${f(cpu.insns, 0)} instructions in ${f(cpu.secs, 2)} s = ${f(cpu.insns / cpu.secs / 1e6, 2)} M emulated instructions/s  (${cpu.out})`);
  const pp = await emulate('pingpong100k.go', arch);
  const native = nativeSeconds('pingpong100k.go', arch);
  const ratio = native ? `; real Go ${f(native, 3)} s, emulated/native = ${f(pp.secs / native, 0)}x` : '; real Go: toolchain not installed';
  console.log(`${arch} pingpong100k.go: ${f(pp.switches, 0)} goroutine switches (gogo) in ${f(pp.secs, 2)} s = ${f(pp.switches / pp.secs, 0)} switches/s, ${f(pp.insns / pp.secs / 1e6, 2)} M instructions/s${ratio}  (${pp.out})`);
}
console.log(`peak memory (max RSS of this process): ${f(process.resourceUsage().maxRSS / 1024, 0)} MiB`);
