// The debug checks of src/runtime/assert.ts: a violated precondition throws
// Go-style when they are on and changes nothing when they are off; the real
// runs of the fixture programs meet every precondition (checks on). Also
// isSystemGoroutine's set of runtime entry addresses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { runSource } from '../../src/cli/run.ts';
import { compileProgram } from '../../src/compile/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { assertLocked, assertOnG0, assertOwnerP, debugChecksEnabled } from '../../src/runtime/assert.ts';
import { lock, unlock } from '../../src/runtime/lock.ts';
import { globrunqput, runqput, runqsize } from '../../src/runtime/runq.ts';
import { systemFuncEntries } from '../../src/runtime/runtime.ts';
import { GoThrow } from '../../src/runtime/throw.ts';
import { Process } from '../../src/session/process.ts';
import { archCases } from '../helpers.ts';

/** A process that ran a small program to its exit and stays open: the current thread is m0 (with P0), on goroutine 1. */
async function finishedProcess(arch: Arch, debugChecks: boolean): Promise<Process> {
  const prog = await compileProgram('package main\n\nfunc main() {\n\tprintln(1)\n}\n', 'prog.go', arch);
  const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, debugChecks, maxInsns: 5_000_000 });
  expect(p.run().exitCode).toBe(0);
  return p;
}

describe.each(archCases)('debug checks on %s', (name, arch) => {
  let on: Process;
  let off: Process;
  beforeAll(async () => {
    on = await finishedProcess(arch, true);
    off = await finishedProcess(arch, false);
  });
  afterAll(() => {
    on.close();
    off.close();
  });

  it('are on with the option, and from GOGO_EMU_DEBUG=1 when the option is not given', () => {
    expect(on.rt.debugChecks).toBe(true);
    expect(off.rt.debugChecks).toBe(false);
    const saved = process.env.GOGO_EMU_DEBUG;
    try {
      process.env.GOGO_EMU_DEBUG = '1';
      expect(debugChecksEnabled(undefined)).toBe(true);
      expect(debugChecksEnabled(false)).toBe(false);
      delete process.env.GOGO_EMU_DEBUG;
      expect(debugChecksEnabled(undefined)).toBe(false);
      expect(debugChecksEnabled(true)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.GOGO_EMU_DEBUG;
      else process.env.GOGO_EMU_DEBUG = saved;
    }
  });

  it('"sched.lock held": globrunqput without the lock throws when on, and queues the G when off', () => {
    const g1 = on.rt.g(on.rt.allgs[0]!);
    expect(() => globrunqput(on.rt, g1)).toThrow(new GoThrow('globrunqput: sched.lock not held'));
    expect(on.rt.sched.runqsize).toBe(0);
    const g1off = off.rt.g(off.rt.allgs[0]!);
    globrunqput(off.rt, g1off);
    expect(off.rt.sched.runqsize).toBe(1);
    expect(off.rt.sched.runq.head).toBe(g1off.addr);
  });

  it('"executed only by the owner P": runqput on a P the running M does not hold', () => {
    for (const p of [on, off]) {
      const { rt } = p;
      const other = rt.p(rt.heap.alloc(rt.L.sizes.p));
      other.id = 7;
      const gp = rt.g(rt.allgs[0]!);
      if (p === on) {
        expect(() => runqput(rt, other, gp, false)).toThrow('fatal error: runqput: P7 is not the P of the running M0');
        expect(runqsize(other)).toBe(0);
      } else {
        runqput(rt, other, gp, false);
        expect(runqsize(other)).toBe(1);
      }
      // the M's own P passes
      expect(() => assertOwnerP(rt, rt.curp(), 'runqput')).not.toThrow();
    }
  });

  it('"on g0": throws on a user goroutine when on, returns when off', () => {
    for (const p of [on, off]) {
      const g = p.rt.getg();
      expect(g.addr).not.toBe(p.rt.curm().g0); // the process ended on goroutine 1
      if (p === on) expect(() => assertOnG0(p.rt, 'park_m')).toThrow(`fatal error: park_m: not on g0 (running goroutine ${g.goid} on M0)`);
      else expect(assertOnG0(p.rt, 'park_m')).toBeUndefined();
    }
  });

  it('assertLocked passes while the lock is held (lock.ts)', () => {
    const { rt } = on;
    lock(rt, rt.sched.lock);
    expect(rt.curm().locks).toBe(1);
    expect(() => assertLocked(rt, rt.sched.lock, 'sched.lock', 'globrunqput')).not.toThrow();
    expect(() => lock(rt, rt.sched.lock)).toThrow(/lock already held/);
    rt.curm().locks -= 1; // the failed lock counted itself
    unlock(rt, rt.sched.lock);
    expect(rt.curm().locks).toBe(0);
    expect(() => unlock(rt, rt.sched.lock)).toThrow('fatal error: unlock of unlocked lock');
  });

  it.each(['pingpong', 'runqoverflow', 'gosched', 'waitgroup'])('real runs meet every precondition (%s, checks on)', async (prog) => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', `${prog}.go`), 'utf8');
    const want = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'expected', `${prog}.${name}.json`), 'utf8')) as { stdout: string; stderr: string; exit: number };
    const got = await runSource(src, `${prog}.go`, arch, { gomaxprocsEnv: '1', debugChecks: true });
    expect({ stdout: got.stdout, stderr: got.stderr, exit: got.exitCode }).toEqual({ stdout: want.stdout, stderr: want.stderr, exit: want.exit });
  });
});

describe.each(archCases)('isSystemGoroutine on %s', (_name, arch) => {
  it('is the set of runtime entry addresses (TEXT blocks and host functions) but runtime.main', async () => {
    const prog = await compileProgram('package main\n\nfunc main() {\n}\n', 'prog.go', arch);
    const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals } });
    try {
      const sys = systemFuncEntries(p.machine);
      for (const fn of ['runtime.forcegchelper', 'runtime.bgsweep', 'runtime.bgscavenge', 'runtime.gcenable.gowrap1', 'runtime.Gosched', 'runtime.park_m']) {
        expect(sys.has(p.machine.sym(fn)), fn).toBe(true);
      }
      for (const fn of ['runtime.main', 'main.main', 'main.init']) expect(sys.has(p.machine.sym(fn)), fn).toBe(false);
      // goroutines 2-4 of a finished run are the runtime's; goroutine 1 runs runtime.main
      p.run();
      expect(p.rt.allgs.map((a) => p.rt.isSystemGoroutine(p.rt.g(a)))).toEqual([false, true, true, true]);
    } finally {
      p.close();
    }
  });
});
