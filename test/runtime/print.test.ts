// print and println end in a raw write(2) made by machine code, as go1.19's
// gwrite -> writeErr -> write -> write1 (issue 11 item 5): every piece of a
// print statement is one write system call on fd 2, made by the SYSCALL /
// SVC instruction of runtime.write1 (asm/<arch>/sys_linux.s), with no
// entersyscall (the P stays _Prunning), and the output is Go's.
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import { archCases } from '../helpers.ts';

const src = `package main

func main() {
	x := -42
	println("a", x, true, 2.5)
	print("b", "", uint8(7), "\\n")
	var e interface{}
	println(e)
}
`;

describe.each(archCases)('print and println on %s', (_n, arch) => {
  it('write each piece with one raw write(2) from runtime.write1, on fd 2, without entering a system call', async () => {
    const writes: { fd: number; text: string; at: string }[] = [];
    const kinds: string[] = [];
    const r = await runSource(src, 'prog.go', arch, {
      observe: (p) => {
        p.bus.on((e: ProcessEvent) => {
          kinds.push(e.kind);
          if (e.kind !== 'output') return;
          const pc = p.machine.engine.pc;
          writes.push({ fd: e.fd, text: e.text, at: p.machine.describe(pc).replace(/\+.*/, '') });
        });
      },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('a -42 true +2.500000e+000\nb7\n(0x0,0x0)\n');
    // println("a", x, true, 2.5): 7 pieces; print("b", "", uint8(7), "\\n"): the empty string writes nothing; println(e): 2
    expect(writes.map((w) => w.text)).toEqual(['a', ' ', '-42', ' ', 'true', ' ', '+2.500000e+000', '\n', 'b', '7', '\n', '(0x0,0x0)', '\n']);
    expect(new Set(writes.map((w) => w.fd))).toEqual(new Set([2]));
    // the output happened in the system call instruction of runtime.write1 (the PC is right after it)
    expect(new Set(writes.map((w) => w.at))).toEqual(new Set(['runtime.write1']));
    expect(kinds).not.toContain('entersyscall');
  });
});
