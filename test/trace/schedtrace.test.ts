// --schedtrace / --scheddetail print Go's GODEBUG=schedtrace line formats
// (proc.go schedtrace; examples in fixtures/oracle/schedtrace-*.txt).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

const summary = /^SCHED \d+ms: gomaxprocs=\d+ idleprocs=\d+ threads=\d+ spinningthreads=\d+ idlethreads=\d+ runqueue=\d+ \[\d+( \d+)*\]$/;
const detailHead = /^SCHED \d+ms: gomaxprocs=\d+ idleprocs=\d+ threads=\d+ spinningthreads=\d+ idlethreads=\d+ runqueue=\d+ gcwaiting=\d+ nmidlelocked=\d+ stopwait=\d+ sysmonwait=\d+$/;
const pLine = /^ {2}P\d+: status=\d+ schedtick=\d+ syscalltick=\d+ m=-?\d+ runqsize=\d+ gfreecnt=\d+ timerslen=\d+$/;
const mLine = /^ {2}M\d+: p=-?\d+ curg=-?\d+ mallocing=\d+ throwing=\d+ preemptoff=\S* locks=\d+ dying=\d+ spinning=(true|false) blocked=(true|false) lockedg=-?\d+$/;
const gLine = /^ {2}G\d+: status=\d+\(.*\) m=-?\d+ lockedm=-?\d+$/;

const src = (name: string) => readFileSync(join(ROOT, 'fixtures', 'programs', `${name}.go`), 'utf8');

describe.each(archCases)('schedtrace on %s', (_n, arch) => {
  it('prints summary lines every N virtual milliseconds in Go\'s format, between the program\'s output', async () => {
    const r = await runSource(src('manygoroutines'), 'manygoroutines.go', arch, { gomaxprocsEnv: '1', schedtrace: { periodMs: 1, detail: false } });
    const sched = r.stderr.split('\n').filter((l) => l.startsWith('SCHED'));
    expect(sched.length).toBeGreaterThanOrEqual(3);
    for (const l of sched) expect(l).toMatch(summary);
    expect(sched.map((l) => Number(/SCHED (\d+)ms/.exec(l)![1]))).toEqual(sched.map((_, i) => i));
    // a queue builds up while thousands of goroutines are created
    expect(sched.some((l) => !/runqueue=0 \[0\]$/.test(l))).toBe(true);
    expect(r.exitCode).toBe(0);
  });

  it('prints the detailed P, M and G lines with scheddetail', async () => {
    const r = await runSource(src('pingpong'), 'pingpong.go', arch, { gomaxprocsEnv: '1', schedtrace: { periodMs: 1000, detail: true } });
    const lines = r.stderr.split('\n');
    const at = lines.findIndex((l) => l.startsWith('SCHED 0ms:'));
    expect(lines[at]).toMatch(detailHead);
    expect(lines[at + 1]).toMatch(pLine);
    expect(lines[at + 2]).toMatch(mLine);
    const gs = lines.slice(at + 3).filter((l) => l.startsWith('  G'));
    for (const l of gs) expect(l).toMatch(gLine);
    // printed when runtime.main starts, as sysmon's first line is: only the main goroutine exists
    expect(gs).toEqual(['  G1: status=2() m=0 lockedm=-1']);
  });

  it('shows several Ms and Ps with the shape of go1.19\'s samples (fixtures/oracle/schedtrace-cpubound-gomaxprocs4.txt)', async () => {
    const r = await runSource(src('spread'), 'spread.go', arch, { gomaxprocsEnv: '4', schedtrace: { periodMs: 1, detail: true } });
    expect(r.exitCode).toBe(0);
    const lines = r.stderr.split('\n');
    const heads = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('SCHED'));
    expect(heads.length).toBeGreaterThanOrEqual(3);
    // the real sample's line kinds, in its order: the head, 4 Ps, the Ms (newest first), the Gs
    const real = readFileSync(join(ROOT, 'fixtures', 'oracle', 'schedtrace-cpubound-gomaxprocs4.txt'), 'utf8').split('\n');
    const shape = (ls: string[]) => ls.map((l) => (detailHead.test(l) ? 'S' : pLine.test(l) ? 'P' : mLine.test(l) ? 'M' : gLine.test(l) ? 'G' : '?')).join('');
    const block = (ls: readonly string[], at: number) => {
      const end = ls.findIndex((l, i) => i > at && !l.startsWith('  '));
      return ls.slice(at, end < 0 ? ls.length : end) as string[];
    };
    expect(shape(block(real, 0))).toMatch(/^SP{4}M+G+$/);
    let busy = 0;
    for (const [, at] of heads) {
      const b = block(lines, at);
      expect(shape(b)).toMatch(/^SP{4}M+G+$/);
      const ms = b.filter((l) => mLine.test(l)).map((l) => Number(/^ {2}M(\d+):/.exec(l)![1]));
      expect(ms).toEqual([...ms].sort((a, c) => c - a)); // newest M first, as Go's allm
      expect(Number(/threads=(\d+)/.exec(b[0]!)![1])).toBe(ms.length);
      // every P's m and every M's p point at each other
      for (const l of b.filter((x) => pLine.test(x))) {
        const [, id, st, m] = /^ {2}P(\d+): status=(\d+) .* m=(-?\d+) /.exec(l)!;
        if (st === '1') {
          busy++;
          expect(b.some((x) => x.startsWith(`  M${m}: p=${id} `))).toBe(true);
        } else expect(m).toBe('-1');
      }
    }
    // while the four goroutines compute, all four Ps run
    expect(busy).toBeGreaterThanOrEqual(4);
    expect(lines.some((l) => /^SCHED \d+ms: gomaxprocs=4 idleprocs=0 /.test(l))).toBe(true);
  });
});
