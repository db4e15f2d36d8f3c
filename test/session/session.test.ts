// The Session on both arches: runs cut into pieces run as one uncut run;
// instruction targets, steps, breakpoints (text and host slots), switch and
// event stops, pause from a timer; registers and memory of any thread;
// budget and faults; snapshots restored (twice, out of order) give the same
// rest of the run byte for byte; replayTo and stepBack land exactly where a
// straight run stops.
import { describe, expect, it } from 'vitest';
import { EmulationFault } from '../../src/engine/errors.ts';
import { BudgetExceeded } from '../../src/os/threads.ts';
import { Process, type ProgramImage } from '../../src/session/process.ts';
import { loadProgram } from '../../src/session/program.ts';
import type { Session, StopResult } from '../../src/session/session.ts';
import { SwitchRecorder } from '../../src/trace/switches.ts';
import { archCases } from '../helpers.ts';
import { faulting, fixture, mainWaitsForWorker, MARKER, sessionsClosedAfterEach, twoThreads, WORKER } from './programs.ts';

const session = sessionsClosedAfterEach();

/** Every event with its sequence number, as the bus numbers them. */
function watch(s: Session): string[] {
  const out: string[] = [];
  s.bus.on((e, seq) => out.push(`${seq} ${JSON.stringify(e)}`));
  return out;
}

/** What a finished run leaves: output, status, totals, quanta and every thread's counters. */
function final(s: Session) {
  const { threads } = s.process;
  return { ...s.result(), quanta: threads.quanta, threads: threads.all.map((t) => ({ state: t.state, clock: t.clock, insns: t.insns, cycles: t.cycles })) };
}

/** Registers of every live thread, as hex strings. */
function allRegs(s: Session): Record<string, string>[] {
  return s.process.threads.all
    .filter((t) => t.state !== 'exited')
    .map((t) => Object.fromEntries(Object.entries(s.registers({ thread: t.id })).map(([k, v]) => [k, v.toString(16)])));
}

async function toEnd(s: Session): Promise<StopResult> {
  const r = await s.runUntil();
  expect(r.reason).toBe('exit');
  return r;
}

const counts = (s: Session) => [0, 8, 16].map((o) => Number(s.process.machine.mem.word(s.symbol('main.counts') + o)));

