// The reference side of the differential: real Go 1.19 builds and runs a
// program the way tools/record-expected.sh records the fixtures (GOROOT's
// go1.19, GO111MODULE=off, CGO_ENABLED=0, -trimpath, GOMAXPROCS=1, env -i,
// stdin from /dev/null; arm as GOARCH=arm GOARM=7 under qemu-arm).
//
// `go build` is what decides whether Go accepts a program; since gogo-emu's
// `run` is like `go run`, a package other than main (which `go build` would
// accept and discard) counts as rejected, with go run's message.
//
// Results are cached on disk by (arch, source) so that shrinking, replays of
// a seed and repeated test runs do not rebuild: $GOGO_FUZZ_GO_CACHE, else
// $XDG_CACHE_HOME/gogo-emu/fuzz-go, else ~/.cache/gogo-emu/fuzz-go.
// `goPrefetch` fills the cache for many programs with one `go build` (each
// program its own main package, `go build -o dir/ ./p0 ./p1 ...`): the go
// command's start-up and the linker's work are shared; a program whose
// result the batch does not tell for certain is built alone.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchName } from '../../../src/arch/index.ts';
import type { Outcome } from './outcome.ts';

export const GOROOT = '/usr/lib/go-1.19';
const GO = join(GOROOT, 'bin', 'go');

/** Bumped when what is stored changes. */
const CACHE_VERSION = 4;

export interface GoAvailability {
  ok: boolean;
  /** why not, when !ok */
  reason?: string;
}

let availability: Partial<Record<ArchName, GoAvailability>> = {};

/** Whether go1.19 (and qemu-arm for arm) can be used here. */
export function goAvailable(arch: ArchName): GoAvailability {
  const known = availability[arch];
  if (known) return known;
  let a: GoAvailability = { ok: true };
  if (!existsSync(GO)) a = { ok: false, reason: `${GO} not found (apt-get install golang-1.19-go)` };
  else {
    const v = spawnSync(GO, ['version'], { encoding: 'utf8', env: { ...process.env, GOROOT } });
    if (!/go1\.19\b/.test(v.stdout ?? '')) a = { ok: false, reason: `${GO} is not go1.19: ${(v.stdout ?? '').trim()}` };
    else if (arch === 'arm' && spawnSync('qemu-arm', ['--version']).status !== 0) a = { ok: false, reason: 'qemu-arm not found (apt-get install qemu-user)' };
  }
  availability = { ...availability, [arch]: a };
  return a;
}

export function cacheDir(): string {
  if (process.env.GOGO_FUZZ_GO_CACHE) return process.env.GOGO_FUZZ_GO_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'gogo-emu', 'fuzz-go');
}

function cacheKey(arch: ArchName, source: string): string {
  return createHash('sha256').update(`v${CACHE_VERSION}\0${arch}\0${source}`).digest('hex');
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Run a command with a wall-clock limit; never throws for a failing command. */
function run(cmd: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const LIMIT = 8 << 20;
    const take = (acc: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size <= LIMIT) acc.push(b);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout: '', stderr: '', timedOut: false });
    });
  });
}

export interface GoOptions {
  /** wall-clock limit of one run of the binary (default 10 s) */
  timeoutMs?: number;
  /** use and fill the on-disk cache (default true) */
  cache?: boolean;
  /** run the binary this many times (default 1); more runs detect nondeterminism */
  runs?: number;
}

/**
 * The compiler's error lines as `LINE:COL: message` (or the bare message for
 * errors without a position), in the order Go printed them.
 */
export function goErrorLines(output: string): string[] {
  const lines: string[] = [];
  const all = output.split('\n');
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    // gc's "\thave (...)" / "\twant (...)" detail lines: folded into the
    // message, as gogo-emu prints them (src/compile/README.md)
    if (/^\thave /.test(l) && /^\twant /.test(all[i + 1] ?? '') && lines.length) {
      lines[lines.length - 1] += ` (${l.slice(1)}, ${all[i + 1]!.slice(1)})`;
      i++;
      continue;
    }
    if (!l || l.startsWith('# ') || l.startsWith('\t')) continue;
    const m = /^(?:\.\/)?prog\.go:(\d+:\d+: .*)$/.exec(l);
    lines.push(m ? m[1]! : l.replace(/^(?:\.\/)?prog\.go:/, ''));
  }
  return lines;
}

