// `gogo-emu disasm [symbol] --arch X`: the stubs as assembled, one line per
// instruction with its address, bytes, text and the .s file:line it came from.
import type { Arch } from '../arch/index.ts';
import { disassemble } from '../engine/asm.ts';
import type { LinkedBlock } from '../link/linker.ts';
import { stubBlocks } from '../os/machine.ts';
import { UserError } from '../session/errors.ts';
import { linkedImage } from '../session/program.ts';
import { findGoroot, sourceView } from './source.ts';

const hex = (n: number) => `0x${n.toString(16)}`;

export function formatBlock(arch: Arch, b: LinkedBlock, nameOf: (addr: number) => string | undefined): string[] {
  const out = [`${b.header}    // ${b.file}:${b.line}, ${hex(b.addr)}, ${b.bytes.length} bytes`];
  for (const e of b.lines) {
    const bytes = b.bytes.subarray(e.addr - b.addr, e.addr - b.addr + e.size);
    const insns = e.data
      ? [{ address: e.addr, bytes, mnemonic: '(data)', opStr: '' }]
      : disassemble(arch.asm, bytes, e.addr, arch.insnUnit);
    for (const i of insns) {
      const target = /^#?(0x[0-9a-f]+)$/.exec(i.opStr)?.[1];
      const sym = target ? nameOf(Number(target)) : undefined;
      const text = `${i.mnemonic} ${i.opStr}`.trim() + (sym ? ` <${sym}>` : '');
      const hexBytes = [...i.bytes].map((x) => x.toString(16).padStart(2, '0')).join(' ');
      out.push(`  ${hex(i.address)}  ${hexBytes.padEnd(30)}  ${text.padEnd(44)}  ${b.file}:${e.line}`);
    }
  }
  return out;
}

export async function disasmCommand(arch: Arch, symbol: string | undefined, opts: { source?: boolean } = {}): Promise<string> {
  const { image, host } = await linkedImage(arch);
  let blocks = image.blocks.filter((b) => !b.file.startsWith('<'));
  if (symbol) {
    const want = symbol.includes('.') ? [symbol] : [`runtime.${symbol}`, symbol];
    const b = want.map((n) => image.block(n)).find(Boolean);
    if (!b) throw new UserError(`disasm: no symbol '${symbol}' in asm/${arch.name} (try: ${image.blocks.map((x) => x.name).join(', ')})`);
    blocks = [b];
  }
  const nameOf = (a: number) => host.nameAt(a) ?? (image.blockAt(a) ? image.describe(a) : undefined);
  if (opts.source) {
    const goroot = findGoroot();
    const sources = new Map(stubBlocks(arch).map((b) => [b.name, b]));
    return blocks.flatMap((b) => [...sourceView(b, sources.get(b.name)!, goroot), '', ...formatBlock(arch, b, nameOf), '']).join('\n');
  }
  return blocks.flatMap((b) => [...formatBlock(arch, b, nameOf), '']).join('\n');
}
