import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoCommand, plural } from '../../src/cli/demo.ts';
import { archCases } from '../helpers.ts';
import { PID } from '../../src/os/linux/thread.ts';

describe.each(archCases)('gogo-emu demo on %s', (_n, arch) => {
  it('runs the built-in program and narrates its real switches', async () => {
    const out = await demoCommand(arch);
    expect(out).toContain('exit status 0');
    expect(out).toContain('  | final 12');
    // the narration starts at the program's goroutine 5 and shows gogo's targets from real gobufs
    expect(out).toMatch(/ 1\. newproc: goroutine 5 created by goroutine 1, to start at main\.main\.func1\+0/);
    expect(out).toMatch(new RegExp(`execute goroutine 5 on M0/P0: gogo will load SP=0x[0-9a-f]+ PC=0x[0-9a-f]+ \\(main\\.main\\.func1\\+0\\) into the CPU and ${arch.gReg.toUpperCase()} = g`));
    expect(out).toMatch(/goroutine 1 parks \(chan send\)/);
    expect(out).toMatch(/summary: .* \d+ instructions, \d+ modeled cycles/);
  });

  it('explains the first gogo, mcall and resuming gogo next to their register tables', async () => {
    const out = await demoCommand(arch);
    const said = out.split('\n').filter((l) => l.startsWith('>> '));
    expect(said).toHaveLength(3);
    // newproc1's first frame: 4 words + MinFrameSize, plus the pushed return address without LR
    const top = 4 * arch.ptrSize + arch.minFrameSize + (arch.usesLR ? 0 : arch.ptrSize);
    expect(said[0]).toMatch(new RegExp(`^>> gogo\\(&g5\\.sched\\) switches from g0 to g5: .*${arch.gReg.toUpperCase()} = g5.*SP = stack\\.hi - ${top} `));
    expect(said[1]).toMatch(/^>> g5 blocks in the runtime, which calls mcall\(runtime\.park_m\): mcall saves where g5 resumes/);
    expect(said[2]).toMatch(/^>> gogo\(&g1\.sched\) switches from g0 to g1: .*It resumes where mcall saved it/);
    // each is followed by the record's table: gobuf or g.sched, then the registers
    expect(out).toMatch(/#\d+ {2}gogo {2}thread 1 {2}M0 {2}P0 {2}g0 -> g5 \(fresh\)/);
    expect(out).toMatch(/#\d+ {2}mcall {2}thread 1 {2}M0 {2}P0 {2}g5 -> g0/);
    expect(out).toMatch(/g5\.sched \(before -> written\)/);
    expect(out).toMatch(new RegExp(`\\n {2}${arch.spReg} +0x[0-9a-f]+ +0x[0-9a-f]+ {2}\\*`));
  });

  it('narrates a second P getting work at GOMAXPROCS=2: a spinning M made or woken, its steal', async () => {
    const out = await demoCommand(arch);
    const part = out.slice(out.indexOf('== part 2, GOMAXPROCS=2'));
    expect(part).toMatch(/exit status 0; how the second P gets work:/);
    expect(part).toMatch(/M\d makes M\d for P\d, to spin: allocm, then newosproc -> runtime\.clone|wakes idle M\d with P\d to spin/);
    expect(part).toMatch(/M\d is spinning \(sched\.nmspinning = \d\)/);
    expect(part).toMatch(/M\d on P(\d) steals \d goroutines? from P(?!\1)\d's run queue/);
    expect(part).toMatch(/two goroutines now compute at the same time/);
  });
});

describe.each(archCases)('gogo-emu demo --preempt on %s', (_n, arch) => {
  it('narrates one asynchronous preemption from sysmon to asyncPreempt\'s return, and the invariants hold', async () => {
    const { demoPreemptCommand } = await import('../../src/cli/demo-preempt.ts');
    const out = await demoPreemptCommand(arch);
    expect(out).toContain('  | preempted twice');
    expect(out).toContain('exit status 0');
    expect(out).toMatch(/sysmon \(M1, no P\) wakes \d+ times before it acts: usleep\(20, 40, 80, /);
    expect(out).toMatch(/retake sees P0 still on the same schedtick for over 10 ms: preemptone/);
    expect(out).toMatch(/tgkill\(pid, tid 1, SIGURG\)/);
    expect(out).toMatch(new RegExp(`writes an rt_sigframe at 0x[0-9a-f]+ on the gsignal stack .*siginfo\\{signo=23, code=-6 \\(SI_TKILL\\), pid=${PID}\\}`));
    expect(out).toMatch(/rt_sigreturn reloads every register from the frame -- now at runtime\.asyncPreempt\+0/);
    expect(out).toMatch(/returns to main\.main\.func1\+\d+ -- the interrupted PC/);
    expect(out).toMatch(/checked: 7 preemption records \(2 signals\) .*: no violation/);
  });
});

describe.each(archCases)('gogo-emu demo explains itself on %s (issue 17)', (name, arch) => {
  it('explains * and [sp+w], names g statuses, lists one switch instruction by instruction, counts in good English', async () => {
    const out = await demoCommand(arch);
    expect(out).toContain('`*` marks the ones that changed');
    expect(out).toMatch(new RegExp(`\\[sp\\] and \\[sp\\+w\\] are the words in memory at SP and at SP \\+ w \\(w = ${arch.ptrSize} bytes on ${name}\\)`));
    expect(out).toMatch(/target g: g5 @0x[0-9a-f]+ status _Grunning /);
    expect(out).not.toMatch(/ status \d+ stack /);
    // exactly one listing, the first gogo's, with the g register each instruction set
    expect(out.split('instructions (registers each one changed)')).toHaveLength(2);
    expect(out).toMatch(new RegExp(`\\n {4}0x[0-9a-f]+ +runtime\\.(gogo<>|setg<>)\\+\\d+ .* ${arch.gReg}=0x[0-9a-f]+`));
    expect(out).toMatch(/summary: 1 goroutine created, /);
    expect([plural(1, 'goroutine'), plural(2, 'goroutine'), plural(1, 'ready', 'readies'), plural(0, 'ready', 'readies')]).toEqual(['1 goroutine', '2 goroutines', '1 ready', '0 readies']);
  });

  it('"next:" commands work from any directory', async () => {
    const out = await demoCommand(arch);
    const cmds = out
      .split('\n')
      .filter((l) => / (run|switches) \/\S+(pingpong|spread)\.go /.test(l))
      .map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(cmds).toHaveLength(3);
    const elsewhere = mkdtempSync(join(tmpdir(), 'gogo-demo-'));
    try {
      for (const c of cmds) {
        const r = spawnSync('sh', ['-c', c], { cwd: elsewhere, encoding: 'utf8' });
        expect(r.status, `${c}\n${r.stderr}`).toBe(0);
      }
      // part 2's timeline, written where the command ran
      expect(JSON.parse(readFileSync(join(elsewhere, 'spread.json'), 'utf8')).traceEvents.length).toBeGreaterThan(10);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
