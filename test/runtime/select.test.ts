// selectgo's pollorder is a fastrand shuffle of the current M: which of
// several ready cases wins depends on the run's seed, and only on it. A
// loop of 1,000 selects between two always-ready channels counts each case:
// the same seed gives the same counts, other seeds other counts, and each
// case wins about half the time (Go's own counts vary run to run, so they
// are not compared; fixtures/programs/selectmany.go checks the stable facts
// against real Go). At GOMAXPROCS 1 and 4.
import { describe, expect, it } from 'vitest';
import { runSource } from '../../src/cli/run.ts';
import { archCases } from '../helpers.ts';

const SRC = `package main

import "fmt"

func main() {
	a := make(chan int, 1)
	b := make(chan int, 1)
	var nilc chan int
	na, nb := 0, 0
	for i := 0; i < 1000; i++ {
		a <- i
		b <- i
		select {
		case <-a:
			na++
			<-b
		case <-nilc:
			panic("nil channel ready")
		case <-b:
			nb++
			<-a
		}
	}
	fmt.Println(na, nb)
}
`;

describe.each(archCases)('select pollorder on %s', (_name, arch) => {
  it.each(['1', '4'])('is decided by the seed (GOMAXPROCS=%s)', async (procs) => {
    const run = async (seed: number) => {
      const r = await runSource(SRC, 'selectmany.go', arch, { seed, gomaxprocsEnv: procs });
      expect(r.exitCode).toBe(0);
      return r.stdout.trim().split(' ').map(Number) as [number, number];
    };
    const a1 = await run(1);
    const a2 = await run(1);
    const b = await run(2);
    const c = await run(3);
    expect(a2).toEqual(a1);
    for (const [na, nb] of [a1, b, c]) {
      expect(na + nb).toBe(1000);
      expect(Math.min(na, nb)).toBeGreaterThan(400);
    }
    expect(new Set([a1, b, c].map((x) => x.join(' '))).size).toBeGreaterThan(1);
  });
});
