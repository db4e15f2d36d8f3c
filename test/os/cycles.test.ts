// The cycle model's cost table (src/os/cycles.ts, src/engine/blockcount.ts)
// charges exactly what disassembling every block in JavaScript charges: the
// same programs, run with the table and without it (costTable: false), give
// the same instruction count, cycles and clock on every thread, the same
// quanta and the same output -- run straight through, and cut into engine
// runs of odd sizes (partial blocks settled at every cut), with short
// perturbed quanta and a fault (nilderef: its PC too). The table is used by
// the block hook's machine code and by its JavaScript twin alike.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { assemble, initAsm } from '../../src/engine/asm.ts';
import { BLOCK_HOOK_X64, BLOCK_HOOK_X64_SOURCE } from '../../src/engine/blockcount.ts';
import { ARCHES } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { Process, type ProgramImage } from '../../src/session/process.ts';
import { loadStubFile, programFromSource } from '../../src/session/program.ts';
import type { TextBlock } from '../../src/link/source.ts';
import { archCases } from '../helpers.ts';

const PROGRAMS = ['pingpong', 'prodcons', 'lockthread', 'nilderef'];

interface Outcome {
  out: string;
  fault: string;
  totalInsns: number;
  quanta: number;
  threads: [number, number, number][];
}

async function runOnce(arch: Arch, program: ProgramImage, costTable: boolean, chunked: boolean, jsHook = false, stubOverrides?: TextBlock[]): Promise<Outcome> {
  if (jsHook) process.env.GOGO_EMU_BLOCK_HOOK = 'js';
  let p: Process;
  try {
    p = await Process.create({ arch, program, costTable, slice: 997, interleaveSeed: 5, cpus: 2, maxInsns: stubOverrides ? 300_000 : 50_000_000, stubOverrides });
  } finally {
    delete process.env.GOGO_EMU_BLOCK_HOOK;
  }
  expect((p.threads as unknown as { counter: { native: boolean } }).counter.native).toBe(!jsHook && process.arch === 'x64');
  let fault = '';
  try {
    if (chunked) {
      for (let i = 0; ; i++) {
        const r = p.threads.advance(i % 2 ? { chunk: 1013 + i } : { insns: p.threads.totalInsns + 777 });
        if (r === 'exit' || r === 'all-parked') break;
        if (r === 'budget') throw new Error('budget');
      }
    } else {
      p.run();
    }
  } catch (e) {
    fault = `${(e as Error).message} pc=${p.machine.engine.pc}`;
  }
  const t = p.threads;
  const o = { out: p.rt.stdout + p.rt.stderr, fault, totalInsns: t.totalInsns, quanta: t.quanta, threads: t.all.map((x): [number, number, number] => [x.insns, x.cycles, x.clock]) };
  p.close();
  return o;
}

describe.each(archCases)('cost table on %s', (_name, arch) => {
  it.each(PROGRAMS)('%s: the same counts, cycles and clocks as disassembling every block', async (name) => {
    const file = join(ROOT, 'fixtures', 'programs', `${name}.go`);
    const program = await programFromSource(readFileSync(file, 'utf8'), file, arch);
    for (const chunked of [false, true]) {
      const table = await runOnce(arch, program, true, chunked);
      const js = await runOnce(arch, program, false, chunked);
      expect(table).toEqual(js);
      // the block hook's JavaScript twin (hosts other than x86-64) over the same table
      if (!chunked) expect(await runOnce(arch, program, true, chunked, true)).toEqual(js);
    }
  });
});

describe.each(archCases)('cost table on %s, code in a data line', (name, arch) => {
  // gogo-loop.s ends runtime.gogo<> in a branch to itself (on amd64 written
  // as a .byte data line): blocks that run data are no blocks of the table
  it('charges a branch written as data like any instruction', async () => {
    const file = join(ROOT, 'fixtures', 'programs', 'pingpong.go');
    const program = await programFromSource(readFileSync(file, 'utf8'), file, arch);
    const stub = loadStubFile(join(ROOT, 'test', 'trace', 'fixtures', name, 'gogo-loop.s'));
    for (const chunked of [false, true]) {
      const table = await runOnce(arch, program, true, chunked, false, stub);
      expect(table.fault).toMatch(/budget/);
      expect(table).toEqual(await runOnce(arch, program, false, chunked, false, stub));
    }
  });
});

describe('block hook machine code', () => {
  it('is what Keystone assembles from its source', async () => {
    await initAsm();
    const bytes = assemble(ARCHES.amd64.asm, BLOCK_HOOK_X64_SOURCE, 0);
    expect(Buffer.from(bytes).toString('hex')).toBe(BLOCK_HOOK_X64);
  });
});
