import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disasmCommand } from '../../src/cli/disasm.ts';
import { portedRanges } from '../../src/cli/source.ts';
import { stubBlocks } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

// A stand-in GOROOT whose asm files have numbered lines, so the test does not
// depend on a Go installation and can check exactly which lines are shown.
let fakeRoot = '';
beforeAll(() => {
  fakeRoot = mkdtempSync(join(tmpdir(), 'gogo-goroot-'));
  mkdirSync(join(fakeRoot, 'src', 'runtime'), { recursive: true });
  for (const f of ['asm_amd64.s', 'asm_arm.s', 'proc.go']) {
    writeFileSync(join(fakeRoot, 'src', 'runtime', f), Array.from({ length: 5000 }, (_, i) => `${f} line ${i + 1}`).join('\n'));
  }
  writeFileSync(join(fakeRoot, 'VERSION'), 'go1.19.8');
});

describe.each(archCases)('disasm --source on %s', (name, arch) => {
  it('every stub block names the go1.19 lines it ports', () => {
    for (const b of stubBlocks(arch)) {
      if (b.header.includes('RODATA')) continue;
      expect(portedRanges(b.doc ?? []).length + (b.doc ?? []).filter((l) => /Ports the compiler-generated/.test(l)).length, `${b.name} in ${b.file}:${b.line}`).toBeGreaterThan(0);
    }
  });

  it('shows the ported lines of the original next to the port, then the disassembly', async () => {
    process.env.GOROOT = fakeRoot;
    const out = await disasmCommand(arch, 'gogo', { source: true });
    const ref = portedRanges(stubBlocks(arch).find((b) => b.name === 'runtime.gogo')!.doc!)[0]!;
    expect(ref.file).toBe(`asm_${name}.s`);
    const lines = out.split('\n');
    expect(lines[1]).toMatch(new RegExp(`^// asm_${name}\\.s:${ref.from}-${ref.to} +\\| // asm/${name}/switch\\.s:\\d+-\\d+$`));
    expect(lines[2]).toMatch(new RegExp(`^asm_${name}\\.s line ${ref.from} +\\| TEXT runtime\\.gogo\\(SB\\)`));
    expect(out).toContain(`asm_${name}.s line ${ref.to} `);
    expect(out).not.toContain(`asm_${name}.s line ${ref.to + 1} `);
    expect(out).toMatch(/\n {2}0x[0-9a-f]+ {2}/); // followed by the disassembly
  });
});
