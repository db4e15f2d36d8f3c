// Several Ms and Ps (issue 9), on both arches: CPU-bound goroutines spread
// over the Ps (a quarter of the virtual time at GOMAXPROCS=4), with the
// spinning Ms, steals and handoffs that do it visible as events; the runnext
// rule (a goroutine readied by the running one runs next on the same P, and
// a thief takes a running P's runnext only in its last round, after
// sleeping); determinism at GOMAXPROCS=4; threads made by clone, one per M,
// each with its own g0 and TLS; stop-the-world around GOMAXPROCS changes;
// locked goroutines and threads that end with them; checkdead's messages.
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import type { Process } from '../../src/session/process.ts';
import { archCases } from '../helpers.ts';

type Arch = (typeof archCases)[number][1];

interface Run {
  stderr: string;
  exitCode: number;
  events: ProcessEvent[];
  /** the virtual time when the program exited (ns) */
  end: number;
  threads: { state: string; clock: number; cycles: number }[];
  ms: { id: number; g0: number; tls0: number; procid: number }[];
}

async function run(arch: Arch, src: string, o: { gomaxprocs?: string; seed?: number; cpus?: number; interleaveSeed?: number; slice?: number } = {}): Promise<Run> {
  const events: ProcessEvent[] = [];
  let p: Process | undefined;
  let end = 0;
  let threads: Run['threads'] = [];
  let ms: Run['ms'] = [];
  // read the machine before runSource closes it: at the end of the run (exit, or a fatal error's last event)
  const snapshot = () => {
    const rt = p!.rt;
    end = rt.nanotime();
    threads = p!.threads.all.map((t) => ({ state: t.state, clock: t.clock, cycles: t.cycles }));
    ms = rt.allm.map((a) => {
      const m = rt.m(a);
      return { id: m.id, g0: m.g0, tls0: m.tls(0), procid: Number(rt.mem.u32(m.addrOf('procid'))) };
    });
  };
  const r = await runSource(src, 'prog.go', arch, {
    gomaxprocsEnv: o.gomaxprocs,
    seed: o.seed,
    cpus: o.cpus,
    interleaveSeed: o.interleaveSeed,
    slice: o.slice,
    debugChecks: true,
    observe: (proc) => {
      p = proc;
      proc.bus.on((e) => {
        events.push(e);
        if (e.kind === 'exit' || e.kind === 'output') snapshot();
      });
    },
  });
  return { stderr: r.stderr, exitCode: r.exitCode, events, end, threads, ms };
}

const ofKind = <K extends ProcessEvent['kind']>(evs: ProcessEvent[], k: K) => evs.filter((e): e is Extract<ProcessEvent, { kind: K }> => e.kind === k);

// four goroutines that compute without blocking, then a WaitGroup
const SPREAD = `package main

import "sync"

func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x = x*31 + i
		x = x % 1000003
	}
	return x
}

func main() {
	var wg sync.WaitGroup
	r := make(chan int, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			r <- spin(30000 + w)
			wg.Done()
		}(w)
	}
	wg.Wait()
	println(<-r + <-r + <-r + <-r)
}
`;

