// The README's gdb walkthrough, as written, on both arches: the real
// commands (`gogo-emu build`, `gogo-emu debug`, gdb-multiarch) as child
// processes, and exactly the `(gdb)` lines of the README's walkthrough
// block (on arm with the step counts the README gives for arm). The only
// change: `--gdb 0` (any free port) instead of 1234, so that tests never
// collide. Also `gogo-emu step` and `gogo-emu build` on their own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../src/cli/build.ts';
import { debugCommand } from '../../src/cli/debug.ts';
import { parseUntil, stepCommand } from '../../src/cli/step.ts';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';
import { requireGdb, tempDir } from '../gdb/helpers.ts';

const tmp = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

const BIN = join(ROOT, 'bin', 'gogo-emu.mjs');
const PROG = 'fixtures/programs/pingpong.go';

/** The `(gdb)` lines of the README's walkthrough block. */
function walkthrough(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough:[^>]*-->([\s\S]*?)<!-- \/walkthrough -->/.exec(readme);
  if (!block) throw new Error('README.md has no walkthrough block');
  return block[1]!
    .split('\n')
    .filter((l) => l.startsWith('(gdb) '))
    .map((l) => l.slice('(gdb) '.length).trim());
}

/** Run a command to its end (with a deadline). */
function run(cmd: string, args: string[], timeoutMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(p);
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out:\n${out}`));
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

/** Start `gogo-emu debug`; resolves with its port once it listens, and its exit. */
function startDebug(args: string[]): Promise<{ port: number; log: () => string; exit: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'debug', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(p);
    let err = '';
    const exit = new Promise<number | null>((r) => p.on('close', (code) => r(code)));
    const t = setTimeout(() => reject(new Error(`gogo-emu debug did not start listening:\n${err}`)), 60_000);
    p.stdout!.on('data', (d: Buffer) => (err += d.toString()));
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /gdb remote server on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve({ port: Number(m[1]), log: () => err, exit });
      }
    });
    p.on('close', () => reject(new Error(`gogo-emu debug ended early:\n${err}`)));
  });
}

describe.each(archCases)('the README walkthrough on %s', (_name, arch) => {
  beforeAll(() => requireGdb());
  const archFlag = arch.name === 'amd64' ? [] : ['--arch', arch.name];

  it('build, debug, attach gdb-multiarch, break on gogo, step through the switch and back, reverse-continue, kill', async () => {
    const elf = join(tmp.dir, `pingpong-${arch.name}.elf`);
    // the two terminals of the README: build, then debug (started together here)
    const [built, dbg] = await Promise.all([run(process.execPath, [BIN, 'build', PROG, '-o', elf, ...archFlag]), startDebug([PROG, '--gdb', '0', ...archFlag])]);
    expect(built.code, built.out).toBe(0);
    expect(built.out).toContain(`${elf}: ELF ${arch.name === 'amd64' ? '64-bit x86-64' : '32-bit ARM'} image of ${PROG}`);
    expect(existsSync(elf)).toBe(true);
    let lines = walkthrough();
    expect(lines[0]).toBe('break runtime.gogo');
    if (arch.name === 'arm') {
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      expect(readme).toContain('(on arm: `stepi 24`)');
      expect(readme).toContain('(on arm: `reverse-stepi 24`)');
      lines = lines.map((l) => l.replace(/^(reverse-)?stepi 16$/, '$1stepi 24'));
    }
    const gdb = await run('gdb-multiarch', ['-batch', '-nx', elf, '-ex', `target remote 127.0.0.1:${dbg.port}`, ...lines.flatMap((l) => ['-ex', l])]);
    const out = gdb.out;
    const fail = `gdb:\n${out}\ngogo-emu debug:\n${dbg.log()}`;
    expect(out, fail).toMatch(new RegExp(`Breakpoint 1, runtime\\.gogo \\(\\) at .*asm/${arch.name}/switch\\.s:\\d+`));
    // the gobuf: sp, then pc = runtime.main
    const gobuf = /:\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+ <runtime\.main>/.exec(out);
    expect(gobuf, fail).not.toBeNull();
    // after stepping: sp and pc from the gobuf; after stepping back: gogo's entry
    const regs = [...out.matchAll(/^sp\s+(0x[0-9a-f]+)[\s\S]*?^pc\s+0x[0-9a-f]+\s+(0x[0-9a-f]+ <[^>]+>)/gm)];
    expect(regs.length, fail).toBe(2);
    expect(regs[0]![1]).toBe(gobuf![1]);
    expect(regs[0]![2]).toMatch(/<runtime\.main>/);
    expect(regs[1]![2]).toMatch(/<runtime\.gogo>/);
    expect(out, fail).toMatch(/^\s+1\s+running\s+M0\s+1\s+runtime\.main\+0 asm\/\w+\/boot\.s:\d+/m);
    expect(out, fail).toContain('No more reverse-execution history.');
    expect(out, fail).toContain('[Inferior 1 (Remote target) killed]');
    expect(await dbg.exit).toBe(0);
    expect(dbg.log()).toContain('gdb killed the program');
  });

  it('gogo-emu step: from a switch, instruction by instruction, then back', async () => {
    const out: string[] = [];
    const code = await stepCommand(join(ROOT, PROG), arch, { until: 'gogo goid=5', count: 30, reverse: 30, goroutines: true }, { out: (s) => out.push(s), err: (s) => out.push(s) });
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^stopped at runtime\.gogo for goroutine 5 \(gogo g0 -> g5\): instruction \d+, thread 1 \(m0\), g0/);
    expect(text).toMatch(/^\s+5\s+running\s+M0\s+1\s+main\.main\.func1\+0 .*pingpong\.go:12/m);
    const rows = out.filter((l) => /^\s+#\d+\s/.test(l));
    expect(rows.length).toBe(30);
    expect(rows[0]).toMatch(new RegExp(`runtime\\.gogo\\+0\\s.*asm/${arch.name}/switch\\.s:\\d+`));
    // the g register changes to goroutine 5 inside gogo<>, and the steps reach its Go code
    expect(rows.some((r) => new RegExp(`runtime\\.(gogo<>|setg<>)\\+\\d+\\s.*\\b${arch.gReg}=0x`).test(r))).toBe(true);
    expect(rows.some((r) => /main\.main\.func1\+\d+\s.*pingpong\.go:1[2-4]/.test(r))).toBe(true);
    const back = out.filter((l) => /^\s*back #\d+\s/.test(l));
    expect(back.length).toBe(30);
    // stepping back undoes the steps in reverse order, instruction for instruction
    expect(back.map((l) => l.trim().split(/\s{2,}/)[2])).toEqual(rows.map((l) => l.trim().split(/\s{2,}/)[2]).reverse());
    expect(out[out.length - 1]).toMatch(/^now at runtime\.gogo\+0 /);
  });

  it('gogo-emu step, build and debug refuse bad input with one clear error', async () => {
    expect(() => parseUntil('')).toThrow(/--until: empty/);
    expect(() => parseUntil('gogo goid=x')).toThrow(/expected goid=N/);
    expect(() => parseUntil('main.main extra')).toThrow(/takes nothing after it/);
    expect(parseUntil('insns=100').cond).toEqual({ instructions: 100 });
    expect(parseUntil('switch goid=3').cond).toEqual({ switch: { kind: undefined, goid: 3 } });
    await expect(buildCommand(join(ROOT, PROG), arch, join(tmp.dir, 'no', 'such', 'dir.elf'))).rejects.toThrow(/^-o .*dir\.elf: ENOENT/);
    await expect(debugCommand(join(ROOT, PROG), arch, { port: 70000 }, () => {})).rejects.toThrow(/--gdb 70000: not a TCP port/);
  });
});
