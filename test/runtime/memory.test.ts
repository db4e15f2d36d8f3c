// Memory: the heap and stack regions hold a million goroutines (measured:
// the heap and stack bytes 20,000 parked goroutines take, times 50, must fit
// what is left of each region), and an exhausted heap ends the program with
// Go's "fatal error: out of memory" (there is no collector). Both arches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../src/compile/index.ts';
import { runSource } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';
import { REGIONS } from '../../src/os/memmap.ts';
import { Process } from '../../src/session/process.ts';
import { archCases } from '../helpers.ts';

const parked = (n: number) => `package main

func main() {
	c := make(chan int)
	for i := 0; i < ${n}; i++ {
		go func() { <-c }()
	}
	for i := 0; i < ${n}; i++ {
		c <- i
	}
}
`;

/** Heap and stack bytes in use when every goroutine of parked(n) has started and parked. */
async function footprint(arch: (typeof archCases)[number][1], n: number): Promise<{ heap: number; stacks: number }> {
  const prog = await compileProgram(parked(n), 'parked.go', arch);
  const p = await Process.create({ arch, program: { blocks: prog.blocks, globals: prog.globals }, gomaxprocsEnv: '1' });
  try {
    let peak = { heap: 0, stacks: 0 };
    // sample at every host call: the peak is when all n are parked, before main sends
    p.bus.onKind(['hostcall'], (ev) => {
      if (ev.name !== 'runtime.chansend1') return;
      if (p.rt.stacks.inUse > peak.stacks) peak = { heap: p.rt.heap.inUse, stacks: p.rt.stacks.inUse };
    });
    const r = p.run();
    expect(r.exitCode).toBe(0);
    return peak;
  } finally {
    p.close();
  }
}

describe.each(archCases)('memory on %s', (_name, arch) => {
  it('has room for a million parked goroutines in the heap and stack regions', async () => {
    const small = await footprint(arch, 500);
    const big = await footprint(arch, 4500);
    // what each goroutine costs (the difference removes the runtime's own fixed use)
    const perG = { heap: (big.heap - small.heap) / 4000, stacks: (big.stacks - small.stacks) / 4000 };
    expect(perG.stacks).toBe(2048);
    expect(perG.heap).toBeLessThan(arch.ptrSize === 8 ? 700 : 500);
    expect(small.heap + 1e6 * perG.heap).toBeLessThan(REGIONS.heap.size);
    // the stack region also keeps room for one goroutine to grow to Go's maximum stack (a 512 MiB copy)
    expect(small.stacks + 1e6 * perG.stacks + 512 * 2 ** 20).toBeLessThan(REGIONS.stacks.size);
  });

  it('runs 50,000 goroutines blocked on one channel at once, then releases them all', async () => {
    // tools/bench/blocked1m.go at a size the suite can afford (the benchmark runs a million)
    const n = 50_000;
    const src = readFileSync(join(ROOT, 'tools', 'bench', 'blocked1m.go'), 'utf8').replace('const n = 1000000', `const n = ${n}`);
    expect(src).toContain(`const n = ${n}`);
    const r = await runSource(src, 'blocked.go', arch, { gomaxprocsEnv: '1', maxInsns: 2e9 });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`blocked ${n + 1}\nreleased ${(n * (n - 1)) / 2}\n`);
  });

  it('ends a program whose allocations exhaust the heap with "fatal error: out of memory"', async () => {
    const src = 'package main\n\nfunc main() {\n\tvar keep [][]byte\n\tfor i := 0; ; i++ {\n\t\tkeep = append(keep, make([]byte, 256<<20))\n\t\tprintln(i, len(keep))\n\t}\n}\n';
    const r = await runSource(src, 'oom.go', arch, { gomaxprocsEnv: '1' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^0 1\n1 2\n2 3\nruntime: out of memory: cannot allocate 268435456-byte block \(\d+ in use\)\nfatal error: out of memory\n/);
  });
});
