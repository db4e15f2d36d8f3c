// `gogo-emu compile prog.go [--arch X]`: the assembly the compiler generates
// for a Go program of the supported subset, with each Go source line printed
// above the instructions made from it.
import { readFileSync } from 'node:fs';
import type { Arch } from '../arch/index.ts';
import { compileProgram } from '../compile/index.ts';
import { UserError } from '../engine/errors.ts';

export async function compileCommand(file: string, arch: Arch): Promise<string> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UserError(`${file}: ${why}`);
  }
  const prog = await compileProgram(source, file, arch);
  return prog.listing();
}
