// The real gdb-multiarch against the stub, on both arches, in batch mode
// with the ELF from src/session/elf.ts: break at runtime.gogo, continue,
// read the gobuf about to be loaded (what the switch recorder saw), stepi
// through gogo into the goroutine (SP, PC and the g register from the
// gobuf), reverse-stepi back to gogo's entry with identical registers,
// reverse-continue back to the previous breakpoint hit, `monitor
// break-switch`, `monitor goroutines` and `info threads` against the CLI's
// views (gogo-emu step --goroutines), and a watchpoint on a goroutine's
// g.sched.sp that fires inside mcall. gdb-multiarch must be installed: these
// tests fail, they do not skip, without it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { stepCommand } from '../../src/cli/step.ts';
import { loadProgram } from '../../src/session/program.ts';
import { Session } from '../../src/session/session.ts';
import type { SwitchRecord } from '../../src/trace/record.ts';
import { SwitchRecorder } from '../../src/trace/switches.ts';
import { archCases } from '../helpers.ts';
import { fixture } from '../session/programs.ts';
import { requireGdb, runGdb, sections, startStub, tempDir, writeElf } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The first gogo of a run, as the switch recorder sees it. */
async function firstGogo(arch: Arch): Promise<SwitchRecord> {
  let rec: SwitchRecorder | undefined;
  const s = await Session.create({ program: await loadProgram(fixture('pingpong') as string, arch) }, arch, { replay: false, gomaxprocsEnv: '1', observe: (p) => (rec = new SwitchRecorder(p, { steps: false })) });
  try {
    await s.runUntil();
    return rec!.records.find((r) => r.kind === 'gogo')!;
  } finally {
    rec?.dispose();
    s.close();
  }
}

/** What `gogo-emu step --until 'gogo goid=5' --count 0 --goroutines` prints. */
async function cliViews(arch: Arch): Promise<string> {
  const out: string[] = [];
  await stepCommand(fixture('pingpong') as string, arch, { until: 'gogo goid=5', count: 0, goroutines: true }, { out: (s) => out.push(s), err: (s) => out.push(s) });
  return out.join('\n');
}

/** Register lines of `info registers` ("rax 0x... ..."), by name. */
function registerLines(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of text.split('\n')) {
    const x = /^([a-z][a-z0-9_]*)\s+(0x[0-9a-f]+|-?\d+)\s+(.*)$/.exec(l.trim());
    if (x) m.set(x[1]!, `${x[2]} ${x[3]}`.trim());
  }
  return m;
}

const insnsOf = (text: string | undefined) => Number(/instruction (\d+)/.exec(text ?? '')?.[1] ?? Number.NaN);