/** What real go1.19 does with a program on an arch (build, then run it up to `runs` times). */
export async function goOutcome(source: string, arch: ArchName, o: GoOptions = {}): Promise<Outcome[]> {
  const runs = o.runs ?? 1;
  const file = cacheFile(arch, source);
  let cached: Outcome[] = [];
  if (o.cache !== false && existsSync(file)) {
    try {
      cached = JSON.parse(readFileSync(file, 'utf8')) as Outcome[];
      if (cached.length >= runs || cached[0]?.kind === 'reject') return cached;
    } catch {
      cached = [];
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'gogo-fuzz-go-'));
  try {
    writeFileSync(join(dir, 'prog.go'), source);
    const outcomes: Outcome[] = [...cached];
    {
      const b = await run(GO, ['build', '-trimpath', '-o', 'prog', 'prog.go'], { cwd: dir, env: goEnv(arch), timeoutMs: 120_000 });
      if (b.timedOut) return [{ kind: 'timeout', detail: 'go build took over 120 s' }];
      if (b.code !== 0) {
        const r: Outcome[] = [{ kind: 'reject', errors: goErrorLines(b.stderr + b.stdout) }];
        store(file, r, o);
        return r;
      }
      const head = existsSync(join(dir, 'prog')) ? readFileSync(join(dir, 'prog')).subarray(0, 4).toString('latin1') : '';
      if (head !== '\x7fELF') {
        // go build accepts a package other than main (and writes an archive, or nothing); go run says:
        const r: Outcome[] = [{ kind: 'reject', errors: ['package command-line-arguments is not a main package'] }];
        store(file, r, o);
        return r;
      }
    }
    while (outcomes.length < runs) outcomes.push(await runBinary(dir, './prog', arch, o.timeoutMs ?? 10_000));
    store(file, outcomes, o);
    return outcomes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CPU seconds (user + system) one run of the program takes under real Go
 * (amd64 natively, arm under qemu-arm), measured with /usr/bin/time; undefined
 * when it cannot be measured (no /usr/bin/time, a build failure, a timeout).
 * Not cached: used only for the rare programs gogo-emu runs to its budget.
 */
export async function goCpuSeconds(source: string, arch: ArchName, timeoutMs = 60_000): Promise<number | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gogo-fuzz-go-'));
  try {
    writeFileSync(join(dir, 'prog.go'), source);
    const b = await run(GO, ['build', '-trimpath', '-o', 'prog', 'prog.go'], { cwd: dir, env: goEnv(arch), timeoutMs: 120_000 });
    if (b.code !== 0) return undefined;
    const cmd = arch === 'arm' ? ['qemu-arm', './prog'] : ['./prog'];
    const r = await run('/usr/bin/time', ['-f', 'gogo-fuzz-cpu %U %S', '-o', 'cpu.txt', ...cmd], { cwd: dir, env: { PATH: '/usr/bin:/bin', GOMAXPROCS: '1' }, timeoutMs });
    if (r.timedOut || !existsSync(join(dir, 'cpu.txt'))) return undefined;
    const m = /gogo-fuzz-cpu ([\d.]+) ([\d.]+)/.exec(readFileSync(join(dir, 'cpu.txt'), 'utf8'));
    return m ? Number(m[1]) + Number(m[2]) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cache file of a program's outcome. */
function cacheFile(arch: ArchName, source: string): string {
  const key = cacheKey(arch, source);
  return join(cacheDir(), key.slice(0, 2), `${key}.json`);
}

function goEnv(arch: ArchName): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    GOCACHE: process.env.GOCACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'go-build'),
    GOROOT,
    GOOS: 'linux',
    GOARCH: arch,
    ...(arch === 'arm' ? { GOARM: '7' } : {}),
    CGO_ENABLED: '0',
    GO111MODULE: 'off',
    GOFLAGS: '',
  };
}

