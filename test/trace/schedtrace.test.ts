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
const gLine = /^ {2}G\d+: status=\d+\([^)]*\) m=-?\d+ lockedm=-?\d+$/;

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
});
