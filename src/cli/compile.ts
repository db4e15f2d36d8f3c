// `gogo-emu compile prog.go [--arch X]`: the assembly the compiler generates
// for a Go program of the supported subset, with each Go source line printed
// above the instructions made from it.
import type { Arch } from '../arch/index.ts';
import { compileProgram } from '../compile/index.ts';
import { readProgramFile } from '../session/program.ts';

export async function compileCommand(file: string, arch: Arch): Promise<string> {
  const prog = await compileProgram(readProgramFile(file), file, arch);
  return prog.listing();
}
