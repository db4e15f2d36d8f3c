import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/cli/demo.ts';
import { archCases } from '../helpers.ts';

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
});
