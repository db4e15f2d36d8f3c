// Cold start of the CLI: spawns `node bin/gogo-emu.mjs run tools/bench/hello.go`
// N times from the checkout the bin belongs to and from another directory and reports the
// median (and min) wall time and the median CPU time (user+system of the
// child process) of each. One unmeasured run first fills the assembly cache,
// as any earlier run of the same program would. Runs of the configurations
// are interleaved so that changes in the machine's load hit all of them alike.
//
//   npx tsx tools/bench-startup.ts [--runs N] [--bin path/to/gogo-emu.mjs ...] [--arch arm] [--prog file.go]
//
// Several --bin options compare checkouts side by side (e.g. a copy of an
// older commit). Not part of the tests; nothing asserts on time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { childrenCpu, fmt, loadNote, median } from './lib/measure.ts';

const ROOT = resolve(import.meta.dirname, '..');

function args() {
  const a = process.argv.slice(2);
  const bins: string[] = [];
  let runs = 10;
  let arch = 'amd64';
  let prog = join(ROOT, 'tools', 'bench', 'hello.go');
  for (let i = 0; i < a.length; i++) {
    const v = a[i + 1];
    if (a[i] === '--runs' && v) (runs = Number(v)), i++;
    else if (a[i] === '--bin' && v) bins.push(resolve(v)), i++;
    else if (a[i] === '--arch' && v) (arch = v), i++;
    else if (a[i] === '--prog' && v) (prog = resolve(v)), i++;
    else throw new Error(`unknown argument ${a[i]}`);
  }
  if (bins.length === 0) bins.push(join(ROOT, 'bin', 'gogo-emu.mjs'));
  return { runs, bins, arch, prog };
}

interface Sample {
  wall: number;
  cpu: number;
}

function once(bin: string, cwd: string, prog: string, arch: string): Sample {
  const c0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'run', prog, '--arch', arch], { cwd, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = childrenCpu() - c0;
  if (r.status !== 0) throw new Error(`${bin} run ${prog} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu };
}

const { runs, bins, arch, prog } = args();
const elsewhere = mkdtempSync(join(tmpdir(), 'gogo-startup-'));
try {
  const configs = bins.flatMap((bin) => [
    { bin, cwd: dirname(dirname(bin)), where: 'repository' },
    { bin, cwd: elsewhere, where: 'other dir' },
  ]);
  for (const c of configs) once(c.bin, c.cwd, prog, arch); // fills caches; not measured
  const samples = configs.map(() => [] as Sample[]);
  for (let i = 0; i < runs; i++) configs.forEach((c, k) => samples[k]!.push(once(c.bin, c.cwd, prog, arch)));
  console.log(`cold start: node ${process.version}, ${runs} runs each of \`gogo-emu run ${prog.startsWith(ROOT) ? prog.slice(ROOT.length + 1) : prog} --arch ${arch}\`, ${loadNote()} (at the end)`);
  console.log('| bin | cwd | median wall (s) | min wall (s) | median CPU (s) |');
  console.log('|---|---|---:|---:|---:|');
  configs.forEach((c, k) => {
    const s = samples[k]!;
    console.log(`| ${c.bin} | ${c.where} | ${fmt(median(s.map((x) => x.wall)), 3)} | ${fmt(Math.min(...s.map((x) => x.wall)), 3)} | ${fmt(median(s.map((x) => x.cpu)), 2)} |`);
  });
} finally {
  rmSync(elsewhere, { recursive: true, force: true });
}
