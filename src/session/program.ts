// The program a session runs, from the user's file to linked text: reading a
// source file (one clear error per way it can fail), turning it into TEXT
// blocks (compile a .go file, parse a .s file), and linking the runtime image
// without running it (for `gogo-emu disasm`). Every shell reads files
// through here.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import type { Arch } from '../arch/index.ts';
import { initAsm } from '../engine/asm.ts';
import { UserError } from '../engine/errors.ts';
import type { Image } from '../link/linker.ts';
import { parseAsm, type TextBlock } from '../link/source.ts';
import { HostRegistry } from '../os/host.ts';
import { emptyProgramBlocks, linkImage } from '../os/machine.ts';
import { HOST_SLOTS, REGIONS } from '../os/memmap.ts';
import { dataSymbols } from '../runtime/globals.ts';
import { defineRuntimeHosts } from '../runtime/hosts.ts';
import { programText, type ProgramImage } from './process.ts';

/**
 * The largest source file gogo-emu reads: 1 MiB. The programs of the
 * subset are a few hundred lines; a bigger file is almost surely the wrong
 * file, and the limit keeps a mistaken path from filling memory.
 */
export const MAX_SOURCE_FILE_SIZE = 1 << 20;

function errnoText(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'no such file (a component of the path is not a directory)';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return (e as Error).message;
  }
}

/** What a file is when it is not a regular one. */
function notRegular(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** The one-line reason a file is not readable as a source file, or undefined if it is. */
function unreadable(st: Stats): string | undefined {
  if (st.isDirectory()) return 'is a directory';
  if (!st.isFile()) return `not a regular file (${notRegular(st)})`;
  if (st.size > MAX_SOURCE_FILE_SIZE) return `too large (${st.size} bytes; a source file may hold at most 1 MiB)`;
  return undefined;
}

/**
 * Read a program or stub source file as UTF-8. Only a regular file of at
 * most MAX_SOURCE_FILE_SIZE bytes is read; anything else is a UserError
 * naming the file and the reason. The type is checked before the file is
 * opened (so a FIFO or a device is never read, and nothing blocks), and
 * again on the open file (in case it was replaced in between).
 */
export function readProgramFile(file: string): string {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    throw new UserError(`${file}: ${errnoText(e)}`);
  }
  let why = unreadable(st);
  if (why) throw new UserError(`${file}: ${why}`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UserError(`${file}: ${errnoText(e)}`);
  }
  try {
    why = unreadable(fstatSync(fd));
    if (why) throw new UserError(`${file}: ${why}`);
    // read at most one byte more than the limit: a file that grew is refused too
    const buf = Buffer.alloc(MAX_SOURCE_FILE_SIZE + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > MAX_SOURCE_FILE_SIZE) throw new UserError(`${file}: too large (more than 1 MiB; a source file may hold at most 1 MiB)`);
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: ${errnoText(e)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * A program file: `.s` (TEXT blocks for main.init, main.main, ... in the
 * arch's assembly syntax) or `.go` (compiled by src/compile).
 */
export async function loadProgram(file: string, arch: Arch): Promise<ProgramImage> {
  return programFromSource(readProgramFile(file), file, arch);
}

/** A program's source text, named `file` (its ending says .go or .s), made into TEXT blocks and globals. */
export async function programFromSource(text: string, file: string, arch: Arch): Promise<ProgramImage> {
  if (file.endsWith('.s')) return { blocks: withProgramEntries(parseAsm(text, file), file), globals: [] };
  if (file.endsWith('.go')) {
    const { compileProgram } = await import('../compile/index.ts');
    const prog = await compileProgram(text, file, arch);
    return { blocks: prog.blocks, globals: prog.globals };
  }
  throw new UserError(`${file}: expected a .go or .s program`);
}

/**
 * runtime.main (asm/<arch>/boot.s) calls main.init, then main.main: a .s
 * program without one of them is the user's mistake, reported against the
 * user's file (the link would otherwise fail inside the tool's boot.s).
 */
function withProgramEntries(blocks: TextBlock[], file: string): TextBlock[] {
  const missing = ['main.init', 'main.main'].filter((n) => !blocks.some((b) => b.name === n));
  if (missing.length) {
    const what = missing.map((n) => `TEXT ${n}(SB)`).join(' and ');
    throw new UserError(`${file}: no ${what}: runtime.main calls main.init, then main.main, so a .s program defines both (main.init may just return)`);
  }
  return blocks;
}

/** A --stub file: TEXT blocks that replace built-in stubs of the same name. */
export function loadStubFile(file: string): TextBlock[] {
  const blocks = parseAsm(readProgramFile(file), file);
  if (blocks.length === 0) throw new UserError(`${file}: no TEXT blocks`);
  return blocks;
}

/**
 * The runtime image of an arch linked as a process would link it (the stubs,
 * the runtime's host functions and globals, and the program, by default an
 * empty one), for reading only: nothing runs, so no engine is created.
 * Returns the image and the host registry that names the host slots.
 */
export async function linkedImage(arch: Arch, program?: ProgramImage): Promise<{ image: Image; host: HostRegistry }> {
  await initAsm();
  const host = new HostRegistry(arch, REGIONS.host.start, HOST_SLOTS);
  defineRuntimeHosts(host, () => {
    throw new Error('this image is linked for reading only; its runtime never runs');
  });
  const prog = program ?? { blocks: emptyProgramBlocks(arch), globals: [] };
  const image = linkImage({ arch, host, blocks: programText(arch, prog), data: dataSymbols(arch, prog.globals).addrs });
  return { image, host };
}
