// Status transitions: casgstatus for G status, setPStatus for P status.
// Both throw, as Go's throw() does, on a transition the runtime never makes
// and on a status that is not the expected one.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Arena } from '../../src/engine/arena.ts';
import { _Gdead, _Grunnable, _Grunning, _Gwaiting, _Pdead, _Pgcstop, _Pidle, _Prunning, _Psyscall, G, layoutFor, P } from '../../src/go119/index.ts';
import { casgstatus, setPStatus } from '../../src/runtime/status.ts';
import { GoThrow } from '../../src/runtime/throw.ts';
import { archCases } from '../helpers.ts';

describe.each(archCases)('status transitions on %s', (_name, arch) => {
  const L = layoutFor(arch);
  const mem = new Arena(0x400000, 1 << 16, arch.ptrSize as 4 | 8);
  afterAll(() => mem.free());
  beforeEach(() => mem.fill(mem.base, mem.size));
  const newP = () => {
    const pp = new P(L, mem, mem.base + 0x1000);
    pp.id = 3;
    return pp;
  };

  it('setPStatus makes every transition proc.go makes', () => {
    const pp = newP();
    expect(pp.status).toBe(_Pidle); // a zeroed P, as new(p) in Go
    const path = [_Pgcstop, _Pidle, _Prunning, _Psyscall, _Pidle, _Prunning, _Pgcstop, _Pdead, _Pgcstop, _Prunning, _Psyscall, _Pgcstop, _Pidle, _Pgcstop];
    let from = _Pidle;
    for (const to of path) {
      setPStatus(pp, from, to);
      expect(pp.status).toBe(to);
      from = to;
    }
  });

  it.each([
    [_Pidle, _Psyscall, '_Pidle', '_Psyscall'],
    [_Pidle, _Pdead, '_Pidle', '_Pdead'],
    [_Prunning, _Pdead, '_Prunning', '_Pdead'],
    [_Psyscall, _Prunning, '_Psyscall', '_Prunning'],
    [_Pdead, _Prunning, '_Pdead', '_Prunning'],
    [_Prunning, _Prunning, '_Prunning', '_Prunning'],
  ])('setPStatus throws on an illegal transition (%i -> %i)', (from, to, f, t) => {
    const pp = newP();
    pp.status = from;
    const err = (() => {
      try {
        setPStatus(pp, from, to);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(GoThrow);
    expect((err as GoThrow).message).toBe(`fatal error: setPStatus: bad incoming values: from=${f} to=${t}`);
    expect(pp.status).toBe(from);
  });

  it('setPStatus throws when the P is not in the expected status', () => {
    const pp = newP();
    setPStatus(pp, _Pidle, _Pgcstop);
    expect(() => setPStatus(pp, _Pidle, _Prunning)).toThrow('fatal error: setPStatus: P3 is _Pgcstop, not _Pidle (wanted _Prunning)');
    expect(pp.status).toBe(_Pgcstop);
  });

  it('casgstatus throws on an illegal transition and on a wrong current status', () => {
    const gp = new G(L, mem, mem.base + 0x2000);
    gp.atomicstatus = _Grunning;
    expect(() => casgstatus(gp, _Grunning, _Grunning)).toThrow('fatal error: casgstatus: bad incoming values: oldval=_Grunning newval=_Grunning');
    expect(() => casgstatus(gp, _Gwaiting, _Grunnable)).toThrow(/^fatal error: casgstatus: goroutine 0 is _Grunning, not _Gwaiting \(wanted _Grunnable\)$/);
    casgstatus(gp, _Grunning, _Gdead);
    expect(gp.atomicstatus).toBe(_Gdead);
  });
});
