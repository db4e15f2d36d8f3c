// Keystone and Capstone loading: Capstone's synchronous binding decodes
// exactly as capstone-js's own API does, the constants it uses are
// capstone.h's, remembered decodings are used only where the bytes match, and
// a run whose assembly comes from the linker's cache loads neither module.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CS_CONSTANTS, disassemble, disassembleOne, initAsm, rememberDecoding } from '../../src/engine/asm.ts';
import { HostRegistry } from '../../src/os/host.ts';
import { emptyProgramBlocks, linkImage, ROOT, stubBlocks } from '../../src/os/machine.ts';
import { HOST_SLOTS, REGIONS } from '../../src/os/memmap.ts';
import { dataSymbols } from '../../src/runtime/globals.ts';
import { defineRuntimeHosts } from '../../src/runtime/hosts.ts';
import { archCases } from '../helpers.ts';

interface CapstoneJs {
  Capstone: new (arch: number, mode: number) => {
    disasm(bytes: Uint8Array, addr: number): { address: bigint; size: number; mnemonic: string; op_str: string }[];
    option(opt: number, value: number): void;
  };
  [name: string]: unknown;
}

async function capstoneJs(): Promise<CapstoneJs> {
  const require = createRequire(import.meta.url);
  return (await (require('@alexaltea/capstone-js') as () => Promise<CapstoneJs>)()) as CapstoneJs;
}

describe('Capstone through its C functions', () => {
  it('uses capstone.h values for the constant names', async () => {
    const m = await capstoneJs();
    for (const [name, value] of Object.entries(CS_CONSTANTS)) expect([name, m[name]]).toEqual([name, value]);
  });

  describe.each(archCases)('%s', (_, arch) => {
    it('decodes every stub as capstone-js does', async () => {
      await initAsm();
      const m = await capstoneJs();
      const cs = new m.Capstone(m[arch.asm.cs[0]] as number, m[arch.asm.cs[1]] as number);
      for (const [opt, val] of arch.asm.csOptions ?? []) cs.option(m[opt] as number, m[val] as number);
      const host = new HostRegistry(arch, REGIONS.host.start, HOST_SLOTS);
      defineRuntimeHosts(host, () => {
        throw new Error('never run');
      });
      const image = linkImage({ arch, host, blocks: [...stubBlocks(arch), ...emptyProgramBlocks(arch)], cacheDir: null, data: dataSymbols(arch).addrs });
      let n = 0;
      for (const b of image.blocks) {
        for (const e of b.lines.filter((l) => !l.data)) {
          const bytes = b.bytes.subarray(e.addr - b.addr, e.addr - b.addr + e.size);
          const ours = disassemble(arch.asm, bytes, e.addr, arch.insnUnit).map((i) => [i.address, i.size, i.mnemonic, i.opStr]);
          const theirs = cs.disasm(bytes, e.addr).map((i) => [Number(i.address), i.size, i.mnemonic, i.op_str]);
          expect(ours).toEqual(theirs);
          n++;
        }
      }
      expect(n).toBeGreaterThan(100);
    });

    it('knows how the host slots return instruction decodes', () => {
      const [mnemonic, opStr] = arch.retInsnText;
      expect(disassembleOne(arch.asm, arch.retInsn, 0x1000000)).toBe(`${mnemonic} ${opStr}`.trim());
    });
  });

  it('uses a remembered decoding only where the bytes match', () => {
    const arch = archCases[0]![1];
    const at = 0x7000000;
    rememberDecoding(arch.asm, [{ address: at, size: 1, bytes: Uint8Array.of(0x90), mnemonic: 'remembered', opStr: '' }]);
    expect(disassemble(arch.asm, Uint8Array.of(0x90), at)[0]!.mnemonic).toBe('remembered');
    expect(disassemble(arch.asm, Uint8Array.of(0xc3), at)[0]!.mnemonic).toBe('ret');
    expect(disassemble(arch.asm, Uint8Array.of(0x90), at + 1)[0]!.mnemonic).toBe('nop');
  });
});

describe('lazy loading', () => {
  it('a run from the assembly cache loads neither Keystone nor Capstone', () => {
    const cache = mkdtempSync(join(tmpdir(), 'gogo-lazy-'));
    const script = `
      import { readFileSync } from 'node:fs';
      import { archByName } from ${JSON.stringify(join(ROOT, 'src/arch/index.ts'))};
      import { runSource } from ${JSON.stringify(join(ROOT, 'src/cli/run.ts'))};
      import { capstoneLoaded, keystoneLoaded } from ${JSON.stringify(join(ROOT, 'src/engine/asm.ts'))};
      const prog = ${JSON.stringify(join(ROOT, 'tools/bench/hello.go'))};
      const r = await runSource(readFileSync(prog, 'utf8'), prog, archByName(process.argv[1]), {});
      console.log(JSON.stringify({ out: r.stderr, keystone: keystoneLoaded(), capstone: capstoneLoaded() }));
    `;
    const run = (archName: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, archName], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOGO_EMU_CACHE: cache } });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { out: string; keystone: boolean; capstone: boolean };
    };
    for (const [name] of archCases) {
      expect(run(name)).toEqual({ out: 'hello, world\n', keystone: true, capstone: true }); // cache miss
      expect(run(name)).toEqual({ out: 'hello, world\n', keystone: false, capstone: false }); // cache hit
    }
  });
});
