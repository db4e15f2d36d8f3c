// The interface between the compiler's front end (src/compile) and the
// per-ISA code generators. A backend turns arch-neutral IR into assembly text
// in Keystone syntax (Intel on amd64, UAL on arm, as in asm/<arch>/*.s),
// as TEXT blocks whose SourceLine.line numbers are Go source lines.
import type { DataBlock, IrFunc } from '../ir.ts';
import type { TextBlock } from '../../link/source.ts';
import type { Arch } from '../../arch/types.ts';

export interface CodegenBackend {
  /** The assembly of one function: prologue (stack check, frame), body, epilogue, morestack path. */
  func(f: IrFunc, file: string): TextBlock;
  /** A read-only data block (words and bytes). */
  data(d: DataBlock, file: string): TextBlock;
}

export type BackendFactory = (arch: Arch) => CodegenBackend;
