// The scheduler-state invariants (src/trace/schedcheck.ts) at every host
// call: every fixture that runs with several Ps keeps them on both arches,
// and a state broken on purpose (a miscounted nmspinning, a P whose m field
// disowns its M, a runq overrun) is reported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';
import { formatSchedViolation, SchedChecker } from '../../src/trace/schedcheck.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { archCases, fixtureGomaxprocs } from '../helpers.ts';

const MULTI = ['parsum', 'workpool2', 'gomaxprocs', 'lockthread', 'spread', 'deadlock4', 'panic4', 'pingpong', 'manygoroutines'];

async function check(arch: (typeof archCases)[number][1], src: string, gomaxprocs: string, sabotage?: (rt: Runtime, n: number) => void) {
  let c: SchedChecker | undefined;
  let calls = 0;
  await runSource(src, 'prog.go', arch, {
    gomaxprocsEnv: gomaxprocs,
    observe: (p) => {
      if (sabotage) p.bus.onKind(['hostcall'], () => sabotage(p.rt, ++calls));
      c = new SchedChecker(p);
    },
    atEnd: () => c!.finish(),
  });
  c!.dispose();
  return c!;
}

describe.each(archCases)('scheduler-state invariants on %s', (_n, arch) => {
  it.each(MULTI)('%s keeps them (at its GOMAXPROCS, or 4)', async (name) => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', `${name}.go`), 'utf8');
    const g = fixtureGomaxprocs(src);
    const c = await check(arch, src, g === '1' ? '4' : g);
    expect(c.violations.map(formatSchedViolation)).toEqual([]);
    expect(c.checks).toBeGreaterThan(50);
  });

  it('reports a broken state', async () => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'spread.go'), 'utf8');
    const spin = await check(arch, src, '4', (rt, n) => {
      if (n === 60) rt.sched.nmspinning += 1;
    });
    expect(spin.violations[0]).toMatchObject({ invariant: 'nmspinning' });
    const owner = await check(arch, src, '4', (rt, n) => {
      // P1 claims an M that holds another P (or none)
      if (n === 60) rt.p(rt.allp[1]!).m = rt.allm.find((m) => rt.m(m).p !== rt.allp[1])!;
    });
    expect(owner.violations.map((v) => v.invariant)).toContain('p.owner');
    const runq = await check(arch, src, '4', (rt, n) => {
      if (n === 60) rt.p(rt.allp[2]!).runqhead = (rt.p(rt.allp[2]!).runqtail - 300) >>> 0;
    });
    expect(runq.violations.map((v) => v.invariant)).toContain('runq.bounds');
  });
});
