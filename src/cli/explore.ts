// `gogo-emu explore prog.go --runs N [--seed S] [--gomaxprocs P]`: run a
// program under N seeds and list the distinct outcomes (stdout, stderr, exit
// status), most frequent first, each with how many runs had it and a seed
// that reproduces it. Run i uses seed S+i for both the runtime's fastrand
// (stealWork's victim order, the semaphore treap) and the OS's quantum
// perturbation (where threads interleave), so a racy program shows its
// different endings and a race-free one only one.
import type { Arch } from '../arch/index.ts';
import { UserError } from '../session/errors.ts';
import { readProgramFile } from '../session/program.ts';
import { runSource } from './run.ts';

export interface ExploreOptions {
  runs: number;
  seed: number;
  /** GOMAXPROCS for every run (default: the environment's, else the CPU count) */
  gomaxprocs?: string;
  cpus?: number;
  maxInsns?: number;
  debugChecks?: boolean;
}

export interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** the seeds that gave it, in order */
  seeds: number[];
}

/** Run the program under runs seeds; the distinct outcomes, most frequent first (ties: first seen first). */
export async function explore(source: string, file: string, arch: Arch, o: ExploreOptions): Promise<Outcome[]> {
  if (o.runs < 1) throw new UserError('explore: --runs must be at least 1');
  const byKey = new Map<string, Outcome>();
  for (let i = 0; i < o.runs; i++) {
    const seed = o.seed + i;
    const r = await runSource(source, file, arch, { seed, interleaveSeed: seed, gomaxprocsEnv: o.gomaxprocs, cpus: o.cpus, maxInsns: o.maxInsns, debugChecks: o.debugChecks });
    const key = JSON.stringify([r.stdout, r.stderr, r.exitCode]);
    const out = byKey.get(key) ?? { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, seeds: [] };
    out.seeds.push(seed);
    byKey.set(key, out);
  }
  return [...byKey.values()].sort((a, b) => b.seeds.length - a.seeds.length);
}

const indent = (s: string) =>
  s
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** The report explore prints. */
export function formatOutcomes(outcomes: readonly Outcome[], file: string, o: ExploreOptions): string {
  const total = outcomes.reduce((n, x) => n + x.seeds.length, 0);
  const env = o.gomaxprocs !== undefined ? `GOMAXPROCS=${o.gomaxprocs} ` : '';
  const out = [`${total} runs (seeds ${o.seed}..${o.seed + total - 1}), ${outcomes.length} distinct outcome${outcomes.length === 1 ? '' : 's'}`];
  outcomes.forEach((x, i) => {
    const s = x.seeds[0]!;
    out.push('', `outcome ${i + 1}: ${x.seeds.length} of ${total} runs, exit status ${x.exitCode}; reproduce with: ${env}gogo-emu run --seed ${s} --interleave-seed ${s} ${file}`);
    if (x.stdout) out.push('  stdout:', indent(x.stdout));
    if (x.stderr) out.push('  stderr:', indent(x.stderr));
  });
  return out.join('\n');
}

export async function exploreCommand(file: string, arch: Arch, o: ExploreOptions): Promise<string> {
  const outcomes = await explore(readProgramFile(file), file, arch, o);
  return formatOutcomes(outcomes, file, o);
}