describe.each(archCases)('gdb-multiarch against the stub on %s', (_name, arch) => {
  beforeAll(() => requireGdb());

  it('breaks at gogo, steps through it into the goroutine and back, reverse-continues, lists goroutines and threads, watches g.sched.sp', async () => {
    const stub = await startStub(arch, fixture('pingpong'));
    try {
      const elf = join(tmp.dir, `pingpong-${arch.name}.elf`);
      writeElf(stub.session, elf);
      const off = stub.session.process.rt.L.off.gobuf;
      const greg = arch.gReg;
      const arg0 = arch.name === 'amd64' ? 8 : 4; // gogo's buf at 8(SP) / 4(R13)
      const script = [
        'break runtime.gogo',
        'continue',
        'echo @@HIT1\\n',
        'monitor insns',
        `set $buf = *(unsigned long *)($sp + ${arg0})`,
        `printf "@@GOBUF sp=%lx pc=%lx g=%lx\\n", *(unsigned long *)($buf + ${off.sp}), *(unsigned long *)($buf + ${off.pc}), *(unsigned long *)($buf + ${off.g})`,
        'echo @@ENTRY\\n',
        'info registers',
        'echo @@STEPPING\\n',
        `set $target = *(unsigned long *)($buf + ${off.pc})`,
        `set $gsp = *(unsigned long *)($buf + ${off.sp})`,
        `set $gg = *(unsigned long *)($buf + ${off.g})`,
        'set $n = 0',
        'while $pc != $target && $n < 100',
        '  stepi',
        '  set $n = $n + 1',
        'end',
        `printf "@@ARRIVED n=%d pc=%lx sp=%lx g=%lx\\n", $n, $pc, $sp, $${greg}`,
        'while $n > 0',
        '  reverse-stepi',
        '  set $n = $n - 1',
        'end',
        'echo @@BACK\\n',
        'info registers',
        'echo @@HIT2\\n',
        'continue',
        'monitor insns',
        'echo @@HIT3\\n',
        'continue',
        'monitor insns',
        'echo @@RC\\n',
        'reverse-continue',
        'monitor insns',
        `printf "@@RCPC pc=%lx\\n", $pc`,
        'delete',
        'monitor break-switch gogo goid 5',
        'continue',
        'monitor break-switch clear',
        'echo @@GOROUTINES\\n',
        'monitor goroutines',
        'echo @@THREADS\\n',
        'info threads',
        'echo @@WATCH\\n',
        `set $b5 = *(unsigned long *)($sp + ${arg0})`,
        'watch *(unsigned long *)$b5',
        'continue',
        'continue',
        'echo @@WATCHED\\n',
        'bt 1',
        'echo @@END\\n',
        'kill',
      ];
      const out = await runGdb({ arch, elf, port: stub.port, script, dir: tmp.dir });
      const sec = sections(out);
      const fail = `gdb's output:\n${out}\nstub log:\n${stub.logs.join('\n')}`;
      const gogo = stub.session.symbol('runtime.gogo');

      // the breakpoint, with the .s line
      expect(out, fail).toMatch(new RegExp(`Breakpoint 1, runtime\\.gogo \\(\\) at .*asm/${arch.name}/switch\\.s:\\d+`));
      // the gobuf gogo is about to load is the one the switch recorder saw
      const rec = await firstGogo(arch);
      const gb = /sp=([0-9a-f]+) pc=([0-9a-f]+) g=([0-9a-f]+)/.exec(sec.get('GOBUF:line') ?? '');
      expect(gb, fail).not.toBeNull();
      expect([BigInt(`0x${gb![1]}`), BigInt(`0x${gb![2]}`), BigInt(`0x${gb![3]}`)]).toEqual([rec.gobuf!.sp, rec.gobuf!.pc, rec.gobuf!.g]);
      // stepping through gogo lands on gobuf.pc with gobuf.sp and gobuf.g installed
      const arrived = /n=(\d+) pc=([0-9a-f]+) sp=([0-9a-f]+) g=([0-9a-f]+)/.exec(sec.get('ARRIVED:line') ?? '');
      expect(arrived, fail).not.toBeNull();
      expect(Number(arrived![1])).toBeGreaterThan(5);
      expect([arrived![2], arrived![3], arrived![4]]).toEqual([gb![2], gb![1], gb![3]]);
      // and reverse-stepi comes back to gogo's entry with every register as it was
      const entry = registerLines(sec.get('ENTRY') ?? '');
      const back = registerLines(sec.get('BACK') ?? '');
      expect(entry.size, fail).toBeGreaterThan(15);
      expect(back).toEqual(entry);
      expect(entry.get(arch.pcReg === 'rip' ? 'rip' : 'pc')).toMatch(new RegExp(`^0x${gogo.toString(16)} `));
      // reverse-continue goes back to the previous hit of the breakpoint
      const [h1, h2, h3, rc] = ['HIT1', 'HIT2', 'HIT3', 'RC'].map((k) => insnsOf(sec.get(k)));
      expect(h1! < h2! && h2! < h3!, fail).toBe(true);
      expect(rc, fail).toBe(h2);
      expect(sec.get('RCPC:line')).toBe(`RCPC pc=${gogo.toString(16)}`);
      // break-switch, goroutines and threads: what the CLI shows at the same switch
      expect(out).toContain('gogo-emu: stopped at runtime.gogo (gogo g0 -> g5)');
      const cli = await cliViews(arch);
      const table = (sec.get('GOROUTINES') ?? '').trim().split('\n');
      expect(table.length, fail).toBeGreaterThan(3);
      for (const l of table) expect(cli).toContain(l);
      const threads = sec.get('THREADS') ?? '';
      const summary = /Thread 1 \((M0 P0 [^)]*)\)/.exec(threads);
      expect(summary, fail).not.toBeNull();
      expect(summary![1]).toBe('M0 P0 running g0 runtime.gogo');
      expect(cli).toContain(`*  1  ${summary![1]}`);
      // the watchpoint on g5.sched.sp: gogo<> clears it, then mcall saves SP into it
      const watched = out.slice(out.indexOf('@@WATCH'));
      expect(watched, fail).toMatch(/Hardware watchpoint 2: \*\(unsigned long \*\)\$b5[\s\S]*Old value = [1-9]\d*\s+New value = 0[\s\S]*runtime\.gogo<> \(\)/);
      expect(watched, fail).toMatch(/Hardware watchpoint 2[\s\S]*Old value = 0\s+New value = [1-9]\d*\s+runtime\.mcall \(\) at .*switch\.s:\d+/);
      expect(sec.get('WATCHED'), fail).toMatch(/^#0\s+runtime\.mcall \(\)/);
      expect(await stub.server.done).toBe('killed');
      expect(stub.logs.filter((l) => /internal error/.test(l))).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it('reads the ELF alone: symbols with Go names, .s and Go lines, list', async () => {
    const stub = await startStub(arch, fixture('pingpong'));
    try {
      const elf = join(tmp.dir, `alone-${arch.name}.elf`);
      writeElf(stub.session, elf);
      const gogo = stub.session.symbol('runtime.gogo');
      const send = stub.session.symbol('runtime.chansend1');
      const script = ['info line runtime.gogo', 'list runtime.gogo', 'info line main.main.func1', 'list main.main', `info symbol ${send}`, 'info functions ^main\\.', `x/2i ${gogo}`, 'kill'];
      const out = await runGdb({ arch, elf, port: stub.port, script, dir: tmp.dir });
      const fail = `gdb's output:\n${out}`;
      expect(out, fail).toMatch(new RegExp(`Line \\d+ of ".*/asm/${arch.name}/switch\\.s" starts at address 0x${gogo.toString(16)} <runtime\\.gogo>`));
      expect(out, fail).toMatch(/TEXT runtime\.gogo\(SB\)/);
      expect(out, fail).toMatch(/Line 12 of ".*\/fixtures\/programs\/pingpong\.go" starts at address 0x[0-9a-f]+ <main\.main\.func1>/);
      expect(out, fail).toMatch(/ping := make\(chan int\)/);
      expect(out, fail).toContain('runtime.chansend1 in section .host');
      expect(out, fail).toMatch(/void main\.main\.func1\(void\);/);
      expect(out, fail).toMatch(new RegExp(`0x${gogo.toString(16)} <runtime\\.gogo>:\\s+(mov|ldr)`));
    } finally {
      await stub.close();
    }
  });
});
