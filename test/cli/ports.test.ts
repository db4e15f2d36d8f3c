// Every stub's `Ports file:from-to` reference points at real go1.19 source:
// the range lies inside the file, and where a stub has the name of a TEXT
// block of the .s file it names, the range starts at that TEXT line (checked
// against the local go1.19 installation; skipped without one). The range may
// start with the comment lines right above the TEXT line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findGoroot, goSourcePath, isGo119, portedRanges } from '../../src/cli/source.ts';
import { stubBlocks } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

// a go1.19 installation only: the references are to go1.19's lines
const found = findGoroot();
const goroot = found && isGo119(found.version) ? found.dir : undefined;
const goSrc = (f: string) => (goroot && existsSync(goSourcePath(goroot, f)) ? readFileSync(goSourcePath(goroot, f), 'utf8').split('\n') : undefined);

describe.each(archCases)('go1.19 references of the stubs on %s', (_n, arch) => {
  it.skipIf(!goroot)('name ranges that exist, starting at the TEXT line of a stub of the same name', () => {
    const problems: string[] = [];
    for (const b of stubBlocks(arch)) {
      for (const r of portedRanges(b.doc ?? [])) {
        const lines = goSrc(r.file);
        const where = `${b.name} (${b.file}:${b.line}): ${r.file}:${r.from}-${r.to}`;
        if (!lines) {
          problems.push(`${where}: no such file in ${goroot}/src/runtime`);
          continue;
        }
        if (r.from < 1 || r.to < r.from || r.to > lines.length) {
          problems.push(`${where}: outside the file (${lines.length} lines)`);
          continue;
        }
        const bare = b.name.replace(/^runtime\./, '');
        const text = lines.findIndex((l) => l.startsWith(`TEXT runtime·${bare}(SB)`));
        // (the range may start with the comment lines above the TEXT line)
        const lead = lines.slice(r.from - 1, text);
        if (r.file.endsWith('.s') && text >= 0 && (text + 1 < r.from || !lead.every((l) => l.startsWith('//')))) problems.push(`${where}: TEXT runtime·${bare} is at line ${text + 1}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
