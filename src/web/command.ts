// `gogo-emu web prog.go [--arch X] [--port N] [--gomaxprocs N] [--seed N]`:
// serve the teaching web app for a program on 127.0.0.1 until Ctrl-C; with
// `--export run.html`, write one self-contained page that replays the
// recorded run (the start, every switch, the end) without a server.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../engine/errors.ts';
import { archByName } from '../arch/index.ts';
import { programFromSource, readProgramFile } from '../session/program.ts';
import { pageHtml, uiAssets } from './assets.ts';
import { Controller, type ProgramSettings } from './controller.ts';
import type { ArchName, Reply } from './protocol.ts';
import { startWebServer } from './server.ts';

export interface WebOptions {
  arch: ArchName;
  port: number;
  gomaxprocs?: number;
  seed: number;
  export?: string;
  /** switches an export keeps at most */
  exportSwitches?: number;
}

export function settingsFor(file: string, o: WebOptions): ProgramSettings {
  if (o.gomaxprocs !== undefined && o.gomaxprocs < 1) throw new UserError(`--gomaxprocs ${o.gomaxprocs}: expected a positive number`);
  return { file, source: readProgramFile(file), arch: o.arch, gomaxprocs: o.gomaxprocs ?? null, seed: o.seed };
}

/** Write the exported page; returns its size in bytes. */
export async function exportRun(settings: ProgramSettings, out: string, max?: number): Promise<number> {
  let failure: string | undefined;
  const c = new Controller(settings, (r: Reply) => {
    if (r.type === 'compileError' || r.type === 'error') failure = r.message;
  });
  try {
    await c.load(settings);
    if (failure) throw new UserError(failure);
    const data = await c.exportData(max);
    const html = pageHtml(await uiAssets(), { title: `gogo-emu: ${basename(settings.file)} (${settings.arch}, recorded)`, data });
    writeFileSync(out, html);
    return Buffer.byteLength(html);
  } finally {
    c.close();
  }
}

export async function webCommand(file: string, o: WebOptions, err: (s: string) => void): Promise<number> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UserError(`--port ${o.port}: not a TCP port (0 to 65535; 0 picks a free one)`);
  const settings = settingsFor(file, o);
  if (o.export) {
    const n = await exportRun(settings, o.export, o.exportSwitches);
    err(`gogo-emu web: wrote ${o.export} (${Math.round(n / 1024)} KiB): open it in a browser, no server needed`);
    return 0;
  }
  // a program that does not compile is one line here, not a page that cannot start
  await programFromSource(settings.source, file, archByName(o.arch));
  let server;
  try {
    server = await startWebServer(settings, { port: o.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`--port ${o.port}: 127.0.0.1:${o.port} is in use (try another port, or 0 for any free one)`);
    throw e;
  }
  err(`gogo-emu web: ${file} (${o.arch}) at ${server.url}   (Ctrl-C ends the server)`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  err('gogo-emu web: server stopped');
  return 0;
}
