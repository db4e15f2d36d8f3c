import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disasmCommand } from '../../src/cli/disasm.ts';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/gogo-emu.mjs'), ...args], { encoding: 'utf8', cwd: ROOT });
}

describe.each(archCases)('gogo-emu disasm on %s', (name, arch) => {
  it('prints every instruction of gogo with address, offset, bytes, text and its .s file:line, then the gogo<> it continues in', async () => {
    const out = await disasmCommand(arch, 'gogo');
    const [gogo, helper] = out.trim().split('\n\n').map((b) => b.split('\n'));
    const lines = gogo!;
    expect(lines[0]).toMatch(new RegExp(`^TEXT runtime\\.gogo\\(SB\\).*asm/${name}/switch\\.s:\\d+`));
    expect(helper![0]).toMatch(/^TEXT runtime\.gogo<>\(SB\)/); // the whole gogo, not only the wrapper
    const src = readFileSync(join(ROOT, 'asm', name, 'switch.s'), 'utf8').split('\n');
    const insns = lines.slice(1);
    expect(insns).toHaveLength(4); // gogo is 4 instructions on both arches, as in go1.19
    for (const [k, l] of insns.entries()) {
      const m = /^ {2}0x([0-9a-f]+) +\+(\d+) {2}([0-9a-f]{2}(?: [0-9a-f]{2})*) {2,}(\S.*?) {2,}asm\/\w+\/switch\.s:(\d+)$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(Number(m![2])).toBe(parseInt(m![1]!, 16) - parseInt(/0x([0-9a-f]+)/.exec(insns[0]!)![1]!, 16));
      if (k === 1) expect(m![4]).toMatch(/ {2}; gobuf_g=0x[0-9a-f]+$/); // the go_asm.h name beside the raw offset
      // the cited line really is the source of that instruction: same mnemonic
      const srcLine = src[Number(m![5]) - 1]!.trim();
      expect(srcLine.split(/\s+/)[0]).toBe(m![4]!.split(/\s+/)[0]);
    }
    expect(insns[3]).toMatch(/<runtime\.gogo<>\+0>/); // the jump names its target
  });

  it('lists all stubs when no symbol is given', async () => {
    const out = await disasmCommand(arch, undefined);
    for (const s of ['runtime.gogo', 'runtime.gogo<>', 'runtime.mcall', 'runtime.systemstack', 'runtime.goexit']) {
      expect(out).toContain(`TEXT ${s}(SB)`);
    }
  });
});

describe('gogo-emu command line', () => {
  it('prints the version and help', () => {
    const v = cli('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const h = cli('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('disasm');
  });

  it('answers an unknown symbol with one line and exit 2', () => {
    const r = cli('disasm', 'nosuchstub', '--arch', 'arm');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^gogo-emu: disasm: no symbol 'nosuchstub' in asm\/arm/);
  });

  it('answers an unknown arch with a clear message and exit 2, no stack trace', () => {
    const r = cli('disasm', 'gogo', '--arch', 'mips');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/'mips' is invalid\. Allowed choices are amd64, arm/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
