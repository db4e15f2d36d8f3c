// System calls as Go makes them, on both arches (fixtures/programs/
// syscallpipe.go; its real go1.19 output is checked by the conformance
// test): a goroutine blocked in read(2) is _Gsyscall with its P _Psyscall;
// sysmon's retake hands the P to another M (handoffp), the writer runs
// there, and the reader's exitsyscall finds its P gone and goes through
// exitsyscall0 (or an idle P: exitsyscallfast_pidle); a call that returns at once gets its P back in
// exitsyscallfast ('reacquired'). scheddetail shows the statuses, and two
// runs give the same events (issue 11 item 5; issue 10's retake of a P in
// _Psyscall).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { runToExit, Session } from '../../src/session/session.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import { archCases } from '../helpers.ts';

const src = (name: string) => readFileSync(join(ROOT, 'fixtures', 'programs', `${name}.go`), 'utf8');
const KINDS = ['entersyscall', 'exitsyscall', 'sysmon', 'handoffp', 'pipe', 'wait', 'wake', 'execute'] as const;

async function run(arch: Arch, name: string, gomaxprocs: string, godebug?: string): Promise<{ stdout: string; stderr: string; exit: number; events: ProcessEvent[] }> {
  const events: ProcessEvent[] = [];
  const s = await Session.create({ file: `${name}.go`, source: src(name) }, arch, {
    gomaxprocsEnv: gomaxprocs,
    godebug,
    replay: false,
    debugChecks: true,
    observe: (p) => {
      p.bus.onKind([...KINDS], (e) => events.push(e));
    },
  });
  try {
    const { result } = await runToExit(s);
    return { stdout: result.stdout, stderr: result.stderr, exit: result.exitCode, events };
  } finally {
    s.close();
  }
}

type Ev<K extends ProcessEvent['kind']> = Extract<ProcessEvent, { kind: K }>;
const of = <K extends ProcessEvent['kind']>(evs: ProcessEvent[], k: K) => evs.filter((e): e is Ev<K> => e.kind === k);

describe.each(archCases)('system calls on %s', (_n, arch) => {
  it('a read blocked on a pipe: _Psyscall, retake and handoffp after a sysmon tick, the writer on another M, exitsyscall0 or exitsyscallfast_pidle; a call that returns at once reacquires its P; deterministic', async () => {
    const r = await run(arch, 'syscallpipe', '1');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('read hello\n');
    const enter = of(r.events, 'entersyscall');
    const exit = of(r.events, 'exitsyscall');
    // the reader (not main) blocks in read: the thread waits on the pipe, after entersyscall
    const firstWait = r.events.findIndex((e) => e.kind === 'wait' && e.on === 'pipe');
    expect(firstWait).toBeGreaterThan(0);
    const before = r.events.slice(0, firstWait).filter((e): e is Ev<'entersyscall'> => e.kind === 'entersyscall');
    const reader = before[before.length - 1]!;
    expect(reader.goid).not.toBe(1);
    // sysmon takes that P back (retake) and hands it off: the first retake comes
    // one sysmon round after it first saw the P in _Psyscall (go1.19's syscalltick test)
    const retake = r.events.findIndex((e, i) => i > firstWait && e.kind === 'sysmon' && e.what === 'retake' && e.p === reader.p);
    expect(retake).toBeGreaterThan(firstWait);
    const rt = r.events[retake] as Ev<'sysmon'>;
    const hand = r.events.slice(retake).find((e): e is Ev<'handoffp'> => e.kind === 'handoffp' && e.p === reader.p)!;
    expect(hand.m).toBe(rt.m); // sysmon's M hands it off
    // go1.19's delay (retake's syscalltick test): a P whose syscalltick sysmon has not
    // seen yet is only noted, and taken a round later (sysmon slept in between); the
    // first call on P0 has the syscalltick sysmon's zeroed view holds, so it is taken
    // at sysmon's first look. Either way well before 10 ms.
    const rounds = r.events.flatMap((e, i) => {
      if (e.kind !== 'sysmon' || e.what !== 'retake') return [];
      const j = r.events.slice(0, i).findLastIndex((x) => x.kind === 'entersyscall' && x.p === e.p);
      return [r.events.slice(j, i).filter((x) => x.kind === 'sysmon' && x.what === 'sleep').length];
    });
    expect(rounds[0]).toBe(0);
    expect(rounds.slice(1).some((n) => n >= 1)).toBe(true);
    const waited = r.events[firstWait] as Ev<'wait'>;
    expect(rt.now - waited.clock).toBeLessThan(10_000_000);
    // main (asleep on a timer meanwhile) then runs on another M than the reader's, and writes
    const mainRuns = r.events.slice(retake).find((e): e is Ev<'execute'> => e.kind === 'execute' && e.goid === 1)!;
    expect(mainRuns.m).not.toBe(reader.m);
    expect(mainRuns.p).toBe(reader.p);
    // the reader comes back without its P while main computes on the only P:
    // exitsyscall0 (queued, its M stops); at end of file main waits, so it takes the idle P
    const back = exit.filter((e) => e.goid === reader.goid);
    expect(back[0]!.how).toBe('exitsyscall0');
    expect(back[0]!.p).toBe(-1);
    expect(back[back.length - 1]!.how).toBe('pidle');
    // main's writes return at once: exitsyscallfast takes the P back
    const mainFast = exit.filter((e) => e.goid === 1 && e.how === 'reacquired');
    expect(mainFast.length).toBeGreaterThan(0);
    expect(mainFast.every((e) => e.p === e.oldp)).toBe(true);
    // every call that entered left again
    expect(exit.length).toBe(enter.length);
    // the same program, arch and GOMAXPROCS: the same events
    const again = await run(arch, 'syscallpipe', '1');
    expect(again.events).toEqual(r.events);
  });

  it('scheddetail shows the goroutine in _Gsyscall and (at GOMAXPROCS=4, with idle Ps and nothing to hand off) its P in _Psyscall', async () => {
    const r = await run(arch, 'syscallpipe4', '4', 'schedtrace=1,scheddetail=1');
    expect(r.exit).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.some((l) => /^ {2}G\d+: status=3\(\) m=\d+ lockedm=-1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}P\d+: status=2 schedtick=\d+ syscalltick=\d+ m=-1 /.test(l))).toBe(true);
    // the M in the call has no P but still its goroutine
    expect(lines.some((l) => /^ {2}M\d+: p=-1 curg=\d+ /.test(l))).toBe(true);
  });

  it('a read nobody will ever serve hangs as in Go (no deadlock report while in a system call): one clear message, not an internal error', async () => {
    const source = 'package main\n\nimport "syscall"\n\nfunc main() {\n\tvar p [2]int\n\tsyscall.Pipe(p[:])\n\tsyscall.Read(p[0], make([]byte, 1))\n}\n';
    const s = await Session.create({ file: 'hang.go', source }, arch, { gomaxprocsEnv: '1', replay: false });
    try {
      const { error } = await runToExit(s);
      expect(error?.kind).toBe('program');
      expect(error?.message).toMatch(/^the program hangs: .* blocks in read\(2\) of an empty pipe whose write end stays open\); go1\.19 reports no deadlock/);
    } finally {
      s.close();
    }
  });
});
