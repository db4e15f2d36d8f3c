// `gogo-emu explore`: the distinct outcomes of a program over many seeds
// (fastrand and the OS's quanta), each with a seed that reproduces it: a
// data race gives several, a race-free program one.
import { describe, expect, it } from 'vitest';
import { explore, formatOutcomes } from '../../src/cli/explore.ts';
import { runSource } from '../../src/cli/run.ts';
import { archCases } from '../helpers.ts';

const RACY = `package main

import "sync"

func main() {
	n := 0
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			for i := 0; i < 20000; i++ {
				n++
			}
			wg.Done()
		}()
	}
	wg.Wait()
	println(n)
}
`;

const SAFE = `package main

func main() {
	c := make(chan int)
	for w := 0; w < 4; w++ {
		go func(w int) {
			s := 0
			for i := 0; i < 3000; i++ {
				s += i * w
			}
			c <- s
		}(w)
	}
	t := 0
	for w := 0; w < 4; w++ {
		t += <-c
	}
	println(t)
}
`;

describe.each(archCases)('explore on %s', (_n, arch) => {
  it('finds several outcomes of a data race, each reproducible from its seed', async () => {
    const o = { runs: 5, seed: 10, gomaxprocs: '4' };
    const outcomes = await explore(RACY, 'race.go', arch, o);
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
    expect(outcomes.reduce((n, x) => n + x.seeds.length, 0)).toBe(5);
    const x = outcomes[1]!;
    const again = await runSource(RACY, 'race.go', arch, { seed: x.seeds[0], interleaveSeed: x.seeds[0], gomaxprocsEnv: '4' });
    expect(again.stderr).toBe(x.stderr);
    const text = formatOutcomes(outcomes, 'race.go', o);
    expect(text).toMatch(/^5 runs \(seeds 10\.\.14\), \d+ distinct outcomes\n/);
    expect(text).toContain(`reproduce with: GOMAXPROCS=4 gogo-emu run --seed ${x.seeds[0]} --interleave-seed ${x.seeds[0]} race.go`);
  });

  it('finds one outcome of a race-free program', async () => {
    const outcomes = await explore(SAFE, 'safe.go', arch, { runs: 4, seed: 1, gomaxprocs: '4' });
    expect(outcomes.map((x) => [x.stderr, x.seeds])).toEqual([[`${6 * ((2999 * 3000) / 2)}\n`, [1, 2, 3, 4]]]);
  });
});