describe.each(archCases)('several Ms and Ps on %s', (_name, arch) => {
  it('runs four CPU-bound goroutines on four Ps at once: a quarter of the virtual time of one P', async () => {
    const one = await run(arch, SPREAD, { gomaxprocs: '1' });
    const four = await run(arch, SPREAD, { gomaxprocs: '4' });
    expect(four.stderr).toBe(one.stderr);
    const ratio = four.end / one.end;
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(0.33);
    // the same work was done, spread over four threads
    const busy = (r: Run) => r.threads.filter((t) => t.cycles > 20_000).length;
    expect(busy(one)).toBe(1);
    expect(busy(four)).toBe(4);
    // the four workers (goroutines 17.. or 5..: main's P) ran on four different Ps and Ms
    const workers = new Set(ofKind(four.events, 'gocreate').slice(4).map((e) => e.goid));
    const ran = ofKind(four.events, 'execute').filter((e) => workers.has(e.goid));
    expect(new Set(ran.map((e) => e.p)).size).toBe(4);
    expect(new Set(ran.map((e) => e.m)).size).toBe(4);
    // how: Ms were made for idle Ps (wakep -> startm -> newm), spun, and stole the workers
    expect(ofKind(four.events, 'newm').length).toBeGreaterThanOrEqual(3);
    expect(ofKind(four.events, 'spinning').some((e) => e.spinning)).toBe(true);
    const steals = ofKind(four.events, 'steal');
    expect(steals.length).toBeGreaterThanOrEqual(3);
    for (const s of steals) expect(s.p).not.toBe(s.from);
    // at GOMAXPROCS=1 nothing is ever stolen
    expect(ofKind(one.events, 'steal')).toEqual([]);
  });

  it('runs no more threads at once than the machine has CPUs: GOMAXPROCS=4 on 2 CPUs takes half the time of one P', async () => {
    const one = await run(arch, SPREAD, { gomaxprocs: '1' });
    const two = await run(arch, SPREAD, { gomaxprocs: '4', cpus: 2 });
    expect(two.stderr).toBe(one.stderr);
    expect(two.end / one.end).toBeGreaterThan(0.45);
    expect(two.end / one.end).toBeLessThan(0.6);
    // the four workers' threads took turns on the two CPUs
    const cpus = new Set(ofKind(two.events, 'oncpu').map((e) => e.cpu));
    expect(cpus).toEqual(new Set([0, 1]));
    expect(ofKind(two.events, 'oncpu').some((e) => e.waited > 0)).toBe(true);
  });

  it('makes one thread per M with clone: its own g0, g0 stack, TLS and procid', async () => {
    const r = await run(arch, SPREAD, { gomaxprocs: '4' });
    expect(ofKind(r.events, 'clone').length).toBe(r.ms.length - 1);
    expect(new Set(r.ms.map((m) => m.g0)).size).toBe(r.ms.length);
    // procid: the thread's tid (gettid in clone's child path); m0 keeps 0 as in Go
    expect(r.ms.filter((m) => m.id !== 0).map((m) => m.procid).sort()).toEqual(r.ms.filter((m) => m.id !== 0).map((m) => m.id + 1).sort());
    // amd64 keeps g in TLS: each M's tls[0] is the g it runs or its g0 (arm: g in R10, no TLS without cgo)
    if (arch.name === 'amd64') for (const m of r.ms) expect(m.tls0).not.toBe(0);
    // every M started with mstart on its own thread
    const starts = ofKind(r.events, 'mstart');
    expect(new Set(starts.map((e) => e.thread)).size).toBe(starts.length);
  });

  it('hands the P off and back while runtime.main is locked to m0 during init (GOMAXPROCS=1)', async () => {
    const r = await run(arch, 'package main\n\nfunc main() {\n\tprintln("hi")\n}\n', { gomaxprocs: '1' });
    expect(r.stderr).toBe('hi\n');
    // main blocks in gcenable twice: m0 hands its P off (to a new M, then the idle one) and sleeps
    expect(ofKind(r.events, 'handoffp').map((e) => [e.m, e.p, e.to])).toEqual([
      [0, 0, 'm'],
      [0, 0, 'm'],
    ]);
    // M1 is sysmon's (no P), made first by runtime.main as in go1.19
    expect(ofKind(r.events, 'newm').map((e) => [e.m, e.by, e.p])).toEqual([
      [1, 0, -1],
      [2, 0, 0],
    ]);
    expect(ofKind(r.events, 'stopm').filter((e) => e.locked).map((e) => e.m)).toEqual([0, 0]);
    // the runtime goroutines, once main is runnable, give M1's P back to m0
    expect(ofKind(r.events, 'startlockedm').map((e) => [e.m, e.to, e.goid])).toEqual([
      [2, 0, 1],
      [2, 0, 1],
    ]);
    // so main runs on m0 only, and main.main starts at schedtick 4, as in go1.19
    expect(new Set(ofKind(r.events, 'execute').filter((e) => e.goid === 1).map((e) => e.m))).toEqual(new Set([0]));
  });

  it('keeps the runnext rule: a readied goroutine runs next on its P; runnext is stolen only after the last-round sleep', async () => {
    // main readies a goroutine and blocks right away, many times, with idle Ps around
    const src = `package main

func main() {
	c := make(chan int)
	done := make(chan bool)
	for i := 0; i < 40; i++ {
		go func(i int) {
			c <- i
		}(i)
		<-c
	}
	go func() { done <- true }()
	<-done
	println("ok")
}
`;
    const r = await run(arch, src, { gomaxprocs: '4' });
    expect(r.stderr).toBe('ok\n');
    // (goroutines 2-4 are the runtime's, made by main during init)
    const created = ofKind(r.events, 'gocreate').filter((e) => e.parent === 1 && e.goid > 4);
    const execs = ofKind(r.events, 'execute');
    // each goroutine main made ran on the P main was running on when it made it
    let sameP = 0;
    for (const c of created) {
      const before = execs.filter((e) => e.goid === 1 && r.events.indexOf(e) < r.events.indexOf(c)).at(-1)!;
      const first = execs.find((e) => e.goid === c.goid && r.events.indexOf(e) > r.events.indexOf(c));
      if (first && first.p === before.p) sameP++;
    }
    expect(created.length).toBe(41);
    expect(sameP).toBeGreaterThanOrEqual(created.length - 2);
    // runnext is stolen only in the last round, and from a running P only
    // after runqgrab's usleep(3): a nanosleep of the thief's thread right before
    const steals = ofKind(r.events, 'steal');
    for (const s of steals.filter((e) => e.runnext)) expect(s.round).toBe(3);
    for (const s of steals.filter((e) => e.slept)) {
      expect(s.runnext).toBe(true);
      const i = r.events.indexOf(s);
      const mThread = ofKind(r.events.slice(0, i), 'mstart').find((e) => e.m === s.m)!.thread;
      const lastWait = r.events.slice(0, i).findLast((e) => e.kind === 'wait' && e.thread === mThread);
      expect(lastWait).toMatchObject({ on: 'nanosleep' });
    }
  });

  it('takes the runnext of a running P only after sleeping 3 us (go1.19 runqgrab)', async () => {
    // main readies a goroutine into runnext and goes on computing: idle Ps'
    // spinning Ms find nothing else, and in their last round sleep, then take it
    const src = `package main

func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x = (x*31 + i) % 1000003
	}
	return x
}

func main() {
	c := make(chan int)
	go func() { c <- spin(1000) }()
	x := spin(20000)
	println(x+<-c > 0)
}
`;
    const r = await run(arch, src, { gomaxprocs: '4' });
    expect(r.stderr).toBe('true\n');
    const worker = ofKind(r.events, 'gocreate').at(-1)!.goid;
    const steal = ofKind(r.events, 'steal').find((e) => e.goid === worker)!;
    expect(steal).toMatchObject({ runnext: true, slept: true, round: 3, n: 1 });
    const i = r.events.indexOf(steal);
    const thread = ofKind(r.events.slice(0, i), 'mstart').find((e) => e.m === steal.m)!.thread;
    const sleep = r.events.slice(0, i).findLast((e) => e.kind === 'wait' && e.thread === thread);
    expect(sleep).toMatchObject({ on: 'nanosleep' });
    if (sleep?.kind === 'wait') expect(sleep.deadline! - sleep.clock).toBe(3000);
  });

  it('gives the same output and event stream for the same seed at GOMAXPROCS=4, and other quanta for another interleaving seed', async () => {
    const a = await run(arch, SPREAD, { gomaxprocs: '4', seed: 3 });
    const b = await run(arch, SPREAD, { gomaxprocs: '4', seed: 3 });
    expect(b.stderr).toBe(a.stderr);
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    expect(b.end).toBe(a.end);
    const c = await run(arch, SPREAD, { gomaxprocs: '4', seed: 3, interleaveSeed: 11 });
    expect(c.stderr).toBe(a.stderr);
    expect(JSON.stringify(c.events)).not.toBe(JSON.stringify(a.events));
  });

  it('stops the world to change GOMAXPROCS, and starts it with Ms for the Ps that have work', async () => {
    const src = `package main

import "runtime"

func main() {
	c := make(chan int, 100)
	for i := 0; i < 50; i++ {
		go func(i int) { c <- i }(i)
	}
	println(runtime.GOMAXPROCS(2))
	s := 0
	for i := 0; i < 50; i++ {
		s += <-c
	}
	println(s, runtime.GOMAXPROCS(6), runtime.GOMAXPROCS(0))
}
`;
    const r = await run(arch, src, { gomaxprocs: '4' });
    expect(r.stderr).toBe('4\n1225 2 6\n');
    expect(ofKind(r.events, 'procresize').map((e) => [e.from, e.to])).toEqual([
      [0, 4],
      [4, 2],
      [2, 6],
    ]);
    const stw = r.events.filter((e) => e.kind === 'stoptheworld' || e.kind === 'starttheworld').map((e) => e.kind);
    expect(stw).toEqual(['stoptheworld', 'starttheworld', 'stoptheworld', 'starttheworld']);
    expect(r.events.filter((e) => e.kind === 'stoptheworld').every((e) => e.kind === 'stoptheworld' && e.reason === 'GOMAXPROCS')).toBe(true);
  });

  it('faults on the nil Ps a procresize that ran out of memory leaves in allp, as go1.19 does in freezetheworld', async () => {
    // go1.19 under qemu-arm: "runtime: out of memory: cannot allocate 4194304-byte block (2306670592 in use)",
    // "fatal error: out of memory", then the nil P read by startpanic_m's freezetheworld -> preemptall
    const src = `package main

import "runtime"

func main() {
	runtime.GOMAXPROCS(1_000_000)
	println("not reached")
}
`;
    const r = await run(arch, src);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^runtime: out of memory: cannot allocate \d+-byte block \(\d+ in use\)\nfatal error: out of memory\nfatal error: unexpected signal during runtime execution\npanic during panic\n\[signal SIGSEGV: segmentation violation code=0x1 addr=0x[0-9a-f]+ pc=0x[0-9a-f]+\]\n\nruntime stack:\n/,
    );
    expect(r.stderr).not.toContain('not reached');
  });

  it('ends the thread of a goroutine that exits while locked, and keeps running on the others', async () => {
    const src = `package main

import "runtime"

func main() {
	done := make(chan int)
	for i := 0; i < 3; i++ {
		go func(i int) {
			runtime.LockOSThread()
			done <- i
		}(i)
	}
	s := 0
	for i := 0; i < 3; i++ {
		s += <-done
	}
	// more work, on the threads that are left (the locked goroutines end meanwhile)
	r := make(chan int)
	for i := 0; i < 20; i++ {
		go func(i int) { r <- i }(i)
	}
	for i := 0; i < 20; i++ {
		s += <-r
	}
	println(s)
}
`;
    const r = await run(arch, src, { gomaxprocs: '2' });
    expect(r.stderr).toBe('193\n');
    // one M per locked goroutine ends with it; m0, the process's thread, cannot
    // end: it hands its P off and sleeps for good (mexit), as in Go
    const exits = ofKind(r.events, 'mexit');
    expect(exits.length).toBeGreaterThanOrEqual(2);
    expect(ofKind(r.events, 'threadexit').length).toBe(exits.filter((e) => e.m !== 0).length);
  });

  it("reports checkdead's deadlock and Goexit messages with several Ps", async () => {
    const dead = await run(arch, 'package main\n\nfunc main() {\n\tc := make(chan int)\n\tgo func() { c <- 1 }()\n\t<-c\n\t<-c\n}\n', { gomaxprocs: '4' });
    expect(dead.exitCode).toBe(2);
    expect(dead.stderr).toMatch(/^fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 \[chan receive\]:\n/);
    const goexit = await run(arch, 'package main\n\nimport "runtime"\n\nfunc main() {\n\tgo func() {}()\n\truntime.Goexit()\n}\n', { gomaxprocs: '3' });
    expect(goexit.exitCode).toBe(2);
    expect(goexit.stderr).toBe('fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n');
  });

  it('keeps each println line whole while several Ms print at once (printlock holds debuglock)', async () => {
    const src = `package main

func main() {
	done := make(chan bool)
	for w := 0; w < 3; w++ {
		go func(w int) {
			for i := 0; i < 20; i++ {
				println("worker", w, "line", i, "end")
			}
			done <- true
		}(w)
	}
	for w := 0; w < 3; w++ {
		<-done
	}
}
`;
    const r = await run(arch, src, { gomaxprocs: '3', slice: 23, interleaveSeed: 5 });
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBe(60);
    for (const l of lines) expect(l).toMatch(/^worker \d line \d+ end$/);
    // and they did interleave between the workers (one after the other would switch twice)
    const switches = lines.filter((l, i) => i > 0 && l.split(' ')[1] !== lines[i - 1]!.split(' ')[1]).length;
    expect(switches).toBeGreaterThan(2);
  });

  it('parks a semacquire waiter again when another goroutine took the unit first (GOMAXPROCS from several goroutines)', async () => {
    const src = `package main

import "runtime"

func main() {
	done := make(chan int)
	for w := 1; w <= 6; w++ {
		go func(w int) {
			s := 0
			for k := 0; k < 4; k++ {
				s += runtime.GOMAXPROCS(w + k%3)
			}
			done <- s
		}(w)
	}
	t := 0
	for w := 1; w <= 6; w++ {
		if <-done > 0 {
			t++
		}
	}
	println(t, runtime.GOMAXPROCS(0) > 0)
}
`;
    let again = 0;
    for (const seed of [1, 2, 3]) {
      const r = await run(arch, src, { gomaxprocs: '4', seed, interleaveSeed: seed, slice: 200 });
      expect(r.stderr).toBe('6 true\n');
      // the woken waiter found no unit: it is parked again right after execute, before it runs
      r.events.forEach((e, i) => {
        const n = r.events[i + 1];
        if (e.kind === 'execute' && n?.kind === 'gostatus' && n.goid === e.goid && n.to === 4) again++;
      });
    }
    expect(again).toBeGreaterThan(0);
  });

  it('runs channels between Ps correctly with tiny quanta (the park window of a lock holder is never split)', async () => {
    const src = `package main

func main() {
	ping := make(chan int)
	pong := make(chan int)
	for p := 0; p < 3; p++ {
		go func() {
			for v := range ping {
				pong <- v * 2
			}
		}()
	}
	s := 0
	for i := 0; i < 60; i++ {
		go func(i int) { ping <- i }(i)
		s += <-pong
	}
	println(s)
}
`;
    for (const interleaveSeed of [1, 2, 3]) {
      const r = await run(arch, src, { gomaxprocs: '4', interleaveSeed, slice: 37 });
      expect(r.stderr).toBe(`${60 * 59}\n`);
    }
  });
});
