// `gogo-emu demo [--arch X]`: the main job. Runs a built-in Go program (a
// ping-pong over unbuffered channels, fixtures/programs/pingpong.go) and
// narrates the first goroutine switches in plain words from the runtime's
// event stream: who runs, where gogo resumes it (gobuf PC and SP), who parks
// and why; then the first switches register by register (how to read the
// tables, one switch instruction by instruction) and a schedule summary. A
// second part runs a program with four computing goroutines at GOMAXPROCS=2
// (fixtures/programs/spread.go) and narrates how the second P gets work: an
// M started spinning, its steal. Last, commands to go on with that work from
// any directory.
import { existsSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { ROOT } from '../os/machine.ts';
import { _Grunnable, _Gwaiting } from '../go119/index.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { ProcessEvent } from '../runtime/events.ts';
import { formatRecordTable, showValue } from '../trace/format.ts';
import type { SwitchRecord, SymbolTable } from '../trace/record.ts';
import { SwitchRecorder } from '../trace/switches.ts';
import { readProgramFile } from '../session/program.ts';
import { runSource } from './run.ts';

export const DEMO_PROGRAM = join(ROOT, 'fixtures', 'programs', 'pingpong.go');
export const DEMO_PROGRAM_2 = join(ROOT, 'fixtures', 'programs', 'spread.go');

const hex = (n: number) => `0x${n.toString(16)}`;

export async function demoCommand(arch: Arch, opts: { narrate?: number; self?: string } = {}): Promise<string> {
  const limit = opts.narrate ?? 14;
  const lines: string[] = [];
  const counts = { execute: 0, park: 0, ready: 0, create: 0, grow: 0 };
  let rt: Runtime | undefined;
  // Narration starts with the program's first goroutine; the runtime's own
  // start-up (goroutines 1-4: runtime.main, forcegchelper, bgsweep,
  // bgscavenge) is summarised in one line.
  let startupEvents = 0;
  let narrating = false;
  const say = (s: string) => {
    if (lines.length < limit) lines.push(`  ${String(lines.length + 1).padStart(2)}. ${s}`);
  };
  const onEvent = (e: ProcessEvent) => {
    if (!rt) return;
    if (!narrating && e.kind === 'gocreate' && !rt.machine.describe(e.startpc).startsWith('runtime.')) narrating = true;
    if (!narrating) {
      startupEvents++;
      return;
    }
    switch (e.kind) {
      case 'gocreate':
        counts.create++;
        say(`newproc: goroutine ${e.goid} created by goroutine ${e.parent}, to start at ${rt.machine.describe(e.startpc)}; it goes to runnext`);
        break;
      case 'execute': {
        counts.execute++;
        const g = rt.g(e.g);
        const where = rt.machine.describe(g.sched.pc);
        say(`schedule -> execute goroutine ${e.goid} on M${e.m}/P${e.p}: gogo will load SP=${hex(g.sched.sp)} PC=${hex(g.sched.pc)} (${where}) into the CPU and ${rt.arch.gReg.toUpperCase()} = g`);
        break;
      }
      case 'gostatus':
        if (e.to === _Gwaiting) {
          counts.park++;
          say(`goroutine ${e.goid} parks (${e.reason}): mcall saved its SP/PC in g.sched and switched to g0`);
        } else if (e.to === _Grunnable && e.from === _Gwaiting) {
          counts.ready++;
          say(`goready: goroutine ${e.goid} is runnable again (into runnext)`);
        } else if (e.reason === 'Gosched') say(`goroutine ${e.goid} yields (Gosched): onto the global run queue`);
        break;
      case 'stackgrow':
        counts.grow++;
        say(`goroutine ${e.goid} outgrew its stack: morestack -> newstack copies ${e.oldSize} -> ${e.newSize} bytes, then gogo resumes the prologue`);
        break;
      default:
    }
  };
  let recorder: SwitchRecorder | undefined;
  const r = await runSource(readProgramFile(DEMO_PROGRAM), 'pingpong.go', arch, {
    gomaxprocsEnv: '1', // the narration follows one P
    observe: (p) => {
      rt = p.rt;
      // with steps: one switch is shown instruction by instruction
      recorder = new SwitchRecorder(p, { steps: true });
      p.bus.on(onEvent);
    },
  });
  const switches = recorder ? narrateSwitches(arch, recorder.records, recorder.symbols) : [];
  recorder?.dispose();
  return [
    `== ${arch.name}: ${DEMO_PROGRAM.slice(ROOT.length + 1)} on an emulated ${arch.name} CPU (Go 1.19 runtime stubs + scheduler)`,
    'program output (stderr, as println writes it):',
    ...r.stderr.trimEnd().split('\n').map((l) => `  | ${l}`),
    `exit status ${r.exitCode}`,
    `runtime start-up: runtime.main (goroutine 1) started forcegchelper, bgsweep and bgscavenge (goroutines 2-4) and waited for them on a channel, as go1.19 does (${startupEvents} events)`,
    `then the program's first ${Math.min(limit, lines.length)} scheduling events:`,
    ...lines,
    ...switches,
    `summary: ${plural(counts.create, 'goroutine')} created, ${plural(counts.execute, 'execute')} (each one a gogo), ${plural(counts.park, 'park')} (each one an mcall), ${plural(counts.ready, 'ready', 'readies')}, ${plural(counts.grow, 'stack growth')}; ${r.insns} instructions, ${r.cycles} modeled cycles`,
    ...(await demoTwoPs(arch)),
    ...nextSteps(arch, opts.self ?? selfCommand()),
    '',
  ].join('\n');
}

/** "1 goroutine", "2 goroutines". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * How to run gogo-emu again from any directory: `gogo-emu` when it is on
 * PATH, else the entry script that is running now (or the checkout's
 * bin/gogo-emu.mjs) by its absolute path.
 */
export function selfCommand(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, 'gogo-emu')));
  if (onPath) return 'gogo-emu';
  const script = process.argv[1];
  return script && basename(script).startsWith('gogo-emu') ? `node ${script}` : `node ${join(ROOT, 'bin', 'gogo-emu.mjs')}`;
}

