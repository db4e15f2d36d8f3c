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

describe.each(archCases)('GOMAXPROCS on %s', (_n, arch) => {
  const prog = 'package main\n\nimport "runtime"\n\nfunc main() {\n\tprintln(runtime.GOMAXPROCS(0))\n\tprintln(runtime.GOMAXPROCS(1))\n\truntime.GOMAXPROCS(2)\n}\n';
  it('reports the current value, accepts 1, and says clearly that more Ps are not supported yet', async () => {
    const r = await runSource(prog, 'gmp.go', arch, {});
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^1\n1\nfatal error: runtime\.GOMAXPROCS\(2\): more than one P is not supported yet/);
  });
  it('reads the GOMAXPROCS environment variable as Go does and refuses more than one P', async () => {
    const r = await runSource(prog.replace('\truntime.GOMAXPROCS(2)\n', ''), 'gmp.go', arch, { gomaxprocsEnv: '3' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: GOMAXPROCS=3: more than one P is not supported yet/);
    const ok = await runSource(prog.replace('\truntime.GOMAXPROCS(2)\n', ''), 'gmp.go', arch, { gomaxprocsEnv: 'junk' });
    expect(ok.stderr).toBe('1\n1\n');
  });
});
