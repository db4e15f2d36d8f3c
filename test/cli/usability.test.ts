// Issue 17, "every command as a newcomer meets it": exit statuses and large
// numbers, --seed, the assembly cache's directory, the help texts, a .s
// program without main.init. Each test runs on both arches.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.ts';
import { godebugSchedtrace, runSource, StdioSink } from '../../src/cli/run.ts';
import { ProcessOutput, RETAIN_NOTE } from '../../src/runtime/output.ts';
import type { Process } from '../../src/session/process.ts';
import { compileCommand } from '../../src/cli/compile.ts';
import { disasmCommand } from '../../src/cli/disasm.ts';
import { recordRun } from '../../src/cli/record-run.ts';
import { findGoroot, isGo119, sourceView } from '../../src/cli/source.ts';
import { parseVirtualTime, switchesCommand } from '../../src/cli/switches.ts';
import { validateCommand } from '../../src/cli/validate.ts';
import { hexAddress } from '../../src/engine/errors.ts';
import { defaultCacheDir } from '../../src/link/linker.ts';
import { ROOT, stubBlocks } from '../../src/os/machine.ts';
import { loadProgram } from '../../src/session/program.ts';
import { oracleRecord } from '../../src/trace/oracle.ts';
import { Session } from '../../src/session/session.ts';
import { archCases, type PerArch } from '../helpers.ts';
import { closeOs, runOs } from '../os/harness.ts';

/** A .s program: main.init returns, main.main ends the process with a system call. */
function exitProgram(call: 'exit' | 'exit_group', code: number): PerArch {
  return {
    amd64: `TEXT main.init(SB), $0-0\n    ret\nTEXT main.main(SB), $0-0\n    mov edi, ${code}\n    mov eax, ${call === 'exit' ? 60 : 231}\n    syscall\n`,
    arm: `TEXT main.init(SB), $0-0\n    bx lr\nTEXT main.main(SB), $0-0\n    ldr r0, =${code}\n    mov r7, #${call === 'exit' ? 1 : 248}\n    svc #0\n`,
  };
}

/** A bare process (no Go runtime) whose only thread calls exit(0x10000f0). */
const lastThreadExit: PerArch = {
  amd64: `TEXT test.main(SB), $0-0\n    mov edi, 0x10000f0\n    mov eax, 60\n    syscall\n`,
  arm: `TEXT test.main(SB), $0-0\n    ldr r0, =0x10000f0\n    mov r7, #1\n    svc #0\n`,
};

/** The help text of a subcommand as `gogo-emu CMD --help` prints it (with the text added after the options). */
function helpOf(cmd: string): string {
  const c = buildProgram(() => {}).commands.find((x: Command) => x.name() === cmd)!;
  let text = '';
  c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  c.outputHelp();
  return text;
}

const MAX_INT: Record<string, string> = { amd64: '9223372036854775807', arm: '2147483647' };

describe('program output (issue 17)', () => {
  it('ProcessOutput keeps a UTF-8 sequence split over writes whole, and nothing with retain 0', () => {
    const o = new ProcessOutput(undefined, 100);
    const euro = Buffer.from('€', 'utf8');
    o.write(1, euro.subarray(0, 1));
    o.write(1, euro.subarray(1));
    expect(o.text(1)).toBe('€');
    const none = new ProcessOutput(undefined, 0);
    none.write(2, 'x');
    expect(none.text(2)).toBe('');
  });

  it('StdioSink keeps the order of stdout and stderr and flushes a pending write within FLUSH_MS', async () => {
    const got: string[] = [];
    const stream = (name: string) => ({ write: (d: Uint8Array) => got.push(`${name}:${Buffer.from(d).toString()}`) }) as unknown as NodeJS.WritableStream;
    const sink = new StdioSink({ stdout: stream('out'), stderr: stream('err') });
    sink.write(1, 'a');
    sink.write(1, Buffer.from('b'));
    sink.write(2, 'c');
    expect(got).toEqual(['out:ab']);
    await new Promise((r) => setTimeout(r, StdioSink.FLUSH_MS * 3));
    expect(got).toEqual(['out:ab', 'err:c']);
  });
});