/** The "next:" hints: commands with absolute paths, so they work from any directory. */
function nextSteps(arch: Arch, self: string): string[] {
  const steps: [string, string][] = [
    [`${self} disasm gogo --arch ${arch.name}`, 'gogo and gogo<>, instruction by instruction'],
    [`${self} switches ${DEMO_PROGRAM} --arch ${arch.name} --limit 3`, "the register tables of the program's first switches"],
    [`${self} run ${DEMO_PROGRAM} --arch ${arch.name}`, 'the program, as go run runs it'],
    [`GOMAXPROCS=2 ${self} run ${DEMO_PROGRAM_2} --arch ${arch.name} --timeline spread.json`, 'part 2 with its timeline (open it in ui.perfetto.dev)'],
  ];
  const w = Math.max(...steps.map(([c]) => c.length));
  return ['next (these work from any directory):', ...steps.map(([c, what]) => `  ${c.padEnd(w)}  # ${what}`)];
}

/**
 * Part two: spread.go at GOMAXPROCS=2. From main.main on, narrate how the
 * idle P gets an M and work: wakep starting a spinning M (newm or startm),
 * the M on its own thread, its spinning, its steal, what it then runs.
 */
async function demoTwoPs(arch: Arch): Promise<string[]> {
  const lines: string[] = [];
  let rt: Runtime | undefined;
  let started = false;
  let stole = false;
  let after = 0;
  const threadOf = new Map<number, number>();
  const say = (s: string) => lines.push(`  ${String(lines.length + 1).padStart(2)}. ${s}`);
  const onEvent = (e: ProcessEvent) => {
    if (!rt) return;
    if (!started && e.kind === 'gocreate' && !rt.machine.describe(e.startpc).startsWith('runtime.')) started = true;
    if (e.kind === 'mstart') threadOf.set(e.m, e.thread + 1);
    if (!started || after >= 2) return;
    switch (e.kind) {
      case 'gocreate':
        if (!stole && lines.length < 3) say(`goroutine ${e.parent} makes goroutine ${e.goid} (newproc: into runnext on its P, and wakep, since a P is idle)`);
        break;
      case 'newm':
        say(`M${e.by} makes M${e.m} for P${e.p}${e.spinning ? ', to spin' : ''}: allocm, then newosproc -> runtime.clone, the clone system call (a new emulated thread)`);
        break;
      case 'startm':
        say(`M${e.by} wakes idle M${e.m} with P${e.p}${e.spinning ? ' to spin' : ''} (notewakeup on its m.park: a futex wake)`);
        break;
      case 'mstart':
        if (!stole) say(`M${e.m} starts on thread ${e.thread + 1}: clone's child path set its g0 and TLS, mstart -> mstart1 -> schedule`);
        break;
      case 'spinning':
        if (e.spinning && !stole) say(`M${e.m} is spinning (sched.nmspinning = ${e.nmspinning}): its own run queue and the global one are empty, so it looks at the other Ps`);
        break;
      case 'steal':
        stole = true;
        say(`M${e.m} on P${e.p} steals ${e.n} goroutine${e.n > 1 ? 's' : ''} from P${e.from}'s run queue (half of it, round ${e.round} of stealWork${e.runnext ? `, its runnext${e.slept ? ' after sleeping 3 us' : ''}` : ''}) and runs goroutine ${e.goid}`);
        break;
      case 'execute':
        if (stole) {
          after++;
          say(`goroutine ${e.goid} runs on M${e.m}/P${e.p} (thread ${threadOf.get(e.m) ?? 1})${after === 2 ? ': two goroutines now compute at the same time, on two emulated CPUs' : ''}`);
        }
        break;
      default:
    }
  };
  const r = await runSource(readProgramFile(DEMO_PROGRAM_2), 'spread.go', arch, {
    gomaxprocsEnv: '2',
    observe: (p) => {
      rt = p.rt;
      p.bus.on(onEvent);
    },
  });
  return [
    '',
    `== part 2, GOMAXPROCS=2: ${DEMO_PROGRAM_2.slice(ROOT.length + 1)} (four goroutines that compute)`,
    ...r.stderr.trimEnd().split('\n').map((l) => `  | ${l}`),
    `exit status ${r.exitCode}; how the second P gets work:`,
    ...lines,
  ];
}

