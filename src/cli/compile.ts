// `gogo-emu compile prog.go [--arch X] [--addresses]`: the assembly the
// compiler generates for a Go program of the supported subset, with each Go
// source line printed above the instructions made from it. With --addresses,
// the program as a run links it: every instruction's address, its offset in
// the function (what `main.main+401` in a fault report or a switch table
// means), its encoding and the go_asm.h names beside raw offsets.
import type { Arch } from '../arch/index.ts';
import { compileProgram } from '../compile/index.ts';
import { readProgramFile } from '../session/program.ts';
import { programListing } from './disasm.ts';

export async function compileCommand(file: string, arch: Arch, o: { addresses?: boolean } = {}): Promise<string> {
  const source = readProgramFile(file);
  const prog = await compileProgram(source, file, arch);
  if (o.addresses) return programListing(arch, { blocks: prog.blocks, globals: prog.globals }, file, source);
  return prog.listing();
}