describe.each(archCases)('issue 17 on %s', (name, arch) => {
  it('streams output to the sink as the program writes it, keeping only the last part in memory', async () => {
    const src = `package main\n\nfunc main() {\n\tfor i := 0; i < 2000; i++ {\n\t\tprintln("line", i)\n\t}\n\tx := 0\n\tfor i := 0; i < 200000; i++ {\n\t\tx++\n\t}\n\tprintln("done", x > 0)\n}\n`;
    let p: Process | undefined;
    const writes: { fd: number; text: string; insns: number }[] = [];
    const sink = { write: (fd: number, d: Uint8Array | string) => writes.push({ fd, text: typeof d === 'string' ? d : Buffer.from(d).toString('utf8'), insns: p!.threads.totalInsns }) };
    const r = await runSource(src, 'stream.go', arch, { gomaxprocsEnv: '1', output: sink, retainOutput: 1000, observe: (x) => (p = x) });
    const all = writes.map((w) => w.text).join('');
    expect(all).toBe(`${Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('')}done true\n`);
    expect(writes.every((w) => w.fd === 2)).toBe(true);
    // the first line reached the sink long before the run ended (not at exit)
    expect(writes[0]!.insns).toBeLessThan(r.insns / 4);
    // kept: the last 1000 characters, after a note saying how much went
    expect(r.stderr).toBe(RETAIN_NOTE(all.length - 1000) + all.slice(-1000));
    expect(r.exitCode).toBe(0);
  });

  it('gogo-emu run writes output while the program runs; Ctrl-C (SIGINT) keeps it and ends with the goroutine dump and status 2 (issue 16, test/cli/signals.test.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gogo-stream-'));
    try {
      const file = join(dir, 'spin.go');
      writeFileSync(file, 'package main\n\nfunc main() {\n\tprintln("started")\n\tx := 0\n\tfor {\n\t\tx++\n\t}\n}\n');
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'gogo-emu.mjs'), 'run', file, '--arch', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let sent = false;
      const status = await new Promise<number | null>((resolve, reject) => {
        const guard = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`no output within 60 s: ${err}`));
        }, 60_000);
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          // the program is still spinning: its first line arrived before any exit (one Ctrl-C: the dump follows in more chunks)
          if (err.includes('started\n') && !sent) sent = child.kill('SIGINT');
        });
        child.on('exit', (code) => {
          clearTimeout(guard);
          resolve(code);
        });
      });
      expect(err).toMatch(/^started\nSIGINT: interrupt\nPC=0x[0-9a-f]+ m=0 sigcode=0\n\ngoroutine 1 \[running\]:\nmain\.main\(\)\n/);
      expect(status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit statuses are 8-bit as on Linux, for exit_group and for the exit of the last thread', async () => {
    const run = (p: PerArch) => runSource(p[name], 'exit.s', arch, { gomaxprocsEnv: '1' });
    expect((await run(exitProgram('exit_group', 263))).exitCode).toBe(7);
    expect((await run(exitProgram('exit_group', 256))).exitCode).toBe(0);
    // exit (one thread) ends the process only when it is the last thread; a Go
    // program has more (init's handoff M), so this one runs without the runtime
    const os = await runOs(arch, lastThreadExit);
    try {
      expect([os.how, os.exitCode]).toEqual(['exit', 240]);
    } finally {
      closeOs(os);
    }
  });

  it('large integers keep their precision (GOMAXPROCS, WaitGroup.Add), as Go', async () => {
    const max = MAX_INT[name]!;
    const gomaxprocs = await runSource(`package main\n\nimport "runtime"\n\nfunc main() {\n\truntime.GOMAXPROCS(${max})\n\tprintln("after")\n}\n`, 'big.go', arch, { gomaxprocsEnv: '1' });
    expect(gomaxprocs.exitCode).toBe(2);
    // go1.19 (recorded on both arches): newprocs = int32(n) is -1 for MaxInt64 (procresize refuses it);
    // MaxInt32 Ps on arm fail make([]*p, n)'s length check on the system stack
    if (name === 'amd64') expect(gomaxprocs.stderr).toMatch(/^fatal error: procresize: invalid arg\n/);
    else expect(gomaxprocs.stderr).toMatch(/^panic: runtime\.errorString\("makeslice: len out of range"\)\nfatal error: panic on system stack\n/);
    // Go: the counter is the high 32 bits of state += uint64(delta)<<32
    // (int64 on amd64: the low 32 bits of MaxInt64 make it -1; int32 on arm: MaxInt32 stays positive)
    const wg = await runSource(`package main\n\nimport "sync"\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\twg.Add(${max})\n\tprintln("added")\n}\n`, 'wg.go', arch, { gomaxprocsEnv: '1' });
    if (name === 'amd64') expect([wg.exitCode, wg.stderr.split('\n')[0]]).toEqual([2, 'panic: sync: negative WaitGroup counter']);
    else expect([wg.exitCode, wg.stderr]).toEqual([0, 'added\n']);
  });

  it('--seed drives fastrand: every M seeded from it, each new goroutine draws g.trackingSeq; same seed, same values', async () => {
    const src = `package main\n\nfunc main() {\n\tdone := make(chan bool)\n\tfor i := 0; i < 8; i++ {\n\t\tgo func() { done <- true }()\n\t}\n\tfor i := 0; i < 8; i++ {\n\t\t<-done\n\t}\n}\n`;
    const draw = async (seed: number) => {
      const s = await Session.create({ file: 'seed.go', source: src }, arch, { seed, gomaxprocsEnv: '1', replay: false });
      try {
        const seqs: number[] = [];
        s.bus.on((e) => {
          if (e.kind === 'gocreate') seqs.push(s.process.rt.g(e.g).trackingSeq);
        });
        const stop = await s.runUntil();
        expect(stop.reason).toBe('exit');
        const { rt } = s.process;
        return { seqs, m0: rt.mem.u64(rt.m0.addr + rt.L.off.m.fastrand), stdout: s.result().stderr };
      } finally {
        s.close();
      }
    };
    const a = await draw(1);
    expect(a.seqs).toHaveLength(4 + 8); // runtime.main, forcegchelper, bgsweep, bgscavenge, then the program's 8
    expect(new Set(a.seqs).size).toBeGreaterThan(6); // not a constant
    expect(await draw(1)).toEqual(a);
    const b = await draw(2);
    expect(b.m0).not.toBe(a.m0);
    expect(b.seqs).not.toEqual(a.seqs);
    expect(b.stdout).toBe(a.stdout); // nothing the program prints depends on it
  });

  describe('the assembly cache', () => {
    let dir: string;
    const saved = { ...process.env };
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'gogo-cache-'));
    });
    afterEach(() => {
      process.env = { ...saved };
      rmSync(dir, { recursive: true, force: true });
    });

    it("lives in the user's XDG cache directory, or where GOGO_EMU_CACHE says", async () => {
      delete process.env.GOGO_EMU_CACHE;
      process.env.XDG_CACHE_HOME = dir;
      const r = await runSource(`package main\n\nfunc main() {\n\tprintln(${name.length})\n}\n`, 'cache.go', arch, { gomaxprocsEnv: '1' });
      expect(r.stderr).toBe(`${name.length}\n`);
      expect(readdirSync(join(dir, 'gogo-emu', 'asm')).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);

      expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/gogo-emu/asm');
      expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/gogo-emu/asm');
      expect(defaultCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/gogo-emu/asm');
      expect(defaultCacheDir({ GOGO_EMU_CACHE: '/elsewhere', XDG_CACHE_HOME: '/x' })).toBe('/elsewhere');
      expect(defaultCacheDir({ GOGO_EMU_CACHE: 'off', XDG_CACHE_HOME: '/x' })).toBeNull();
      expect(existsSync(join(dir, '.cache'))).toBe(false);
    });
  });

  it('help: run names GOMAXPROCS, GODEBUG and the exit statuses; --arch says "CPU to emulate" only where a program runs', () => {
    const run = helpOf('run');
    for (const w of ['GOMAXPROCS=n', 'GODEBUG=', 'GOGO_EMU_CACHE=', 'Exit status:', 'the low 8 bits', 'AT_RANDOM', 'fastrand']) expect(run).toContain(w);
    for (const c of ['run', 'switches', 'validate']) expect(helpOf(c)).toMatch(/--arch <arch> +CPU to emulate/);
    for (const c of ['layout', 'compile', 'disasm']) expect(helpOf(c)).not.toContain('CPU to emulate');
  });

  it('GODEBUG=schedtrace=MS,scheddetail=1 is read as Go reads it', async () => {
    expect(godebugSchedtrace('schedtrace=0')).toBeUndefined();
    expect(godebugSchedtrace('gctrace=1,schedtrace=5')).toEqual({ periodMs: 5, detail: false });
    expect(godebugSchedtrace('scheddetail=1,schedtrace=2')).toEqual({ periodMs: 2, detail: true });
    expect(godebugSchedtrace('scheddetail=1')).toBeUndefined();
    // sysmon prints its first line after its first 20 us sleep, so the program
    // must run longer than that (an empty main usually ends first, in go1.19 too)
    const loop = 'package main\n\nvar x int\n\nfunc main() {\n\tfor i := 0; i < 100000; i++ {\n\t\tx += i\n\t}\n}\n';
    const r = await runSource(loop, 'sched.go', arch, { gomaxprocsEnv: '1', schedtrace: godebugSchedtrace('schedtrace=1') });
    expect(r.stderr).toMatch(/^SCHED 0ms: gomaxprocs=1 /);
    // --schedtrace 0 is off, as schedtrace=0 (with or without scheddetail)
    const off = await runSource('package main\n\nfunc main() {\n\tprintln("x")\n}\n', 'sched.go', arch, { gomaxprocsEnv: '1', schedtrace: { periodMs: 0, detail: true } });
    expect(off.stderr).toBe('x\n');
  });

  it('a fatal error raised in a runtime call is blamed on the user frame that made the call (level 2: fp, sp, pc)', async () => {
    const src = 'package main\n\nfunc main() {\n\tfor {\n\t\tc := make(chan int, 1000)\n\t\tc <- 1\n\t}\n}\n';
    const r = await runSource(src, 'oom.go', arch, { gomaxprocsEnv: '1' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^runtime: out of memory: cannot allocate \d+-byte block \(\d+ in use\)\nfatal error: out of memory\n\ngoroutine 1 \[running\]:\nmain\.main\(\)\n\t\.\/oom\.go:5 \+0x[0-9a-f]+ fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+\n$/);
  });

  it('frame offsets are return-address offsets, as Go prints them (even on arm: PC - entry, not PC-1 - entry)', async () => {
    const file = join(ROOT, 'fixtures', 'programs', 'tracebackpanic.go');
    const r = await runSource(readFileSync(file, 'utf8'), 'tracebackpanic.go', arch, { gomaxprocsEnv: '1' });
    const offsets = [...r.stderr.matchAll(/ \+0x([0-9a-f]+)/g)].map((m) => parseInt(m[1]!, 16));
    expect(offsets).toHaveLength(5); // c, b, a, worker, created by
    if (name === 'arm') for (const o of offsets) expect(o % 4).toBe(0);
    expect(r.stderr).not.toContain('(...)');
  });

  it('a .s program without main.init is an error naming the program file, not boot.s', async () => {
    const src = exitProgram('exit_group', 0)[name].replace(/TEXT main\.init[^\n]*\n[^\n]*\n/, '');
    await expect(runSource(src, 'nomain.s', arch)).rejects.toThrow(/^nomain\.s: no TEXT main\.init\(SB\): runtime\.main calls main\.init, then main\.main/);
  });
});

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