/** Run a built binary once as the differential does (GOMAXPROCS=1; qemu-arm for arm). */
async function runBinary(dir: string, bin: string, arch: ArchName, timeoutMs: number): Promise<Outcome> {
  const cmd = arch === 'arm' ? 'qemu-arm' : bin;
  const args = arch === 'arm' ? [bin] : [];
  const r = await run(cmd, args, { cwd: dir, env: { PATH: '/usr/bin:/bin', GOMAXPROCS: '1' }, timeoutMs });
  if (r.timedOut) return { kind: 'timeout', detail: `did not finish in ${timeoutMs / 1000} s` };
  return { kind: 'run', stdout: r.stdout, stderr: r.stderr, exit: r.code ?? 128 + 9 };
}

/**
 * Fill the cache for `sources` on `arch` with batched builds (up to `batch`
 * programs per go build). Programs already cached are skipped; a program
 * the batch leaves unclear (no binary and no error under its own heading,
 * e.g. an import the go command refuses for the whole build) is built alone
 * by goOutcome. Never throws.
 */
export async function goPrefetch(sources: readonly string[], arch: ArchName, o: { batch?: number; timeoutMs?: number } = {}): Promise<void> {
  const todo = [...new Set(sources)].filter((s) => !existsSync(cacheFile(arch, s)));
  const batch = o.batch ?? 24;
  for (let at = 0; at < todo.length; at += batch) {
    const part = todo.slice(at, at + batch);
    const dir = mkdtempSync(join(tmpdir(), 'gogo-fuzz-gob-'));
    try {
      part.forEach((src, i) => {
        mkdirSync(join(dir, `p${i}`));
        writeFileSync(join(dir, `p${i}`, 'prog.go'), src);
      });
      const b = await run(GO, ['build', '-trimpath', '-o', 'out/', ...part.map((_, i) => `./p${i}`)], { cwd: dir, env: goEnv(arch), timeoutMs: 300_000 });
      if (b.timedOut) continue;
      // the error lines of each package, under its "# _/dir/pN" heading, as a lone build would print them
      const errs = new Map<number, string[]>();
      let cur = -1;
      for (const l of (b.stderr + b.stdout).split('\n')) {
        const h = /^# .*\/p(\d+)$/.exec(l);
        if (h) {
          cur = Number(h[1]);
          errs.set(cur, []);
          continue;
        }
        if (l.startsWith('# ')) cur = -1;
        else if (cur >= 0) errs.get(cur)!.push(l.replace(new RegExp(`^(\\./)?p${cur}/prog\\.go:`), './prog.go:'));
      }
      // the binaries run two at a time
      let nextRun = 0;
      const settle = async (i: number) => {
        const src = part[i]!;
        const file = cacheFile(arch, src);
        const bin = join(dir, 'out', `p${i}`);
        const lines = errs.get(i);
        if (existsSync(bin)) {
          if (readFileSync(bin).subarray(0, 4).toString('latin1') !== '\x7fELF') return;
          const r = await runBinary(dir, bin, arch, o.timeoutMs ?? 10_000);
          // tracebacks name the file by its package path: as a lone build names it
          const path = `_${dir}/p${i}/prog.go`;
          if (r.kind === 'run') store(file, [{ ...r, stdout: r.stdout.split(path).join('./prog.go'), stderr: r.stderr.split(path).join('./prog.go') }], {});
          else store(file, [r], {});
        } else if (lines && lines.length && lines.every((l) => /^(\.\/prog\.go:|\t|$)/.test(l) || /^too many errors$/.test(l))) {
          store(file, [{ kind: 'reject', errors: goErrorLines(lines.join('\n')) }], {});
        } else if (b.code === 0) {
          // built without a binary: not a main package (go run's message, as goOutcome gives it)
          store(file, [{ kind: 'reject', errors: ['package command-line-arguments is not a main package'] }], {});
        }
      };
      await Promise.all([0, 1].map(async () => {
        while (nextRun < part.length) await settle(nextRun++);
      }));
    } catch {
      // whatever is left uncached is built alone later
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function store(file: string, r: Outcome[], o: GoOptions): void {
  if (o.cache === false) return;
  // a timeout may be the machine's load, not the program: not cached
  if (r.some((x) => x.kind === 'timeout')) return;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(r));
  } catch {
    // a cache that cannot be written is only slower
  }
}
