// --timeline: a Trace Event Format file (what Perfetto and chrome://tracing
// load): P tracks with one slice per goroutine run, M tracks with what each
// thread does (g0's scheduler between runs, the P it runs Go code on,
// spinning, idle), one track per goroutine with its states, flow arrows from
// a ready to the next run, instants for parks/readies/creations/panics, a
// global instant for a fatal end or a stopped run, and args linking slices
// to switch records. Every track is flat, and the file loads in Chrome
// DevTools' own trace engine (the Performance panel's loader) with every
// slice in its tree and every arrow bound.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSource, type RunOptions } from '../../src/cli/run.ts';
import { ROOT } from '../../src/os/machine.ts';
import { PID_G, PID_M, PID_P, type TraceEvent, type TraceFile } from '../../src/trace/timeline.ts';
import { archCases } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'gogo-tl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Run a fixture program with --timeline; the result and the file's events. */
async function timelineOf(prog: string, arch: (typeof archCases)[number][1], o: RunOptions = {}) {
  const out = join(dir, `tl${files++}.json`);
  const src = readFileSync(join(ROOT, 'fixtures', 'programs', prog), 'utf8');
  const r = await runSource(src, prog, arch, { gomaxprocsEnv: '1', ...o, timeline: out });
  const text = readFileSync(out, 'utf8');
  const tf = JSON.parse(text) as TraceFile;
  return { r, tf, ev: tf.traceEvents, text };
}

/** A .s program whose main.main faults (a load from address 0). */
const FAULT: Record<string, string> = {
  amd64: 'TEXT main.init(SB), $0-0\n    ret\nTEXT main.main(SB), $0-0\n    xor eax, eax\n    mov rax, qword ptr [rax]\n    ret\n',
  arm: 'TEXT main.init(SB), $0-0\n    bx lr\nTEXT main.main(SB), $0-0\n    mov r0, #0\n    ldr r0, [r0]\n    bx lr\n',
};

const slicesOf = (ev: TraceEvent[]) => ev.filter((e) => e.ph === 'X');
const trackKey = (e: TraceEvent) => `${e.pid}:${e.tid}`;

/** Every track is a flat sequence: its slices, in time order, never overlap. */
function expectFlatTracks(ev: TraceEvent[]): void {
  const tracks = new Map<string, TraceEvent[]>();
  for (const s of slicesOf(ev)) tracks.set(trackKey(s), [...(tracks.get(trackKey(s)) ?? []), s]);
  for (const [key, track] of tracks) {
    track.sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < track.length; i++) {
      const prev = track[i - 1]!;
      if (track[i]!.ts! < prev.ts! + prev.dur! - 1e-9) throw new Error(`track ${key}: ${track[i]!.name} at ${track[i]!.ts} overlaps ${prev.name} (${prev.ts}+${prev.dur})`);
    }
  }
}

