// Reading and loading program files (src/session/program.ts): each way a
// file can be unreadable is one clear line, and nothing blocks (a FIFO, a
// device); linkedImage links the runtime image without running it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/os/machine.ts';
import { UserError } from '../../src/session/errors.ts';
import { linkedImage, loadProgram, MAX_SOURCE_FILE_SIZE, readProgramFile } from '../../src/session/program.ts';
import { archCases } from '../helpers.ts';

describe('readProgramFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gogo-emu-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fails = (file: string) => {
    try {
      readProgramFile(file);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return (e as Error).message;
    }
    throw new Error(`${file} was read`);
  };

  it('reads a regular file', () => {
    const f = join(dir, 'ok.go');
    writeFileSync(f, 'package main\n\nfunc main() {}\n');
    expect(readProgramFile(f)).toBe('package main\n\nfunc main() {}\n');
  });

  it('a missing file, a directory, a path through a file', () => {
    expect(fails(join(dir, 'missing.go'))).toBe(`${join(dir, 'missing.go')}: no such file`);
    expect(fails(dir)).toBe(`${dir}: is a directory`);
    const f = join(dir, 'plain.go');
    writeFileSync(f, '');
    expect(fails(join(f, 'x.go'))).toBe(`${join(f, 'x.go')}: no such file (a component of the path is not a directory)`);
  });

  it('/dev/zero is refused before it is read', () => {
    expect(fails('/dev/zero')).toBe('/dev/zero: not a regular file (a character device)');
  });

  it('a FIFO is refused without blocking', () => {
    const fifo = join(dir, 'prog.go');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(fails(fifo)).toBe(`${fifo}: not a regular file (a FIFO)`);
  });

  it('a file over 1 MiB is too large', () => {
    const big = join(dir, 'big.go');
    writeFileSync(big, '');
    truncateSync(big, MAX_SOURCE_FILE_SIZE + 1);
    expect(fails(big)).toBe(`${big}: too large (${MAX_SOURCE_FILE_SIZE + 1} bytes; a source file may hold at most 1 MiB)`);
    truncateSync(big, MAX_SOURCE_FILE_SIZE);
    expect(readProgramFile(big)).toHaveLength(MAX_SOURCE_FILE_SIZE);
  });

  it('the CLI reports a FIFO and /dev/zero in one line and exits 2 without hanging', () => {
    const fifo = join(dir, 'cli.go');
    spawnSync('mkfifo', [fifo]);
    for (const [file, why] of [[fifo, 'not a regular file (a FIFO)'], ['/dev/zero', 'not a regular file (a character device)']] as const) {
      for (const cmd of ['run', 'compile', 'switches']) {
        const r = spawnSync(process.execPath, [join(ROOT, 'bin/gogo-emu.mjs'), cmd, file], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });
        expect({ cmd, status: r.status, stderr: r.stderr }).toEqual({ cmd, status: 2, stderr: `gogo-emu: ${file}: ${why}\n` });
      }
    }
  });
});

describe.each(archCases)('loadProgram and linkedImage on %s', (name, arch) => {
  it('loads .go and .s programs and refuses other names', async () => {
    const go = await loadProgram(join(ROOT, 'fixtures', 'programs', 'pingpong.go'), arch);
    expect(go.blocks.map((b) => b.name)).toContain('main.main');
    const s = await loadProgram(join(ROOT, 'fixtures', 'golden', `goroutines.${name}.s`), arch);
    expect(s.blocks.map((b) => b.name)).toContain('main.main');
    await expect(loadProgram(join(ROOT, 'package.json'), arch)).rejects.toThrow(/package\.json: expected a \.go or \.s program$/);
  });

  it('links the stubs, the runtime host functions and an empty program by default', async () => {
    const { image, host } = await linkedImage(arch);
    expect(image.block('runtime.gogo')).toBeDefined();
    expect(image.block('main.main')?.file).toBe('<empty program>');
    expect(host.has('runtime.park_m')).toBe(true);
    const prog = await loadProgram(join(ROOT, 'fixtures', 'programs', 'pingpong.go'), arch);
    const withProg = await linkedImage(arch, prog);
    expect(withProg.image.block('main.main')?.file).toMatch(/pingpong\.go$/);
  });
});
