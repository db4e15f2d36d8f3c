// `gogo-emu debug prog.go [--arch X] [--gdb PORT] [--elf prog.elf]`: load a
// program, stop it before its first instruction and serve it to gdb over the
// remote protocol on 127.0.0.1 (src/gdb). Attach with
//   gdb-multiarch prog.elf -ex 'target remote 127.0.0.1:PORT'
// where prog.elf comes from `gogo-emu build` (or --elf here). The program's
// output appears here and in gdb. Ends when gdb kills the program (`kill`,
// or quitting gdb) or on Ctrl-C; a gdb that detaches or disconnects can be
// followed by another one.
import type { Arch } from '../arch/index.ts';
import { GdbServer } from '../gdb/server.ts';
import { processElf } from '../session/elf.ts';
import { UserError } from '../session/errors.ts';
import { Session } from '../session/session.ts';
import { writeElfFile } from './build.ts';

export interface DebugOptions {
  port: number;
  elf?: string;
  maxInsns?: number;
  seed?: number;
  debugChecks?: boolean;
  /** log every packet */
  trace?: boolean;
}

export async function debugCommand(file: string, arch: Arch, o: DebugOptions, err: (s: string) => void): Promise<number> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UserError(`--gdb ${o.port}: not a TCP port (0 to 65535; 0 picks a free one)`);
  const s = await Session.create(file, arch, { maxInsns: o.maxInsns, seed: o.seed, debugChecks: o.debugChecks, gomaxprocsEnv: process.env.GOMAXPROCS });
  try {
    if (o.elf) writeElfFile(o.elf, processElf(s.process));
    const server = await GdbServer.listen(s, { port: o.port, trace: o.trace, log: (l) => err(`gogo-emu debug: ${l}`) });
    const onSigint = () => void server.close();
    process.once('SIGINT', onSigint);
    const archFlag = arch.name === 'amd64' ? '' : ` --arch ${arch.name}`;
    const elf = o.elf ?? 'prog.elf';
    err(`gogo-emu debug: ${file} (${arch.name}) is stopped before its first instruction; gdb remote server on 127.0.0.1:${server.port}`);
    if (!o.elf) err(`gogo-emu debug: make the ELF for gdb with: gogo-emu build ${file}${archFlag} -o ${elf}`);
    err(`gogo-emu debug: attach with: gdb-multiarch ${elf} -ex 'target remote 127.0.0.1:${server.port}'   (Ctrl-C here ends the server)`);
    const how = await server.done;
    process.removeListener('SIGINT', onSigint);
    if (how === 'closed') err('gogo-emu debug: server stopped');
    return 0;
  } finally {
    s.close();
  }
}