/**
 * The program's first three switches at the register level: the first gogo
 * into goroutine 5, the mcall that parks it, and the gogo that resumes
 * goroutine 1, each explained in words and then shown as its record table.
 */
function narrateSwitches(arch: Arch, records: readonly SwitchRecord[], symbols: SymbolTable): string[] {
  const first = records.findIndex((x) => x.kind === 'gogo' && x.fresh && (x.targetG?.goid ?? 0) >= 5);
  if (first < 0) return [];
  const park = records.findIndex((x, i) => i > first && x.kind === 'mcall');
  const resume = records.findIndex((x, i) => i > park && x.kind === 'gogo');
  const sym = (v: bigint | undefined) => (v === undefined ? '?' : showValue(symbols, v));
  const name = (v: bigint | undefined) => (v === undefined ? '?' : (symbols.describe(v) ?? showValue(symbols, v)).replace(/\+0$/, ''));
  const G = arch.gReg.toUpperCase();
  const w = arch.ptrSize;
  const out: string[] = [
    '',
    'the first switches of the program, register by register. How to read the tables:',
    '  - each register (and gobuf field) has its value at the switch\'s entry and at its exit; `*` marks the ones that changed;',
    `  - [sp] and [sp+w] are the words in memory at SP and at SP + w (w = ${w} bytes on ${arch.name}): ${arch.usesLR ? 'on arm [sp] is the saved-LR slot of the frame' : 'on amd64 [sp] is the return address a CALL pushed'}, [sp+w] the first stack argument;`,
    `  - status is the g's atomicstatus by its name in runtime2.go (_Grunning ...); a code address shows as <symbol+offset>, and in the program's own code also as file:line.`,
  ];
  let listed = false;
  for (const i of [first, park, resume]) {
    const rec = records[i];
    if (!rec) continue;
    out.push('');
    if (rec.kind === 'gogo') {
      const t = rec.targetG!;
      const buf = rec.gobuf!;
      const fresh = rec.fresh
        ? ` It runs for the first time: newproc1 laid out its stack so that SP = stack.hi - ${t.stackHi - buf.sp} and ${arch.usesLR ? 'LR = goexit+4' : '[SP] = goexit+1, a return address'}, so the goroutine's function returns into goexit.`
        : ` It resumes where mcall saved it: just after its call into the runtime.`;
      out.push(
        `>> gogo(&g${t.goid}.sched) switches from g${rec.entry.g?.goid ?? '?'} to g${t.goid}: SP = ${sym(buf.sp)}, PC = ${sym(buf.pc)}, ${G} = g${t.goid}${arch.switchFacts.gInTLS ? ' (and the TLS slot FS:-8)' : ''}; gobuf.sp, .ret, .ctxt and .${arch.usesLR ? 'lr' : 'bp'} are cleared behind it.${fresh} ${rec.insns} instructions, ${rec.cycles ?? 0} modeled cycles.`,
      );
    } else {
      const old = rec.oldgAfter!;
      out.push(
        `>> g${old.goid} blocks in the runtime, which calls mcall(${name(rec.fnFn)}): mcall saves where g${old.goid} resumes in g${old.goid}.sched (PC = ${sym(old.sched.pc)}, SP = ${sym(old.sched.sp)}), moves SP to g0's stack (${sym(rec.exit.regs[arch.spReg])}) and ${G} to g0, and calls ${name(rec.fnFn)} with g${old.goid} as its argument. ${rec.insns} instructions, ${rec.cycles ?? 0} modeled cycles.`,
      );
    }
    // the first one also instruction by instruction: the registers each instruction changed
    out.push(formatRecordTable(rec, symbols, { color: false, steps: !listed }));
    listed = true;
  }
  return out;
}
