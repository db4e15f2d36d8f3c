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
      const r = await runSource(src, 'runqoverflow.go', arch, { seed: 7, gomaxprocsEnv: '1', observe: (p) => p.bus.on((e) => events.push(JSON.stringify(e))) });
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

describe.each(archCases)('determinism with timers and select on %s', (_n, arch) => {
  it('gives identical runs at GOMAXPROCS=4 (timers on several Ps, Ms waiting for the next timer)', async () => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'timesleep.go'), 'utf8');
    const once = async () => {
      const events: string[] = [];
      const r = await runSource(src, 'timesleep.go', arch, { seed: 3, gomaxprocsEnv: '4', observe: (p) => p.bus.on((e) => events.push(JSON.stringify(e))) });
      return { ...r, events };
    };
    const a = await once();
    const b = await once();
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe('30 60 90 150 210 270 \ntrue true true\nzero and negative sleeps return at once\n');
    expect(b.stdout).toBe(a.stdout);
    expect(b.insns).toBe(a.insns);
    expect(b.cycles).toBe(a.cycles);
    expect(b.events).toEqual(a.events);
  });
});

describe.each(archCases)('GOMAXPROCS on %s', (_n, arch) => {
  const prog = 'package main\n\nimport "runtime"\n\nfunc main() {\n\tprintln(runtime.GOMAXPROCS(0))\n\tprintln(runtime.GOMAXPROCS(1))\n\tprintln(runtime.GOMAXPROCS(3))\n\tprintln(runtime.GOMAXPROCS(-1), runtime.NumCPU())\n}\n';
  it('defaults to the CPU count, and changes at run time (returning the previous value)', async () => {
    expect((await runSource(prog, 'gmp.go', arch, {})).stderr).toBe('4\n4\n1\n3 4\n');
    expect((await runSource(prog, 'gmp.go', arch, { cpus: 2 })).stderr).toBe('2\n2\n1\n3 2\n');
  });
  it('reads the GOMAXPROCS environment variable as Go does (a positive int32; anything else means the CPU count)', async () => {
    const first = async (env: string) => (await runSource(prog, 'gmp.go', arch, { gomaxprocsEnv: env, cpus: 6 })).stderr.split('\n')[0];
    expect(await first('3')).toBe('3');
    expect(await first('12')).toBe('12');
    for (const bad of ['junk', '0', '-2', '+2', ' 2', '2 ', '4294967297', '']) expect(await first(bad), JSON.stringify(bad)).toBe('6');
  });
});