describe.each(archCases)('timeline on %s', (_n, arch) => {
  it('P tracks hold goroutine runs, M tracks the threads (g0 between runs), goroutine tracks their states; flows from ready to run', async () => {
    const { r, ev } = await timelineOf('pingpong.go', arch);
    expect(r.exitCode).toBe(0);
    for (const e of ev) {
      expect(typeof e.name).toBe('string');
      expect(['X', 'i', 'M', 's', 'f']).toContain(e.ph);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      if (e.ph !== 'M') expect(e.ts).toBeGreaterThanOrEqual(0);
    }
    const meta = ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => `${e.pid}:${(e.args as { name: string }).name}`);
    expect(meta).toEqual(expect.arrayContaining([`${PID_M}:M0`, `${PID_P}:P0`, `${PID_G}:G1 runtime.main`, `${PID_G}:G5 main.main.func1`]));
    expect(ev.filter((e) => e.name === 'process_name')).toHaveLength(3);
    expectFlatTracks(ev);

    // P tracks: one slice per goroutine run, linked to the gogo that started it
    const runs = slicesOf(ev).filter((s) => s.pid === PID_P && s.cat === 'goroutine');
    expect(runs.length).toBeGreaterThan(10);
    for (const s of runs) {
      expect(s.name).toMatch(/^G\d+ /);
      expect(s.args).toMatchObject({ stub: 'runtime.gogo', m: expect.any(Number) });
    }
    expect(runs.filter((s) => s.name.startsWith('G5 ')).length).toBeGreaterThan(3);
    const seqs = runs.sort((a, b) => a.ts! - b.ts!).map((s) => (s.args as { switch: number }).switch);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // M tracks: what the thread does; between two runs of Go code, the scheduler on g0 fills the gap
    const m0 = slicesOf(ev)
      .filter((s) => s.pid === PID_M && s.tid === 0)
      .sort((a, b) => a.ts! - b.ts!);
    // (at GOMAXPROCS=1 too: M0 waits while main is locked to it during init and another M runs the P)
    expect(new Set(m0.map((s) => s.name))).toEqual(new Set(['running on P0', 'g0: schedule', 'idle (stoplockedm)']));
    for (let i = 1; i < m0.length; i++) {
      expect(m0[i]!.name === 'running on P0' && m0[i - 1]!.name === 'running on P0').toBe(false);
      expect(m0[i]!.ts).toBeCloseTo(m0[i - 1]!.ts! + m0[i - 1]!.dur!, 6);
    }
    // ... and no slice of a P track comes again on an M track
    const onP = new Set(runs.map((s) => `${s.name}@${s.ts}+${s.dur}`));
    expect(slicesOf(ev).filter((s) => s.pid === PID_M && onP.has(`${s.name}@${s.ts}+${s.dur}`))).toEqual([]);

    // goroutine tracks: G5 runs as long as its P-track slices, and waits to send in between
    const g5 = slicesOf(ev).filter((s) => s.pid === PID_G && s.tid === 5);
    const total = (xs: TraceEvent[]) => xs.reduce((t, s) => t + s.dur!, 0);
    expect(total(g5.filter((s) => s.name === 'running'))).toBeCloseTo(total(runs.filter((s) => s.name.startsWith('G5 '))), 6);
    expect(g5.map((s) => s.name)).toEqual(expect.arrayContaining(['runnable', 'running', 'waiting: chan send']));

    // parks: instants linked to the mcall that left the goroutine
    const parks = ev.filter((e) => e.ph === 'i' && / park: /.test(e.name));
    expect(parks.length).toBeGreaterThan(5);
    for (const p of parks) expect(p.args).toMatchObject({ stub: 'runtime.mcall', switch: expect.any(Number) });
    expect(parks.map((p) => (p.args as { reason: string }).reason)).toContain('chan send');

    // flows: from the instant that made the goroutine runnable to the start of its next run
    const starts = new Map(ev.filter((e) => e.ph === 's').map((e) => [e.id, e]));
    const ends = ev.filter((e) => e.ph === 'f');
    expect(ends.length).toBeGreaterThan(10);
    expect(ends.length).toBe(starts.size);
    for (const f of ends) {
      const s = starts.get(f.id)!;
      const from = ev.find((e) => e.ph === 'i' && trackKey(e) === trackKey(s) && e.ts === s.ts && e.cat === s.cat)!;
      const to = runs.find((x) => trackKey(x) === trackKey(f) && x.ts === f.ts && x.cat === f.cat)!;
      expect(from.name).toMatch(/^(ready G\d+|go G\d+|G\d+ Gosched)$/);
      expect(to.name.split(' ')[0]).toBe(`G${(from.args as { goid: number }).goid}`);
      expect(f.ts!).toBeGreaterThanOrEqual(s.ts!);
    }
  });

  it('several Ms and Ps: a track each, spinning and idle spans, steals and handoffs, every track flat', async () => {
    const { r, ev } = await timelineOf('spread.go', arch, { gomaxprocsEnv: '4' });
    expect(r.exitCode).toBe(0);
    const names = (pid: number) => new Set(ev.filter((e) => e.ph === 'M' && e.pid === pid && e.name === 'thread_name').map((e) => (e.args as { name: string }).name));
    expect(names(PID_P)).toEqual(new Set(['P0', 'P1', 'P2', 'P3']));
    expect(names(PID_M).size).toBeGreaterThanOrEqual(4);
    const spans = slicesOf(ev).filter((e) => e.cat === 'mp');
    expect(spans.filter((s) => s.pid === PID_M).map((e) => e.name)).toEqual(expect.arrayContaining(['spinning', 'idle (stopm)', 'g0: schedule']));
    expect(spans.filter((s) => s.pid === PID_P).map((e) => e.name)).toContain('idle');
    const marks = ev.filter((e) => e.ph === 'i' && e.cat === 'mp').map((e) => e.name);
    expect(marks.some((n) => /^steal \d+ from P\d/.test(n))).toBe(true);
    expect(marks.some((n) => /^handoff P\d -> m$/.test(n))).toBe(true);
    expect(marks.some((n) => /^newm M\d/.test(n))).toBe(true);
    expectFlatTracks(ev);
    // the four workers run at the same time on four P tracks
    const workers = slicesOf(ev).filter((s) => s.pid === PID_P && /^G\d+ main\.main\.func\d/.test(s.name));
    expect(new Set(workers.map((s) => s.tid)).size).toBe(4);
  });

  it('a run stopped by the budget or a fault still writes what was recorded, and says so; fatal ends and panics are events', async () => {
    const stopped = await timelineOf('pingpong.go', arch, { maxInsns: 4500 }); // (the start-up includes minit, m0's initsig and sysmon's M)
    expect(stopped.r.exitCode).toBe(2);
    expect(stopped.r.stderr).toMatch(/gogo-emu: instruction budget of 4500 exhausted[^\n]*\ngogo-emu: --timeline \S+: written up to where the run stopped\n$/);
    expect(stopped.tf.otherData.stopped).toMatch(/^the run stopped before the program ended: instruction budget of 4500 exhausted/);
    const end = stopped.ev.filter((e) => e.ph === 'i' && e.s === 'g');
    expect(end.map((e) => e.name)).toEqual([expect.stringMatching(/^run stopped: instruction budget of 4500 exhausted/)]);
    expect(slicesOf(stopped.ev).filter((s) => s.pid === PID_P).length).toBeGreaterThan(3);
    expect(Math.max(...slicesOf(stopped.ev).map((s) => s.ts! + s.dur!))).toBeLessThanOrEqual(end[0]!.ts! + 1e-9);

    // ... and so does a run that ends on an emulation fault (main.main loads from address 0)
    const out = join(dir, `tl${files++}.json`);
    const fault = await runSource(FAULT[_n], 'fault.s', arch, { gomaxprocsEnv: '1', timeline: out });
    expect(fault.exitCode).toBe(2);
    expect(fault.stderr).toMatch(/gogo-emu: --timeline \S+: written up to where the run stopped\n$/);
    const ft = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
    expect(ft.otherData.stopped).toMatch(/^the run stopped before the program ended: emulation fault: read unmapped at address 0x0, /);
    expect(ft.traceEvents.filter((e) => e.s === 'g').map((e) => e.name)).toEqual([expect.stringMatching(/^run stopped: /)]);

    const deadlock = await timelineOf('deadlock.go', arch);
    expect(deadlock.r.exitCode).toBe(2);
    expect(deadlock.tf.otherData.stopped).toBeUndefined();
    expect(deadlock.ev.filter((e) => e.s === 'g').map((e) => [e.name, (e.args as { what: string }).what])).toEqual([['fatal error: all goroutines are asleep - deadlock!', 'fatal']]);

    const panic = await timelineOf('gopanic.go', arch);
    expect(panic.ev.filter((e) => e.ph === 'i' && / panic: /.test(e.name)).map((e) => [e.name, e.pid])).toEqual([['G5 panic: runtime error: integer divide by zero', PID_P]]);
    expect(panic.ev.filter((e) => e.s === 'g').map((e) => e.name)).toEqual(['panic: runtime error: integer divide by zero']);
  });

  it('system calls: the goroutine and its M in a syscall state, its run on the P cut where sysmon retakes the P, exitsyscall0 back to the run queue; every track flat', async () => {
    const { r, ev } = await timelineOf('syscallpipe.go', arch);
    expect(r.exitCode).toBe(0);
    expectFlatTracks(ev);
    const names = ev.map((e) => e.name);
    expect(names).toContain('G6 entersyscall');
    expect(names).toContain('G6 exitsyscall (exitsyscall0)');
    expect(names).toContain('G1 exitsyscall (reacquired)');
    expect(names).toContain('sysmon retakes P0 (syscall)');
    expect(slicesOf(ev).some((s) => s.pid === PID_G && s.name === 'syscall')).toBe(true);
    expect(slicesOf(ev).some((s) => s.pid === PID_M && s.name === 'syscall (G6, no P)')).toBe(true);
    const cut = slicesOf(ev).filter((s) => s.pid === PID_P && (s.args as { until?: string } | undefined)?.until === 'in a system call: P retaken');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((s) => s.name.startsWith('G6 '))).toBe(true);
  });

  it("loads in Chrome DevTools' trace engine: the tracks by name, every slice in its tree, every arrow bound", async () => {
    const { ev, text } = await timelineOf('spread.go', arch, { gomaxprocsEnv: '2' });
    // the engine lays out rectangles with DOMRect, which Node lacks
    (globalThis as { DOMRect?: unknown }).DOMRect ??= class {
      constructor(
        public x = 0,
        public y = 0,
        public width = 0,
        public height = 0,
      ) {}
    };
    const Trace = await import('@paulirish/trace_engine');
    const model = Trace.TraceModel.Model.createWithAllHandlers();
    await model.parse(JSON.parse(text).traceEvents);
    const data = model.parsedTrace()!.data;
    // the engine brands its ids as types; they are the numbers of the file
    const procs = data.Renderer.processes as unknown as Map<number, { threads: Map<number, { name: string | null }> }>;
    expect([...procs.keys()].sort()).toEqual([PID_M, PID_P, PID_G]);
    const threadNames = (pid: number) => [...procs.get(pid)!.threads.values()].map((t) => t.name);
    expect(threadNames(PID_P)).toEqual(expect.arrayContaining(['P0', 'P1']));
    expect(threadNames(PID_G)).toEqual(expect.arrayContaining(['G1 runtime.main']));
    // a slice that overlapped another on its track would be left out of the tree
    const inTree = data.Renderer.entryToNode;
    const mine = slicesOf(ev).length;
    let loaded = 0;
    for (const e of inTree.keys()) if ((e as { ph: string }).ph === 'X') loaded++;
    expect(loaded).toBe(mine);
    // flows: each one binds its start to an instant and its end to a goroutine run
    // (the engine keys a flow's events by time: an arrow whose ends have the same time, a goroutine run at the instant it was made, is not drawn)
    const flows = data.Flows.flows as { name: string; ph: string; pid: number }[][];
    const ends = new Map(ev.filter((e) => e.ph === 'f').map((e) => [e.id, e]));
    const drawn = ev.filter((e) => e.ph === 's' && e.ts !== ends.get(e.id)!.ts);
    expect(drawn.length).toBeGreaterThan(5);
    expect(flows.length).toBe(drawn.length);
    for (const f of flows) {
      expect(f).toHaveLength(2);
      expect(f[0]!.ph).toBe('i');
      expect([f[1]!.ph, f[1]!.pid]).toEqual(['X', PID_P]);
    }
  });
});