describe.each(archCases)('sessions on %s', (_name, arch) => {
  it('counts instructions as a plain run does, and a run cut into pieces is the uncut run', async () => {
    for (const input of [fixture('runqoverflow'), twoThreads(arch)]) {
      const program = typeof input === 'string' ? await loadProgram(input, arch) : (input as { program: ProgramImage }).program;
      const p = await Process.create({ arch, program, maxInsns: 5_000_000, gomaxprocsEnv: '1' });
      const plain = p.run();
      p.close();

      const a = await session(arch, { program }, { replay: false });
      const evA = watch(a);
      await toEnd(a);
      expect(a.result()).toEqual(plain);

      for (const o of [{}, { interleaveSeed: 3 }]) {
        const u = await session(arch, { program }, { ...o, replay: false });
        const evU = watch(u);
        await toEnd(u);
        const b = await session(arch, { program }, { ...o, replay: false });
        const evB = watch(b);
        let stops = 0;
        for (let n = 4_999; ; n += 4_999 + (stops % 7) * 131) {
          const r = await b.runUntil({ instructions: n });
          if (r.reason === 'exit') break;
          expect(r).toMatchObject({ reason: 'instructions', insns: n });
          stops++;
        }
        expect(stops).toBeGreaterThan(20);
        expect(final(b)).toEqual(final(u));
        expect(evB).toEqual(evU);
        if (!('interleaveSeed' in o)) expect(evU).toEqual(evA);
      }
    }
  });

  it('steps a chosen thread by exactly n of its instructions, the others running as the timeline says', async () => {
    const s = await session(arch, twoThreads(arch), { replay: false });
    const r = await s.runUntil({ instructions: 25_000 });
    expect(r.insns).toBe(25_000);
    const t0 = s.process.threads.all[0];
    const t1 = s.process.threads.all[WORKER];
    for (const id of [0, WORKER, WORKER, 0]) {
      const t = id === 0 ? t0! : t1!;
      const before = t.insns;
      const st = await s.step(7, { thread: id });
      expect(st.reason).toBe('step');
      expect(t.insns).toBe(before + 7);
    }
    // the current thread by default; one instruction at a time is still the same run
    const cur = s.process.threads.current!;
    const at = cur.insns;
    for (let i = 0; i < 30; i++) await s.step();
    expect(cur.insns).toBe(at + 30);
    const regs = allRegs(s);
    const n = s.insns;
    const fresh = await session(arch, twoThreads(arch), { replay: false });
    await fresh.runUntil({ instructions: n });
    expect(allRegs(fresh)).toEqual(regs);
  });

  it('breakpoints stop before their instruction, once per execution, on text and on host functions', async () => {
    const program = await loadProgram(fixture('pingpong') as string, arch);
    const plain = await session(arch, { program }, { replay: false });
    const evPlain = watch(plain);
    await toEnd(plain);
    const executes = evPlain.filter((e) => e.includes('"kind":"execute"')).length;
    const sends = evPlain.filter((e) => e.includes('"name":"runtime.chansend1"')).length;

    let rec: SwitchRecorder | undefined;
    const s = await session(arch, { program }, { replay: false, observe: (p) => (rec = new SwitchRecorder(p)) });
    const ev = watch(s);
    const gogo = s.symbol('runtime.gogo');
    const send = s.symbol('runtime.chansend1');
    const bGogo = s.addBreakpoint('runtime.gogo');
    const bSend = s.addBreakpoint(send);
    expect(s.breakpoints()).toEqual([
      { id: bGogo, address: gogo, symbol: 'runtime.gogo' },
      { id: bSend, address: send },
    ]);
    let hitsGogo = 0;
    let hitsSend = 0;
    let last = -1;
    for (;;) {
      const r = await s.runUntil();
      if (r.reason === 'exit') break;
      expect(r.reason).toBe('breakpoint');
      expect(r.insns).toBeGreaterThanOrEqual(last);
      last = r.insns;
      expect(r.pc).toBe(r.breakpoint === bGogo ? gogo : send);
      expect(s.registers()[arch.pcReg]).toBe(BigInt(r.pc));
      if (r.breakpoint === bGogo) hitsGogo++;
      else {
        hitsSend++;
        // stopped before the host call: it has not happened yet
        expect(ev.filter((e) => e.includes('"name":"runtime.chansend1"')).length).toBe(hitsSend - 1);
      }
    }
    expect(hitsGogo).toBe(executes);
    expect(hitsSend).toBe(sends);
    expect(ev).toEqual(evPlain);
    expect(s.result()).toEqual(plain.result());
    // the recorder saw each instruction once, although the run stopped before some
    let recPlain: SwitchRecorder | undefined;
    const again = await session(arch, { program }, { replay: false, observe: (p) => (recPlain = new SwitchRecorder(p)) });
    await toEnd(again);
    expect(rec!.records).toEqual(recPlain!.records);
    rec!.dispose();
    recPlain!.dispose();

    expect(s.removeBreakpoint(bGogo)).toBe(true);
    expect(s.removeBreakpoint(bGogo)).toBe(false);
    expect(s.breakpoints().map((b) => b.id)).toEqual([bSend]);
  });

  it('runs to an address or a symbol, to a switch (by stub and goroutine) and to an event', async () => {
    const s = await session(arch, fixture('pingpong'), { replay: false });
    const main = await s.runUntil({ symbol: 'main.main' });
    expect(main).toMatchObject({ reason: 'breakpoint', pc: s.symbol('main.main') });
    expect(main.breakpoint).toBeUndefined();
    // resuming does not stop again where it stands
    const created = await s.runUntil([{ symbol: 'main.main' }, { event: (e) => e.kind === 'gocreate' }]);
    expect(created.reason).toBe('event');
    const ev = created.event!.event;
    expect(ev.kind).toBe('gocreate');
    const goid = (ev as { goid: number }).goid;
    expect(created.event!.seq).toBe(s.bus.seq - 1);
    const toG = await s.runUntil({ switch: { kind: 'gogo', goid } });
    expect(toG).toMatchObject({ reason: 'switch', pc: s.symbol('runtime.gogo'), switch: { kind: 'gogo', stub: 'runtime.gogo', to: goid } });
    const parks = await s.runUntil({ switch: { kind: ['mcall'], goid } });
    expect(parks).toMatchObject({ reason: 'switch', pc: s.symbol('runtime.mcall'), switch: { kind: 'mcall', from: goid } });
    const any = await s.runUntil({ switch: {} });
    expect(any.reason).toBe('switch');
    expect(any.insns).toBeGreaterThan(parks.insns);
    await expect(s.runUntil({ instructions: s.insns - 1 })).rejects.toThrow(/behind/);
    expect(await s.runUntil({ instructions: s.insns })).toMatchObject({ reason: 'instructions' });
    await toEnd(s);
    // after the end, every run says so again
    expect((await s.runUntil()).reason).toBe('exit');
  });

  it('stops at every event (host calls, system calls) and the run stays the same', async () => {
    const run = async (stopAtEvents: boolean) => {
      const s = await session(arch, twoThreads(arch), { replay: false, interleaveSeed: 9 });
      const ev = watch(s);
      let stops = 0;
      for (;;) {
        const r = await s.runUntil(stopAtEvents ? { event: (e) => e.kind !== 'hostcall' || e.name === 'runtime.newproc.func1' } : []);
        if (r.reason === 'exit') break;
        expect(r.reason).toBe('event');
        // the stop comes after the call that emitted the event, which may emit more
        expect(ev[r.event!.seq]).toBe(`${r.event!.seq} ${JSON.stringify(r.event!.event)}`);
        stops++;
      }
      return { stops, final: final(s), ev };
    };
    const plain = await run(false);
    const stopped = await run(true);
    expect(stopped.stops).toBeGreaterThan(10);
    expect(stopped.final).toEqual(plain.final);
    expect(stopped.ev).toEqual(plain.ev);
  });

  it('pauses at the request of a timer, and the run goes on as if it had not', async () => {
    const program = await loadProgram(fixture('fib') as string, arch);
    const plain = await session(arch, { program }, { replay: false, maxInsns: 50_000_000 });
    await toEnd(plain);
    const s = await session(arch, { program }, { replay: false, maxInsns: 50_000_000 });
    expect(s.pause()).toBe(false); // nothing to pause
    setTimeout(() => s.pause(), 5);
    const r = await s.runUntil();
    expect(r.reason).toBe('paused');
    expect(r.insns).toBeLessThan(plain.insns);
    expect(s.isRunning).toBe(false);
    await toEnd(s);
    expect(final(s)).toEqual(final(plain));
  });

  it("reads and writes any thread's registers (a parked one through its context) and memory; lists threads", async () => {
    const s = await session(arch, twoThreads(arch));
    const w = await s.runUntil({ event: mainWaitsForWorker(s) });
    expect(w).toMatchObject({ reason: 'event', thread: 0 });
    const list = s.threadList();
    expect(list.map((t) => [t.id, t.tid, t.name, t.state, t.current])).toEqual([
      [0, 1, 'm0', 'waiting', true],
      [1, 2, 't2', 'waiting', false],
      [2, 3, 't3', 'runnable', false],
    ]);
    expect(list[0]).toMatchObject({ m: 0, goid: 1 });
    expect(list[1]).toMatchObject({ m: 1 }); // the runtime's idle M, asleep on its m.park
    expect(list[WORKER]!.m).toBeUndefined();
    // thread 0 waits right after its futex syscall in main.main; the worker spins in main.worker
    const r0 = s.registers({ thread: 0 });
    const r1 = s.registers({ thread: WORKER });
    expect(s.process.machine.describe(Number(r0[arch.pcReg]))).toMatch(/^main\.main\+/);
    expect(s.process.machine.describe(Number(r1[arch.pcReg]))).toMatch(/^main\.worker\+/);
    expect(w.pc).toBe(Number(r0[arch.pcReg]));
    expect(r0[MARKER[arch.name]!]).toBe(7n);
    // write the waiting thread's marker: main.main stores it when it resumes
    s.setRegister(MARKER[arch.name]!, 42, { thread: 0 });
    expect(s.registers({ thread: 0, names: [MARKER[arch.name]!] })).toEqual({ [MARKER[arch.name]!]: 42n });
    expect(s.registers({ thread: WORKER })).toEqual(r1);
    // memory: main's counter (main is done with it), read and written
    const c0 = s.symbol('main.counts');
    expect(Buffer.from(s.readMemory(c0, 4)).readUInt32LE(0)).toBe(30_000);
    s.writeMemory(c0 + 2, Uint8Array.of(1));
    expect(() => s.readMemory(0x10, 4)).toThrow(/outside emulated memory/);
    await toEnd(s);
    expect(counts(s)).toEqual([0x10000 + 30_000, 40_000, 42]);
  });

  it('ends a run at the instruction budget and at a fault, with the reason', async () => {
    const s = await session(arch, fixture('pingpong'), { maxInsns: 1_000, replay: false });
    const b = await s.runUntil();
    expect(b).toMatchObject({ reason: 'budget', insns: 1_000 });
    expect(b.error).toBeInstanceOf(BudgetExceeded);
    const f = await session(arch, faulting(arch), { replay: false });
    const r = await f.runUntil();
    expect(r.reason).toBe('fault');
    expect(r.error).toBeInstanceOf(EmulationFault);
    expect(r.pc).toBe(f.symbol('main.main') + (arch.name === 'amd64' ? 2 : 4));
    expect(await f.runUntil()).toBe(r);
  });

  it('restores a snapshot: the rest of the run is the same byte for byte, twice, and snapshots restore out of order', async () => {
    for (const input of [fixture('runqoverflow'), twoThreads(arch)]) {
      const s = await session(arch, input);
      const ev = watch(s);
      const total = (await (async () => {
        const u = await session(arch, input, { replay: false });
        await toEnd(u);
        return u.insns;
      })());
      const points = [Math.floor(total / 2), Math.floor(total / 4), Math.floor((3 * total) / 4)].sort((a, b) => a - b);
      const snaps = [];
      for (const n of points) {
        await s.runUntil({ instructions: n });
        snaps.push({ n, snap: s.snapshot(), events: ev.length, regs: allRegs(s) });
      }
      await toEnd(s);
      const end = { final: final(s), events: [...ev] };
      // restore the middle one twice, then the others out of order
      for (const i of [1, 1, 2, 0]) {
        const { n, snap, events, regs } = snaps[i]!;
        s.restore(snap);
        expect(s.insns).toBe(n);
        expect(allRegs(s)).toEqual(regs);
        ev.length = events;
        await toEnd(s);
        expect(final(s)).toEqual(end.final);
        expect(ev).toEqual(end.events);
      }
    }
  });

  it('replays to any instruction count, landing where a straight run stops; steps back', async () => {
    const input = fixture('runqoverflow');
    const s = await session(arch, input, { snapshotEvery: 50_000 });
    await toEnd(s);
    const total = s.insns;
    const targets = [total - 1, 12_345, 123_456, 0, 77_777, total - 40_000];
    for (const n of targets) {
      const r = await s.replayTo(n);
      expect(r).toMatchObject({ reason: 'instructions', insns: n });
      const fresh = await session(arch, input, { replay: false });
      await fresh.runUntil({ instructions: n });
      expect(allRegs(s)).toEqual(allRegs(fresh));
      expect(s.result()).toEqual(fresh.result());
    }
    const at = s.insns;
    const back = await s.stepBack(5);
    expect(back.insns).toBe(at - 5);
    await toEnd(s);
    expect(s.insns).toBe(total);
  });

  it("steps one thread back, to where it stood n of its instructions earlier", async () => {
    const s = await session(arch, twoThreads(arch), { snapshotEvery: 20_000 });
    await s.runUntil({ instructions: 90_000 });
    const t1 = s.process.threads.all[WORKER]!;
    const want = t1.insns - 3;
    const r = await s.stepBack(3, { thread: WORKER });
    expect(r.reason).toBe('step');
    expect(t1.insns).toBe(want);
    const fresh = await session(arch, twoThreads(arch), { replay: false });
    await fresh.runUntil({ event: (e) => e.kind === 'clone' && e.child === WORKER });
    await fresh.step(want - fresh.process.threads.all[WORKER]!.insns, { thread: WORKER });
    expect(s.insns).toBe(fresh.insns);
    expect(s.registers({ thread: WORKER })).toEqual(fresh.registers({ thread: WORKER }));
  });

  it('a write starts a new history: replay keeps it after the write and undoes it before', async () => {
    const s = await session(arch, twoThreads(arch), { snapshotEvery: 20_000 });
    await s.runUntil({ event: mainWaitsForWorker(s) });
    const at = s.insns;
    s.setRegister(MARKER[arch.name]!, 42, { thread: 0 });
    await toEnd(s);
    expect(counts(s)[2]).toBe(42);
    // after the write: still written
    await s.replayTo(at + 1_000);
    await toEnd(s);
    expect(counts(s)[2]).toBe(42);
    // before it: as if never written
    await s.replayTo(at - 1_000);
    await toEnd(s);
    expect(counts(s)[2]).toBe(7);
  });
});
