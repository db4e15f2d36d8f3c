// Go programs written for the compiler's tests (test/compile/programs/*.go),
// each with the output real Go 1.19 printed (<name>.out, recorded with
// `go run` on amd64; the programs avoid results that depend on the width of
// int, so the same output is expected on arm). Run on the scheduler-free
// harness on both arches.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archCases } from '../helpers.ts';
import { runProgram } from './harness.ts';

const dir = join(import.meta.dirname, 'programs');
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('.go'))
  .map((f) => f.slice(0, -3))
  .sort();

describe.each(archCases)('compiler test programs on %s', (_name, arch) => {
  it.each(programs)('%s', async (prog) => {
    const r = await runProgram(arch, readFileSync(join(dir, `${prog}.go`), 'utf8'), { file: `${prog}.go` });
    expect(r.panic).toBeUndefined();
    expect(r.stderr).toBe(readFileSync(join(dir, `${prog}.out`), 'utf8'));
  });
});

describe.each(archCases)('go statements and runtime calls on %s (harness: goroutines run after main, in order)', (_name, arch) => {
  it('builds funcvals for go f(x), go closure(args), go fv(args) and go builtins', async () => {
    const src = `package main

import (
	"runtime"
	"sync"
)

func work(id, n int) {
	println("work", id, n)
}

var wg sync.WaitGroup

func main() {
	x := 7
	go work(1, x*2)
	go func(a int, b bool) {
		println("literal", a, b, x)
	}(x+1, true)
	f := func(k int) { println("value", k) }
	go f(x)
	go println("builtin", x)
	go func() {
		defer wg.Done()
		println("no args", x)
	}()
	wg.Add(1)
	x = 100
	runtime.Gosched()
	println("main", runtime.NumGoroutine(), runtime.GOMAXPROCS(0))
}
`;
    const r = await runProgram(arch, src);
    expect(r.panic).toBeUndefined();
    // go statements evaluate their arguments at once; the literal without
    // arguments shares x with main (a heap cell), so it sees 100.
    expect(r.stderr).toBe('main 6 1\nwork 1 14\nliteral 8 true 100\nvalue 7\nbuiltin 7\nno args 100\n');
    const names = r.compiled.funcs.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['main.main.gowrap1', 'main.main.gowrap2', 'main.main.gowrap3', 'main.main.gowrap4', 'main.main.func1', 'main.main.func2', 'main.main.func3', 'main.main.func3.deferwrap1']));
  });

  it('panics on division by zero and on negative shift counts', async () => {
    const div = await runProgram(arch, 'package main\n\nfunc main() {\n\tz := 0\n\tprintln("before")\n\tprintln(1 / z)\n}\n');
    expect(div.stderr).toBe('before\n');
    expect(div.panic).toBe('runtime error: integer divide by zero');
    const mod = await runProgram(arch, 'package main\n\nfunc main() {\n\tz := 0\n\tprintln(1 % z)\n}\n');
    expect(mod.panic).toBe('runtime error: integer divide by zero');
    const sh = await runProgram(arch, 'package main\n\nfunc main() {\n\ts := -1\n\tprintln(1 << s)\n}\n');
    expect(sh.panic).toBe('runtime error: negative shift amount');
  });
});
