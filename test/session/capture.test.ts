// What a session snapshot holds, class by class: every field of the stateful
// classes (Runtime, Heap, StackAllocator, Threads, Thread, HostRegistry,
// EventBus) is either in its capture() or on the list of fields fixed at
// creation below -- a field added later and forgotten fails here. And the
// captures are plain data: structuredClone keeps them, and restoring a clone
// gives the same capture back.
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.ts';
import { archCases } from '../helpers.ts';
import { twoThreads } from './programs.ts';

/** Fields set at creation and never changed by a run (wiring, views, options, derived caches), per class. */
const FIXED = {
  // gViews, mViews, pViews: views by address (stateless objects, remade on demand); debug: GODEBUG, parsed once
  Runtime: ['L', 'mem', 'arch', 'machine', 'threads', 'opts', 'events', 'sched', 'm0', 'g0', 'debugChecks', 'systemFuncs', 'fastrandseed', 'hashkey0', 'gViews', 'mViews', 'pViews', 'debug'],
  Heap: ['mem', 'start', 'end', 'onOutOfMemory'],
  StackAllocator: ['start', 'end'],
  // blocks, counter: the cycle model's cache and block hook with its cost table, derived from code (its
  // counters are folded in at the end of every run); lastBlock, quantumOver, stopRequested: only set inside a run;
  // hooks: the sigpage's block hook; beforeQuantum, onFault: the OS's signal delivery, wired once by installSyscalls;
  // faultPanics: the runtime's predicate, wired once when it is made;
  // blockWatchers, watching: observers of blocks (watchBlocks) and how many are on -- subscribers, not run state
  Threads: ['machine', 'opts', 'events', 'blocks', 'counter', 'lastBlock', 'quantumOver', 'stopRequested', 'hooks', 'beforeQuantum', 'onFault', 'faultPanics', 'blockWatchers', 'watching'],
  Thread: ['id', 'name'],
  HostRegistry: ['arch', 'base', 'capacity', 'entries', 'byName', 'hook', 'engine', 'mem', 'beforeCall', 'interceptCall', 'events', 'currentThread'],
  // subscribers are not run state
  EventBus: ['listeners'],
};
/** Fields captured under another name. */
const RENAMED: Record<string, Record<string, string>> = { Threads: { all: 'threads' }, Thread: { ctx: 'cpu' } };

function uncovered(cls: keyof typeof FIXED, obj: object, captured: object): string[] {
  const rename = RENAMED[cls] ?? {};
  return Object.keys(obj).filter((k) => !(FIXED[cls] as string[]).includes(k) && !((rename[k] ?? k) in captured));
}

let s: Session | undefined;
afterEach(() => {
  s?.close();
  s = undefined;
});

describe.each(archCases)('snapshot contents on %s', (_n, arch) => {
  it('captures every field that a run changes', async () => {
    s = await Session.create(twoThreads(arch), arch, { replay: false, maxInsns: 5_000_000, gomaxprocsEnv: '1' });
    await s.runUntil({ instructions: 50_000 }); // two threads, goroutines, a quantum in progress
    const { rt, threads, machine, bus } = s.process;
    const c = rt.capture();
    expect(uncovered('Runtime', rt, c)).toEqual([]);
    expect(uncovered('Heap', rt.heap, c.heap)).toEqual([]);
    expect(uncovered('StackAllocator', rt.stacks, c.stacks)).toEqual([]);
    const t = threads.capture();
    expect(uncovered('Threads', threads, t)).toEqual([]);
    expect(threads.all.length).toBe(4); // m0, sysmon's M1, the runtime's M2 (init), the raw clone
    for (const [i, th] of threads.all.entries()) expect(uncovered('Thread', th, t.threads[i]!)).toEqual([]);
    expect(uncovered('HostRegistry', machine.host, machine.host.capture())).toEqual([]);
    expect(uncovered('EventBus', bus, bus.capture())).toEqual([]);
    // the run-only fields are at rest between runs
    const rest = threads as unknown as Record<string, unknown>;
    expect([rest.lastBlock, rest.quantumOver, rest.stopRequested]).toEqual([undefined, false, false]);
  });

  it('captures are plain data: a structured clone restores to the same capture', async () => {
    s = await Session.create(twoThreads(arch), arch, { replay: false, maxInsns: 5_000_000, gomaxprocsEnv: '1' });
    await s.runUntil({ instructions: 60_000 });
    const { rt, threads, machine, bus } = s.process;
    const parts = [rt, threads, machine.host, bus] as const;
    const before = parts.map((p) => p.capture());
    const clones = before.map((c) => structuredClone(c));
    expect(clones).toEqual(before);
    await s.runUntil({ instructions: 90_000 });
    parts.forEach((p, i) => (p.restoreFrom as (d: unknown) => void)(clones[i]));
    expect(parts.map((p) => p.capture())).toEqual(before);
  });
});
