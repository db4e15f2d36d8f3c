// gogo-emu switches / validate: output formats, filters, exit codes, errors.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { switchesCommand } from '../../src/cli/switches.ts';
import { validateCommand } from '../../src/cli/validate.ts';
import { ROOT } from '../../src/os/machine.ts';
import { loadOracleTrace } from '../../src/trace/oracle.ts';
import { archCases } from '../helpers.ts';
import { BROKEN_DIR, goldenProgram } from './helpers.ts';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/gogo-emu.mjs'), ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, GOMAXPROCS: '1' } });
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

describe.each(archCases)('gogo-emu switches on %s', (name, arch) => {
  it('--json prints one parseable object per line, filtered by --stub and --goid, cut by --limit', async () => {
    const c = capture();
    const code = await switchesCommand(goldenProgram('goroutines', arch), arch, { json: true, stub: 'gogo', goid: 5, limit: 3, color: false, gomaxprocsEnv: '1' }, c.io);
    expect(code).toBe(0);
    expect(c.out).toHaveLength(3);
    for (const line of c.out) {
      const j = JSON.parse(line) as { kind: string; goid: number; arch: string; exit: { pc: string }; steps: unknown[] };
      expect(j).toMatchObject({ kind: 'gogo', goid: 5, arch: name });
      expect(j.exit.pc).toMatch(/^0x[0-9a-f]+$/);
      expect(j.steps.length).toBeGreaterThan(10);
    }
    expect(c.err.join('')).toBe('206\n'); // the program's own output goes to stderr
  });

  it('prints readable tables without ANSI codes when not on a terminal, marking changed registers', async () => {
    const c = capture();
    await switchesCommand(goldenProgram('goroutines', arch), arch, { stub: 'mcall', limit: 1, color: false, gomaxprocsEnv: '1' }, c.io);
    const text = c.out.join('\n');
    expect(text).not.toContain('\x1b[');
    expect(text).toMatch(/^#\d+ {2}mcall {2}thread 1 {2}M0 {2}P0 {2}g1 -> g0/);
    expect(text).toMatch(new RegExp(`\\n {2}${arch.spReg} +0x[0-9a-f]+ +0x[0-9a-f]+ {2}\\*\\n`));
    expect(text).toMatch(new RegExp(`runtime\\.mcall\\+0 +\\S.*asm/${name}/switch\\.s:\\d+`));
    expect(text).toMatch(/1 of \d+ switches shown \(\d+ matched\); the program exited with status 0$/);
    const colored = capture();
    await switchesCommand(goldenProgram('goroutines', arch), arch, { stub: 'mcall', limit: 1, color: true, gomaxprocsEnv: '1' }, colored.io);
    expect(colored.out.join('\n')).toContain('\x1b[1;33m');
  });

  it('rejects an unknown --stub', async () => {
    await expect(switchesCommand(goldenProgram('goroutines', arch), arch, { stub: 'gogogo', color: false }, capture().io)).rejects.toThrow(/--stub gogogo: not a switching stub/);
  });
});

describe.each(archCases)('gogo-emu validate on %s', (name, arch) => {
  it('prints the switches checked per kind and exits 0 on a clean run', async () => {
    const c = capture();
    expect(await validateCommand(goldenProgram('goroutines', arch), arch, { stub: [], color: false, gomaxprocsEnv: '1' }, c.io)).toBe(0);
    expect(c.out[0]).toMatch(/: 56 switches checked \(gogo 21, mcall 12, systemstack 6, systemstack_ret 5, morestack 4, morestack_noctxt 4, goexit_ret 2, mstart 2\), \d+ invariant checks, 0 violations$/);
  });

  it('--stub replaces a stub; each violation is printed and the exit status is 1', async () => {
    const stub = join(BROKEN_DIR, name, 'mcall-wrong-sp.s');
    const c = capture();
    expect(await validateCommand(goldenProgram('goroutines', arch), arch, { stub: [stub], color: false, gomaxprocsEnv: '1' }, c.io)).toBe(1);
    const text = c.out.join('\n');
    expect(text).toMatch(/switch #9 mcall goid 1 \(thread 1\): mcall\.sp violated: SP at fn = g0\.sched\.sp - 2\*PtrSize .*: expected 0x[0-9a-f]+, got 0x[0-9a-f]+/);
    expect(text).toContain('the first switch that broke an invariant:');
  });

  it('a stub that never leaves stops the run: the unfinished switch is reported, exit 1', async () => {
    const c = capture();
    expect(await validateCommand(goldenProgram('goroutines', arch), arch, { stub: [join(BROKEN_DIR, name, 'gogo-loop.s')], color: false, gomaxprocsEnv: '1' }, c.io)).toBe(1);
    const text = c.out.join('\n');
    expect(text).toMatch(/^switch #2 gogo never left its stub \(last instruction: runtime\.gogo<>\+\d+\)$/m);
    expect(text).toMatch(/the program stopped early: switch #2 gogo ran 100001 instructions without leaving runtime\.gogo and its helpers/);
  });

  it('--oracle validates the go1.19 recording', async () => {
    const c = capture();
    expect(await validateCommand(undefined, arch, { stub: [], oracle: true, color: false, gomaxprocsEnv: '1' }, c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(new RegExp(`trace-${name}\\.jsonl: ${name === 'amd64' ? 108 : 100} records[\\s\\S]*0 violations`));
  });

  it('--list names the invariants of the arch', async () => {
    const c = capture();
    await validateCommand(undefined, arch, { stub: [], list: true, color: false, gomaxprocsEnv: '1' }, c.io);
    expect(c.out.join('\n')).toMatch(new RegExp(`^gogo\\.${name === 'amd64' ? 'bp' : 'lr'} +${name === 'amd64' ? 'BP' : 'LR'} after gogo`, 'm'));
    // and the scheduler-state invariants checked at host calls
    expect(c.out.join('\n')).toMatch(/^sched:nmspinning +sched\.nmspinning = spinning Ms/m);
  });
});

describe('gogo-emu switches/validate command line', () => {
  it('validate exits 1 on a broken stub and 0 on the oracle; switches --json is parseable', () => {
    const bad = cli('validate', '--arch', 'arm', '--stub', join(BROKEN_DIR, 'arm', 'gogo-no-lr.s'), 'fixtures/golden/goroutines.arm.s');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/gogo\.lr violated: LR after gogo = gobuf\.lr: expected 0x[0-9a-f]+ \(runtime\.goexit\+4\), got/);
    expect(bad.stdout).toContain('the program stopped early: emulation fault');
    const ok = cli('validate', '--oracle');
    expect(ok.status).toBe(0);
    const js = cli('switches', '--json', '--limit', '2', 'fixtures/golden/pingpong.go');
    expect(js.status).toBe(0);
    expect(js.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([0, 1]);
  });

  it('names an unknown stub symbol in a --stub file, and a missing program', () => {
    const r = cli('validate', '--stub', 'test/trace/fixtures/nosuch.s', 'fixtures/golden/goroutines.amd64.s');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gogo-emu: test/trace/fixtures/nosuch.s: no such file\n');
    const s = spawnSync('sh', ['-c', `printf 'TEXT runtime.gogo2(SB)\\n    ret\\n' > /tmp/gogo-emu-bad-stub.s && ${process.execPath} bin/gogo-emu.mjs validate --stub /tmp/gogo-emu-bad-stub.s fixtures/golden/goroutines.amd64.s`], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, GOMAXPROCS: '1' } });
    expect(s.status).toBe(2);
    expect(s.stderr).toBe('gogo-emu: /tmp/gogo-emu-bad-stub.s:1: runtime.gogo2 is not a stub of asm/amd64 (a stub file can only replace built-in stubs)\n');
    expect(cli('switches', 'nope.go').stderr).toBe('gogo-emu: nope.go: no such file\n');
  });

  it('a missing oracle file is one clear line', () => {
    expect(() => loadOracleTrace('amd64', '/nonexistent/trace-amd64.jsonl')).toThrow(/oracle trace \/nonexistent\/trace-amd64\.jsonl not found/);
  });
});
