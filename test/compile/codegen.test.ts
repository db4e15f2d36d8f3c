// The shape of the generated code: the listing, Go's prologue stack check and
// morestack path per ABI, symbol names, the line map the linker builds from
// the Go source lines, and the front end's independence from the arch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../src/compile/index.ts';
import { HostRegistry } from '../../src/os/host.ts';
import { linkImage, ROOT } from '../../src/os/machine.ts';
import { HOST_SLOTS, REGIONS } from '../../src/os/memmap.ts';
import { initAsm } from '../../src/engine/asm.ts';
import { backendFor } from '../../src/compile/backend/index.ts';
import { ENTRY } from '../../src/abi/index.ts';
import { imm, type IrFunc, slot } from '../../src/compile/ir.ts';
import { archCases } from '../helpers.ts';
import { runCompiled } from './harness.ts';

const FIB = `package main

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	println(fib(10))
}
`;

const body = (c: Awaited<ReturnType<typeof compileProgram>>, name: string) => {
  const b = c.blocks.find((x) => x.name === name);
  if (!b) throw new Error(`no block ${name}`);
  return b;
};

describe.each(archCases)('generated code on %s', (name, arch) => {
  it('listing prints each Go source line above the instructions made from it', async () => {
    const c = await compileProgram(FIB, 'prog.go', arch);
    const l = c.listing();
    expect(l).toContain(`// prog.go compiled for ${name}`);
    expect(l).toMatch(/TEXT main\.fib\(SB\).*\/\/ prog\.go:3\n\/\/ prog\.go:3 +func fib\(n int\) int \{\n +\S/);
    expect(l).toMatch(/\/\/ prog\.go:4 +if n < 2 \{\n( +[^/\n]+\n)+/);
    expect(l).toMatch(/\/\/ prog\.go:7 +return fib\(n-1\) \+ fib\(n-2\)\n[^]*?(call|bl) main\.fib/);
    // every body line carries a Go line of the function
    for (const l2 of body(c, 'main.fib').body) expect(l2.line).toBeGreaterThanOrEqual(3), expect(l2.line).toBeLessThanOrEqual(8);
  });

  it('has Go\'s stack check and an out-of-line morestack path that restarts the function', async () => {
    const src = 'package main\n\nfunc main() {\n\tx := 1\n\tf := func() int { return x }\n\tprintln(f())\n}\n';
    const c = await compileProgram(src, 'prog.go', arch);
    const text = (n: string) => body(c, n).body.map((l) => l.text.trim());
    const check = name === 'amd64' ? 'cmp rsp, qword ptr [r14 + g_stackguard0]' : 'ldr r1, [r10, #g_stackguard0]';
    for (const [fn, more] of [['main.main', 'runtime.morestack_noctxt'], ['main.main.func1', 'runtime.morestack']] as const) {
      const t = text(fn);
      expect(t[0]).toBe(check);
      const at = t.indexOf('.Lmore:');
      expect(at).toBeGreaterThan(0);
      expect(t.slice(at)).toContain(`${name === 'amd64' ? 'call' : 'bl'} ${more}`);
      expect(t[t.length - 1]).toBe(`${name === 'amd64' ? 'jmp' : 'b'} ${fn}`);
    }
    if (name === 'amd64') {
      expect(text('main.main')).toEqual(expect.arrayContaining(['push rbp', 'mov rbp, rsp']));
      expect(text('main.main.func1').some((t) => /^mov \[rsp \+ \d+\], rdx$/.test(t))).toBe(true);
    } else {
      expect(text('main.main').some((t) => /^str lr, \[sp, #-\d+\]!$/.test(t))).toBe(true);
      expect(text('main.main.func1').some((t) => /^str r7, \[sp, #\d+\]$/.test(t))).toBe(true);
    }
  });

  it('uses the large-frame check above StackSmall', async () => {
    const locals = Array.from({ length: 40 }, (_, i) => `\tx${i} := n + ${i}`).join('\n');
    const uses = Array.from({ length: 40 }, (_, i) => `x${i}`).join(' + ');
    const src = `package main\n\nfunc big(n int) int {\n${locals}\n\treturn ${uses}\n}\n\nfunc main() {\n\tprintln(big(1))\n}\n`;
    const c = await compileProgram(src, 'prog.go', arch);
    const first = body(c, 'main.big').body.map((l) => l.text.trim()).slice(0, 3);
    if (name === 'amd64') expect(first[0]).toMatch(/^lea r12, \[rsp - \d+\]$/);
    else expect(first[1]).toMatch(/^(sub r2, sp, #\d+|movw r2, #\d+)$/);
  });

  it('addresses slots in frames over 4 KiB (beyond one arm load offset)', async () => {
    // Keystone's WebAssembly build cannot take a Go function with this many
    // variables (its source limit is ~64K characters), so the function is IR.
    const far = 1500;
    const main: IrFunc = {
      name: 'main.main', line: 3, col: 1, endLine: 6, params: [], results: [], ctxtSlot: null, nslots: far + 2,
      body: [
        { op: 'mov', dst: far, src: imm(40), line: 4 },
        { op: 'bin', bop: 'add', dst: far + 1, a: slot(far), b: imm(2), line: 4 },
        { op: 'call', fn: { k: 'sym', name: ENTRY.printlock.symbol }, args: [], results: [], line: 5 },
        { op: 'call', fn: { k: 'sym', name: ENTRY.printint.symbol }, args: [{ v: slot(far + 1), int64: true }], results: [], line: 5 },
        { op: 'call', fn: { k: 'sym', name: ENTRY.printnl.symbol }, args: [], results: [], line: 5 },
        { op: 'call', fn: { k: 'sym', name: ENTRY.printunlock.symbol }, args: [], results: [], line: 5 },
        { op: 'ret', line: 6 },
      ],
    };
    const init: IrFunc = { name: 'main.init', line: 1, col: 1, endLine: 1, params: [], results: [], ctxtSlot: null, nslots: 0, body: [{ op: 'ret', line: 1 }] };
    const be = backendFor(arch);
    const blocks = [be.func(init, 'prog.go'), be.func(main, 'prog.go')];
    const r = await runCompiled(arch, { blocks, globals: [], funcs: [], listing: () => '' });
    expect(r.stderr).toBe('42\n');
  });

  it('names functions, closures, wrappers and data as the ABI contract says', async () => {
    const src = `package main

var g = func() int { return 1 }

func init() {}

func work(a int) {}

func main() {
	f := func() func() int {
		return func() int { return g() }
	}
	go work(1)
	defer work(2)
	h := work
	h(3)
	c := make(chan bool)
	_ = c
	println("hi", f()())
}
`;
    const c = await compileProgram(src, 'prog.go', arch);
    const names = c.blocks.map((b) => b.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'main.init', 'main.init.0', 'main.glob..func1', 'main.work', 'main.main', 'main.main.func1', 'main.main.func1.1',
        'main.main.gowrap1', 'main.main.deferwrap1', 'main.work.f', 'go.string.0', 'type.chan1',
      ]),
    );
    expect(c.funcs.find((f) => f.name === 'main.work')).toEqual({ name: 'main.work', line: 7 });
    expect(c.globals).toEqual([{ name: 'main.g', size: arch.ptrSize, align: arch.ptrSize }]);
    // main.init runs the initializer and the init function
    expect(body(c, 'main.init').body.map((l) => l.text).join('\n')).toContain('main.init.0');
  });

  it('links: the address -> file:line map points at Go source lines', async () => {
    await initAsm();
    const c = await compileProgram(FIB, 'prog.go', arch);
    const host = new HostRegistry(arch, REGIONS.host.start, HOST_SLOTS);
    for (const n of ['runtime.morestack_noctxt', 'runtime.printlock', 'runtime.printunlock', 'runtime.printint', 'runtime.printnl']) host.define(n, { abi: 'internal', nargs: 0 }, () => undefined);
    const image = linkImage({ arch, host, blocks: c.blocks, cacheDir: null });
    const fib = image.block('main.fib')!;
    const lines = new Set(fib.lines.map((e) => e.line));
    expect([...lines].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8]);
    // the recursive calls are on line 7
    const calls = fib.lines.filter((e) => e.line === 7);
    expect(calls.length).toBeGreaterThan(4);
    expect(image.lookup(calls[0]!.addr)).toMatchObject({ symbol: 'main.fib', file: 'prog.go', line: 7 });
  });
});

it('the front end never branches on the arch: no arch names in src/compile (outside backend/)', () => {
  const dir = join(ROOT, 'src', 'compile');
  for (const f of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)) {
    const text = readFileSync(join(dir, f), 'utf8').replace(/\/\/.*$/gm, '');
    expect(text, f).not.toMatch(/['"`](amd64|arm|x86|arm64)['"`]|arch\.name\s*[!=]==/);
  }
});
