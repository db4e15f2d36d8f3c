// Locks and atomics (issue 11, item 3) on both arches: sync/atomic compiles
// to the machine's atomic instructions, and they are what keeps a counter
// exact under contention at GOMAXPROCS=4 (the same loop with a plain ++
// loses updates there); a sync.Mutex held for long stretches enters
// starvation mode and leaves it (sync/mutex.go), visible as events. The
// programs' output against real Go is in the fixtures (atomiccounter*,
// mutexstarve, rwmutexwriter).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { compileProgram } from '../../src/compile/index.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

const counter = (inc: string) => `package main

import (
	"sync"
	"sync/atomic"
)

func main() {
	var n int32
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 2000; j++ {
				${inc}
			}
		}()
	}
	wg.Wait()
	println(atomic.LoadInt32(&n))
}
`;

describe.each(archCases)('sync on %s', (name, arch) => {
  it('sync/atomic is the machine\'s atomic instructions, and keeps a contended counter exact', async () => {
    const c = await compileProgram(counter('atomic.AddInt32(&n, 1)'), 'prog.go', arch);
    const text = c.listing();
    if (name === 'amd64') expect(text).toMatch(/lock xadd dword ptr \[r11\], eax/);
    else expect(text).toMatch(/dmb ish\n\.Latomic0:\n\s+ldrex r0, \[r11\]\n\s+add r0, r0, r1\n\s+strex r2, r0, \[r11\]\n\s+cmp r2, #0\n\s+bne \.Latomic0\n\s+dmb ish/);
    const atomic = await runSource(counter('atomic.AddInt32(&n, 1)'), 'prog.go', arch, { gomaxprocsEnv: '4' });
    expect(atomic.stderr).toBe('8000\n');
    const plain = await runSource(counter('n++'), 'prog.go', arch, { gomaxprocsEnv: '4' });
    expect(Number(plain.stderr)).toBeLessThan(8000);
  }, 60_000);

  it('a mutex held for long stretches enters starvation mode (a waiter waited over 1 ms) and leaves it', async () => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'mutexstarve.go'), 'utf8');
    const modes: Extract<ProcessEvent, { kind: 'mutexmode' }>[] = [];
    const r = await runSource(src, 'mutexstarve.go', arch, {
      gomaxprocsEnv: '2',
      debugChecks: true,
      observe: (p) => p.bus.on((e) => void (e.kind === 'mutexmode' && modes.push(e))),
    });
    expect(r.stdout).toBe('total 2400000\n');
    expect(modes.length).toBeGreaterThanOrEqual(2);
    expect(modes[0]!.starving).toBe(true);
    expect(modes.at(-1)!.starving).toBe(false);
    expect(new Set(modes.map((m) => m.mutex)).size).toBe(1);
  }, 60_000);
});
