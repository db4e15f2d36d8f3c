// Same program + arch + GOMAXPROCS + seed => identical output, instruction
// count, modeled cycles and event stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

describe.each(archCases)('determinism on %s', (_n, arch) => {
  it('gives byte-identical runs of a goroutine-heavy program', async () => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'runqoverflow.go'), 'utf8');
    const once = async () => {
      const events: string[] = [];
      const r = await runSource(src, 'runqoverflow.go', arch, { seed: 7, gomaxprocsEnv: '1', observe: (rt) => rt.events.on((e) => events.push(JSON.stringify(e))) });
      return { ...r, events };
    };
    const a = await once();
    const b = await once();
    expect(a.exitCode).toBe(0);
    expect(a.events.length).toBeGreaterThan(1000);
    expect(b.stderr).toBe(a.stderr);
    expect(b.insns).toBe(a.insns);
    expect(b.cycles).toBe(a.cycles);
    expect(b.events).toEqual(a.events);
  });
});
