// Starting a process the way Linux execve does: the initial stack of the main
// thread holds argc, the argv pointers, a NULL, the environment pointers, a
// NULL and the auxiliary vector (AT_NULL-terminated), with the strings above.
import type { Arch } from '../../arch/index.ts';
import type { Arena } from '../../engine/arena.ts';

/** Build the initial stack below `top`; returns the initial SP (pointing at argc). */
export function buildInitialStack(arch: Arch, mem: Arena, top: number, argv: readonly string[], envp: readonly string[] = []): number {
  const w = arch.ptrSize;
  let at = top;
  const put = (s: string): number => {
    const bytes = Buffer.from(`${s}\0`, 'utf8');
    at -= bytes.length;
    mem.write(at, bytes);
    return at;
  };
  const argp = argv.map(put);
  const envs = envp.map(put);
  at = Math.floor(at / 16) * 16;
  const words = [argv.length, ...argp, 0, ...envs, 0, 0, 0]; // argc, argv..., NULL, envp..., NULL, AT_NULL pair
  at -= words.length * w;
  at = Math.floor(at / 16) * 16;
  words.forEach((v, i) => mem.setPtr(at + i * w, v));
  return at;
}
