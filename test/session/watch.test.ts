// Watchpoints and `threadAt` stops of a Session on both arches: a hit stops
// right after (or, as asked, right before) the accessing instruction, the
// store made once however often the run stops there (read-modify-write
// instructions included), reads and accesses too, and a watched run is the
// unwatched run (output, instruction count, memory); registers of any
// width; a stop before a thread's next text instruction finishes a host
// call the thread stands at.
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/session/session.ts';
import { archCases } from '../helpers.ts';
import { fixture, sessionsClosedAfterEach, twoThreads, WORKER } from './programs.ts';

const session = sessionsClosedAfterEach();

const pcOf = (s: Session) => Number(s.registers()[s.arch.pcReg]);

describe.each(archCases)('watchpoints on %s', (_name, arch) => {
  it('stops right after (or before) each store to g.sched.sp, in mcall and gogo, and the run is the unwatched run', async () => {
    const plain = await session(arch, fixture('pingpong'), { replay: false });
    await plain.runUntil();
    for (const stop of ['after', 'before'] as const) {
      const s = await session(arch, fixture('pingpong'), { replay: false });
      await s.runUntil({ symbol: 'main.main.func1' });
      const { rt, machine } = s.process;
      const g = rt.g(arch.getg(machine.engine, rt.mem));
      const addr = g.sched.addr + rt.L.off.gobuf.sp;
      const id = s.addWatchpoint(addr, arch.ptrSize, 'write', { stop });
      expect(s.watchpoints()).toEqual([{ id, address: addr, length: arch.ptrSize, kind: 'write', stop }]);
      const where: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await s.runUntil();
        expect(r).toMatchObject({ reason: 'watchpoint', watchpoint: { id, access: 'write', address: addr, size: arch.ptrSize } });
        const pos = machine.image.lookup(r.pc)!;
        where.push(pos.symbol);
        if (stop === 'before') {
          // not written yet: the instruction at pc is the store, and executing it (unwatched) writes
          const v = rt.mem.word(addr);
          expect(machine.engine.describe(r.pc)).toMatch(/^(mov|str)/);
          const st = await s.step(1, { thread: r.thread });
          expect(st.reason).toBe('step');
          expect(rt.mem.word(addr)).not.toBe(v);
        }
      }
      // mcall saves the caller's SP, gogo clears it, for each of goroutine 5's parks and resumes
      expect(where.filter((w) => w === 'runtime.mcall').length).toBe(3);
      expect(where.filter((w) => w === 'runtime.gogo<>').length).toBe(3);
      expect(s.removeWatchpoint(id)).toBe(true);
      expect(s.removeWatchpoint(id)).toBe(false);
      expect((await s.runUntil()).reason).toBe('exit');
      expect(s.result()).toEqual(plain.result());
    }
  });

  it('a read-modify-write store is made once per execution, however the run stops at it', async () => {
    const plain = await session(arch, twoThreads(arch), { replay: false });
    await plain.runUntil();
    const counts = plain.symbol('main.counts');
    for (const stop of ['after', 'before'] as const) {
      const s = await session(arch, twoThreads(arch), { replay: false });
      const id = s.addWatchpoint(counts, 8, 'write', { stop });
      let hits = 0;
      let last = -1;
      while (hits < 300) {
        const r = await s.runUntil();
        expect(r.reason).toBe('watchpoint');
        const v = Number(s.process.machine.mem.u32(counts));
        // after: the n-th hit has made the n-th increment; before: not yet
        expect(v).toBe(stop === 'after' ? hits + 1 : hits);
        expect(r.insns).toBeGreaterThan(last);
        last = r.insns;
        hits++;
      }
      s.removeWatchpoint(id);
      await s.runUntil();
      expect(s.result()).toEqual(plain.result());
      expect(s.process.machine.mem.u32(counts)).toBe(30_000);
    }
  });

  it('watches loads and accesses, also on a thread that is not the first', async () => {
    const s = await session(arch, twoThreads(arch), { replay: false });
    const done = s.symbol('main.done');
    const counts = s.symbol('main.counts');
    const rid = s.addWatchpoint(done, 4, 'read');
    const r = await s.runUntil();
    // main.main polls main.done after its loop
    expect(r).toMatchObject({ reason: 'watchpoint', watchpoint: { id: rid, access: 'read', address: done } });
    s.removeWatchpoint(rid);
    // main.worker (thread WORKER) reads and writes counts[1]
    const aid = s.addWatchpoint(counts + 8, 8, 'access');
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const a = await s.runUntil();
      expect(a).toMatchObject({ reason: 'watchpoint', thread: WORKER, watchpoint: { id: aid } });
      seen.add(a.watchpoint!.access);
    }
    // amd64's `add [mem], 1` reads first: one stop per instruction, so only reads show
    expect([...seen].sort()).toEqual(arch.name === 'amd64' ? ['read'] : ['read', 'write']);
    expect(() => s.addWatchpoint(0x10, 4, 'write')).toThrow(/outside emulated memory/);
    expect(() => s.addWatchpoint(counts, 0, 'write')).toThrow(/1 to/);
  });

  it('stops before a thread next runs text: after the host call it stands at', async () => {
    const s = await session(arch, fixture('pingpong'), { replay: false });
    const slot = s.symbol('runtime.chansend1');
    s.addBreakpoint(slot);
    const r = await s.runUntil();
    expect(r.pc).toBe(slot);
    const calls = s.process.machine.host.calls;
    const t = await s.runUntil({ threadAt: r.thread });
    expect(t.reason).toBe('step');
    expect(s.process.machine.host.calls).toBeGreaterThan(calls);
    const pc = pcOf(s);
    expect(s.process.machine.image.blockAt(pc)).toBeDefined();
    // already about to run text: no progress
    const again = await s.runUntil({ threadAt: r.thread });
    expect(again.insns).toBe(t.insns);
    expect(pcOf(s)).toBe(pc);
  });

  it('reads and writes registers of any width (x87/SSE, VFP) by Unicorn id', async () => {
    const s = await session(arch, fixture('pingpong'), { replay: false });
    await s.runUntil({ symbol: 'main.main' });
    // amd64: XMM0 (122), 16 bytes; arm: D0 (14), 8 bytes
    const [id, size] = arch.name === 'amd64' ? [122, 16] : [14, 8];
    const bytes = Uint8Array.from({ length: size }, (_, i) => i + 1);
    s.setRegisterBytes(id, bytes);
    expect(s.registerBytes([{ id, size }])[0]).toEqual(bytes);
    const pc = s.registerBytes([{ id: arch.name === 'amd64' ? 41 : 11, size: arch.ptrSize }])[0]!;
    expect(pc.reduceRight((v, b) => v * 256 + b, 0)).toBe(s.symbol('main.main'));
  });
});
