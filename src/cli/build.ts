// `gogo-emu build prog.go -o prog.elf [--arch X]`: the exact image a run
// executes, as an ELF file for gdb: text at its run-time addresses, a symbol
// table with Go's names (runtime.gogo, main.main.func1, host functions such
// as runtime.schedule, the runtime's globals), and DWARF line tables to the
// asm/<arch>/*.s lines and the Go source lines (src/session/elf.ts).
import { writeFileSync } from 'node:fs';
import type { Arch } from '../arch/index.ts';
import { UserError } from '../session/errors.ts';
import { processElf } from '../session/elf.ts';
import { Session, type ProgramInput } from '../session/session.ts';

/** The ELF bytes of a program's linked image (boots it to lay the image out; nothing runs). */
export async function buildElf(input: ProgramInput, arch: Arch): Promise<Uint8Array> {
  const s = await Session.create(input, arch, { replay: false });
  try {
    return processElf(s.process);
  } finally {
    s.close();
  }
}

/** Write the ELF of a program to a file. */
export function writeElfFile(out: string, bytes: Uint8Array): void {
  try {
    writeFileSync(out, bytes);
  } catch (e) {
    throw new UserError(`-o ${out}: ${(e as Error).message}`);
  }
}

export async function buildCommand(file: string, arch: Arch, out: string): Promise<string> {
  const bytes = await buildElf(file, arch);
  writeElfFile(out, bytes);
  return `${out}: ELF ${arch.name === 'amd64' ? '64-bit x86-64' : '32-bit ARM'} image of ${file} (${bytes.length} bytes); debug it with: gdb-multiarch ${out} -ex 'target remote 127.0.0.1:PORT' (PORT from gogo-emu debug ${file}${arch.name === 'amd64' ? '' : ` --arch ${arch.name}`})`;
}