const BROKEN = join(ROOT, 'test', 'trace', 'fixtures');
const GOLDEN = join(ROOT, 'fixtures', 'golden');

describe.each(archCases)('switches and validate (issue 17) on %s', (name, arch) => {
  const asmProgram = join(GOLDEN, `goroutines.${name}.s`);
  const goProgram = join(GOLDEN, 'pingpong.go');

  it('switches --stub FILE runs the user\'s stub and shows the switches that ran it, with its own file:line', async () => {
    const stub = join(BROKEN, name, 'gogo-no-clear.s');
    const c = captureIo();
    expect(await switchesCommand(asmProgram, arch, { stub: [stub], json: true, limit: 3, color: false }, c.io)).toBe(0);
    expect(c.out).toHaveLength(3);
    for (const line of c.out) {
      const j = JSON.parse(line) as { kind: string; steps: { sym: string; src?: string }[]; checks: Record<string, boolean> };
      expect(j.kind).toBe('gogo');
      expect(j.steps.some((s) => s.sym.startsWith('runtime.gogo<>+') && s.src?.startsWith(`${stub}:`))).toBe(true);
      expect(j.checks['gogo.clear_sp']).toBe(false); // the broken line
      expect(j.checks['gogo.pc']).toBe(true);
    }
    // a kind and a file together: both filters (mcall does not run gogo<>)
    const k = captureIo();
    await switchesCommand(asmProgram, arch, { stub: ['gogo', stub], limit: 1, color: false }, k.io);
    expect(k.out[0]).toMatch(/^#\d+ {2}gogo /);
    const none = captureIo();
    await switchesCommand(asmProgram, arch, { stub: ['mcall', stub], color: false }, none.io);
    expect(none.out.join('\n')).toMatch(/^0 of \d+ switches shown \(0 matched\)/);
  });

  it('switches --from N starts at switch #N; user code shows as symbol+offset and file:line', async () => {
    const all = captureIo();
    await switchesCommand(goProgram, arch, { json: true, color: false }, all.io);
    const recs = all.out.map((l) => JSON.parse(l) as { seq: number; kind: string; exit: { sym: string } });
    const seqs = recs.map((r) => r.seq);
    const c = captureIo();
    await switchesCommand(goProgram, arch, { from: seqs[10]!, json: true, color: false }, c.io);
    expect(c.out.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(seqs.slice(10));
    const from = recs.find((r) => r.kind === 'gogo' && r.exit.sym.startsWith('main.'))!.seq;
    const t = captureIo();
    await switchesCommand(goProgram, arch, { from, stub: 'gogo', limit: 1, color: false, steps: false }, t.io);
    // a gogo back into the program: its PC shown with the Go file and line
    const table = t.out[0]!;
    expect(table).toMatch(new RegExp(`-> main\\.[\\w.]+\\+\\d+ \\(${goProgram.replace(/[.]/g, '\\.')}:\\d+\\)`));
    expect(table).toMatch(new RegExp(`<main\\.[\\w.]+\\+\\d+ at ${goProgram.replace(/[.]/g, '\\.')}:\\d+>`));
  });

  it('switches --to N and a virtual-time window (--since/--until) select a range; bad values are named', async () => {
    const all = captureIo();
    await switchesCommand(goProgram, arch, { json: true, color: false, steps: false }, all.io);
    const recs = all.out.map((l) => JSON.parse(l) as { seq: number; thread: number; time_ns: number });
    expect(recs.length).toBeGreaterThan(12);
    // every switch carries the virtual clock at its entry: a thread's own switches never go back in time
    const last = new Map<number, number>();
    for (const r of recs) {
      expect(r.time_ns).toBeGreaterThanOrEqual(last.get(r.thread) ?? 0);
      last.set(r.thread, r.time_ns);
    }
    const seqs = (o: Omit<Parameters<typeof switchesCommand>[2], 'color'>) => {
      const c = captureIo();
      return switchesCommand(goProgram, arch, { ...o, json: true, color: false, steps: false }, c.io).then(() => c.out.map((l) => (JSON.parse(l) as { seq: number }).seq));
    };
    expect(await seqs({ from: 3, to: 7 })).toEqual([3, 4, 5, 6, 7]);
    expect(await seqs({ to: 2 })).toEqual([0, 1, 2]);
    // the window: bounds taken from the run itself, inclusive at both ends
    const times = [...new Set(recs.map((r) => r.time_ns))].sort((a, b) => a - b);
    const [lo, hi] = [times[2]!, times[times.length - 3]!];
    const want = recs.filter((r) => r.time_ns >= lo && r.time_ns <= hi).map((r) => r.seq);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(recs.length);
    expect(await seqs({ since: lo, until: hi })).toEqual(want);
    expect(await seqs({ since: lo, from: 5, to: 9 })).toEqual(recs.filter((r) => r.time_ns >= lo && r.seq >= 5 && r.seq <= 9).map((r) => r.seq));
    // the headline shows the time the window is about
    const t = captureIo();
    await switchesCommand(goProgram, arch, { from: 0, to: 0, color: false, steps: false }, t.io);
    expect(t.out[0]).toMatch(new RegExp(`  at ${(recs[0]!.time_ns / 1000).toFixed(3).replace('.', '\\.')}us$`, 'm'));
    // units: ns, us/µs, ms, s; anything else is an error that says what is expected
    expect(parseVirtualTime('250us')).toBe(250_000);
    expect(parseVirtualTime('1.5ms')).toBe(1_500_000);
    expect(parseVirtualTime('800ns')).toBe(800);
    expect(parseVirtualTime('2s')).toBe(2e9);
    expect(parseVirtualTime('3µs')).toBe(3000);
    for (const bad of ['12', '-5us', '1.5 parsecs', 'ms', '']) expect(() => parseVirtualTime(bad)).toThrow(/expected a virtual time with a unit/);
    await expect(switchesCommand(goProgram, arch, { from: 9, to: 3, color: false }, captureIo().io)).rejects.toThrow('--to 3 is before --from 9');
    await expect(switchesCommand(goProgram, arch, { since: 2000, until: 1000, color: false }, captureIo().io)).rejects.toThrow('--until 1.000us is before --since 2.000us');
  });

  it("switches --json uses the oracle's field names: the oracle loader reads it back, and `checks` holds the validator's verdicts", async () => {
    const c = captureIo();
    await switchesCommand(asmProgram, arch, { json: true, color: false }, c.io);
    const lines = c.out.map((l) => JSON.parse(l) as Record<string, unknown> & { entry: Record<string, unknown>; checks: Record<string, boolean> });
    const keys = name === 'amd64' ? ['ret_addr_at_sp', 'word_at_sp8'] : ['word_at_sp', 'word_at_sp4'];
    for (const k of keys) expect(lines[0]!.entry).toHaveProperty(k);
    expect(lines[0]!.entry).not.toHaveProperty('word_at_sp1');
    for (const j of lines) {
      expect(Object.keys(j.checks).length).toBeGreaterThan(0);
      expect(Object.values(j.checks).every(Boolean)).toBe(true);
    }
    const run = await recordRun({ arch, program: await loadProgram(asmProgram, arch) });
    const back = lines.map((j) => oracleRecord(j as never)!);
    expect(back.map((r) => [r.entry.atSp, r.entry.atSp1, r.exit.atSp])).toEqual(run.records.map((r) => [r.entry.atSp, r.entry.atSp1, r.exit.atSp]));
  });

  it('validate: the budget is not a violation (status 2, its own message); a failing program shows its message (status 0)', async () => {
    const b = captureIo();
    expect(await validateCommand(asmProgram, arch, { stub: [], maxInsns: 2000, color: false }, b.io)).toBe(2);
    expect(b.out.join('\n')).toMatch(/0 violations\n(.*\n)*the run stopped at its instruction budget before the program ended \(\d+ switches were checked up to there\)$/);
    expect(b.err.join('')).toMatch(/^gogo-emu: instruction budget of 2000 exhausted/);
    const d = captureIo();
    expect(await validateCommand(join(ROOT, 'fixtures', 'programs', 'deadlock.go'), arch, { stub: [], color: false }, d.io)).toBe(0);
    expect(d.err.join('')).toContain('fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:');
    expect(d.out.join('\n')).toContain('(the program exited with status 2;');
  });

  it('validate names a stub that runs off its end (exit 1)', async () => {
    const c = captureIo();
    expect(await validateCommand(asmProgram, arch, { stub: [join(BROKEN, name, 'gogo-off-end.s')], color: false }, c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/switch #2 gogo (never left its stub: it )?ran off the end of runtime\.gogo<>: its last instruction, runtime\.gogo<>\+\d+ `[^`]+` at .*gogo-off-end\.s:\d+, is not a jump or return, so the CPU went on into /);
  });

  it('fault addresses print as addresses: near the top of memory as the unsigned value, never 0x-8', async () => {
    expect(hexAddress(-8)).toBe('0xfffffffffffffff8');
    expect(hexAddress(0x1000)).toBe('0x1000');
    const dir = mkdtempSync(join(tmpdir(), 'gogo-stub-'));
    try {
      const stub = join(dir, 'fault.s');
      writeFileSync(stub, name === 'amd64' ? 'TEXT runtime.gogo<>(SB), NOSPLIT, $0\n    xor eax, eax\n    mov rax, qword ptr [rax - 8]\n    jmp rbx\n' : 'TEXT runtime.gogo<>(SB), NOSPLIT, $0\n    mov r0, #0\n    ldr r0, [r0, #-8]\n    bx lr\n');
      const c = captureIo();
      expect(await validateCommand(asmProgram, arch, { stub: [stub], color: false }, c.io)).toBe(1);
      const text = c.out.join('\n');
      expect(text).toMatch(/switch #2 gogo never left its stub: it faulted at runtime\.gogo<>\+\d+ \((mov rax, qword ptr \[rax - 8\]|ldr r0, \[r0, #-8\])\)/);
      expect(text).toContain(`at address ${name === 'amd64' ? '0xfffffffffffffff8' : '0xfffffff8'}`);
      expect(text).not.toContain('0x-');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(archCases)('compile and disasm (issue 17) on %s', (name, arch) => {
  const prog = join(ROOT, 'fixtures', 'programs', 'tracebackpanic.go');

  it('compile --addresses finds main.c+N of a traceback: the call just before that return address', async () => {
    const r = await runSource(readFileSync(prog, 'utf8'), 'tracebackpanic.go', arch, { gomaxprocsEnv: '1' });
    const off = parseInt(/main\.c\(.*\)\n\t\S+ \+0x([0-9a-f]+)/.exec(r.stderr)![1]!, 16);
    const listing = await compileCommand(prog, arch, { addresses: true });
    const fn = listing.split('\n\nTEXT ').find((b) => b.startsWith('main.c(SB)'))!;
    const insns = fn.split('\n').filter((l) => /^ {2}0x/.test(l));
    const at = insns.findIndex((l) => new RegExp(`^ {2}0x[0-9a-f]+ +\\+${off} `).test(l));
    expect(at).toBeGreaterThan(0);
    expect(insns[at - 1]).toMatch(/(call|bl) .*<runtime\.panicdivide>/);
    expect(fn).toMatch(/\n\/\/ \S+tracebackpanic\.go:9 +return x \/ y\n/); // Go lines above their instructions
    expect(fn).toMatch(/; g_stackguard0=0x[0-9a-f]+/);
  });

  it("disasm main.main PROG shows the program's code; without the program it says what it needs", async () => {
    const out = await disasmCommand(arch, 'main.main', { program: prog });
    expect(out).toMatch(/^TEXT main\.main\(SB\).*tracebackpanic\.go:\d+, 0x[0-9a-f]+, \d+ bytes\n/);
    expect(out.split('\n').filter((l) => /tracebackpanic\.go:3[2-5]$/.test(l)).length).toBeGreaterThan(5);
    await expect(disasmCommand(arch, 'main.main')).rejects.toThrow(/main\.main is the program's code: give the program too/);
    const all = await disasmCommand(arch, prog);
    for (const f of ['main.a', 'main.b', 'main.c', 'main.worker', 'main.main']) expect(all).toContain(`TEXT ${f}(SB)`);
    expect(all).not.toContain('TEXT runtime.gogo(SB)');
  });

  it('disasm --source says when the Go installation it reads is not go1.19', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gogo-goroot-'));
    try {
      const block = stubBlocks(arch).find((b) => b.name === 'runtime.gogo')!;
      const linked = { ...block, addr: 0, bytes: new Uint8Array(), lines: [] };
      expect(sourceView(linked, block, { dir, version: 'go1.22.0' })[0]).toContain(`(${dir} is go1.22.0, not go1.19:`);
      expect(sourceView(linked, block, { dir, version: undefined })[0]).toContain(`(${dir} has no VERSION file: it may not be go1.19`);
      expect(sourceView(linked, block, { dir, version: 'go1.19.8' })[0]).not.toContain('not go1.19');
      expect([isGo119('go1.19'), isGo119('go1.19.13'), isGo119('go1.190'), isGo119('go1.20.1')]).toEqual([true, true, false, false]);
      // a GOROOT of another version is passed over for a go1.19 one when there is one
      mkdirSync(join(dir, 'src', 'runtime'), { recursive: true });
      writeFileSync(join(dir, 'src', 'runtime', 'proc.go'), '');
      writeFileSync(join(dir, 'VERSION'), 'go1.22.0\ntime 2024');
      const saved = process.env.GOROOT;
      process.env.GOROOT = dir;
      try {
        const g = findGoroot()!;
        if (existsSync('/usr/lib/go-1.19/src/runtime/proc.go')) expect(g.version).toMatch(/^go1\.19/);
        else expect(g).toEqual({ dir, version: 'go1.22.0' });
      } finally {
        if (saved === undefined) delete process.env.GOROOT;
        else process.env.GOROOT = saved;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
