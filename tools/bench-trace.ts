// Tracing at scale (issue 13, target 4): a plain `gogo-emu run` of a program
// against the same run with `--timeline`, `switches --json` and `validate`,
// each in a fresh process, stdout to /dev/null; wall and CPU time and peak
// memory (max RSS) of each, medians of N runs, and the ratio to the plain run.
//
//   npx tsx tools/bench-trace.ts [--runs N] [--arch amd64] [--prog tools/bench/pingpong100k.go] [--bin bin/gogo-emu.mjs] [--only run,timeline,json,validate] [--max-insns N]
//
// With --prog tools/bench/blocked1m.go --only run it measures a million
// live goroutines (issue 13, target 5).
//
// Not part of the tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fmt, loadNote, median } from './lib/measure.ts';

const ROOT = resolve(import.meta.dirname, '..');
const a = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = a.indexOf(name);
  return i >= 0 && a[i + 1] ? a[i + 1]! : dflt;
};
const runs = Number(opt('--runs', '1'));
const arch = opt('--arch', 'amd64');
const prog = resolve(opt('--prog', join(ROOT, 'tools', 'bench', 'pingpong100k.go')));
const bin = resolve(opt('--bin', join(ROOT, 'bin', 'gogo-emu.mjs')));
const only = opt('--only', 'run,timeline,json,validate').split(',');
const tmp = mkdtempSync(join(tmpdir(), 'gogo-trace-'));
const budget = ['--max-insns', opt('--max-insns', '5000000000')];
const MODES: Record<string, string[]> = {
  run: ['run', prog, '--arch', arch, ...budget, '--time-limit', '0'],
  timeline: ['run', prog, '--arch', arch, ...budget, '--time-limit', '0', '--timeline', join(tmp, 'timeline.json')],
  json: ['switches', prog, '--arch', arch, ...budget, '--json'],
  validate: ['validate', prog, '--arch', arch, ...budget],
};

interface Usage {
  wall: number;
  cpu: number;
  maxRssMiB: number;
}

function once(args: string[]): Usage {
  const out = join(tmp, 'usage.json');
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'lib', 'rusage-child.mjs'), bin, ...args], {
    cwd: dirname(dirname(bin)),
    stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
    env: { ...process.env, RUSAGE_OUT: out },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Usage;
}

try {
  console.log(`tracing at scale: ${bin} on ${prog.startsWith(ROOT) ? prog.slice(ROOT.length + 1) : prog} (${arch}), ${runs} run(s) each, medians; start: ${loadNote()}`);
  const results = new Map<string, Usage[]>();
  for (let i = 0; i < runs; i++) for (const m of only) results.set(m, [...(results.get(m) ?? []), once(MODES[m]!)]);
  const base = results.get('run');
  console.log('| command | wall s | CPU s | max RSS MiB | CPU / plain run |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [m, us] of results) {
    const cpu = median(us.map((u) => u.cpu));
    const ratio = base ? fmt(cpu / median(base.map((u) => u.cpu)), 2) : '-';
    console.log(`| gogo-emu ${MODES[m]!.filter((x) => x !== prog && !budget.includes(x) && x !== '--time-limit' && x !== '0').join(' ').replace(join(tmp, 'timeline.json'), 'out.json')} | ${fmt(median(us.map((u) => u.wall)), 2)} | ${fmt(cpu, 2)} | ${fmt(median(us.map((u) => u.maxRssMiB)), 0)} | ${ratio} |`);
  }
  console.log(`end: ${loadNote()}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
