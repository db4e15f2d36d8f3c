// The gogo-emu command line (commander). Commands stay thin: they parse flags
// and call into the modules that do the work.
import { Command, InvalidArgumentError, Option } from 'commander';
import { ARCH_NAMES, archByName } from '../arch/index.ts';
import { DEFAULT_CPUS, MAX_CPUS } from '../os/threads.ts';
import { DEFAULT_MAX_INSNS, DEFAULT_TIME_LIMIT, RECORDING_MAX_INSNS } from '../session/budget.ts';
import { CACHE_ENV } from '../link/linker.ts';
import { AlreadyReported, reportError, toolVersion, UserError } from '../session/errors.ts';
import { buildCommand } from './build.ts';
import { compileCommand } from './compile.ts';
import { debugCommand } from './debug.ts';
import { demoCommand } from './demo.ts';
import { demoPreemptCommand } from './demo-preempt.ts';
import { disasmCommand } from './disasm.ts';
import { exploreCommand } from './explore.ts';
import { layoutCommand } from './layout.ts';
import { godebugSchedtrace, runCommand } from './run.ts';
import { stepCommand } from './step.ts';
import { parseVirtualTime, switchesCommand } from './switches.ts';
import { validateCommand } from './validate.ts';
import { webCommand } from '../web/command.ts';

function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative whole number');
  return Number(v);
}

/** A virtual time (switches --since/--until), in ns. */
function parseTime(v: string): number {
  try {
    return parseVirtualTime(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** A CPU count: 1 to MAX_CPUS. */
function parseCpus(v: string): number {
  const n = parseCount(v);
  if (n < 1 || n > MAX_CPUS) throw new InvalidArgumentError(`expected 1 to ${MAX_CPUS} CPUs`);
  return n;
}

const cpusOption = () =>
  new Option('--cpus <n>', "the emulated machine's CPU count: sched_getaffinity reports it, so it is Go's default GOMAXPROCS (the GOMAXPROCS environment variable works as in Go)")
    .argParser(parseCpus)
    .default(DEFAULT_CPUS);

/** --arch: `help` says what the arch is for in this command (only commands that run a program emulate a CPU). */
const archOption = (help = 'CPU to emulate') => new Option('--arch <arch>', help).choices(ARCH_NAMES).default('amd64');

/** The environment variables gogo-emu reads, for the help of the commands that run programs. */
export const ENVIRONMENT_HELP = `
Environment:
  GOMAXPROCS=n        the number of Ps, read as Go reads it (default: the CPU count, --cpus)
  GODEBUG=...         schedtrace=MS and scheddetail=1 as --schedtrace MS and --scheddetail
                      (the flags win; schedtrace=0 is off); Go's other settings are ignored
  ${CACHE_ENV}=dir  where assembled stubs and programs are cached (default
                      $XDG_CACHE_HOME/gogo-emu, else ~/.cache/gogo-emu); "off": no cache
  GOGO_EMU_DEBUG=1    as --debug
  NO_COLOR            no ANSI colors, even on a terminal`;

/** run's exit statuses (the whole table: src/session/errors.ts). */
export const RUN_EXIT_HELP = `
Exit status:
  0                   main.main returned
  n                   the program's own status: os.Exit / exit_group (the low 8 bits, as Linux)
  2                   a Go fatal error (deadlock, stack overflow, ...) or an unrecovered panic, as in Go;
                      also bad input (file, flag, a construct outside the subset), an emulation
                      fault, the instruction budget used up (--max-insns), an internal error`;

/** `out` writes a line; `write`, if given, text as it is (several lines at once). */
export function buildProgram(out: (s: string) => void, write?: (s: string) => void): Command {
  const program = new Command('gogo-emu')
    .description('Run Go programs on an emulated x86-64 or ARM CPU and watch the Go scheduler switch goroutines at the register level.')
    .version(toolVersion(), '-V, --version')
    .option('--debug', "on an internal error, print its stack and how to report it; check the runtime port's preconditions (as GOGO_EMU_DEBUG=1)")
    .showHelpAfterError('(run gogo-emu --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    // commander has printed the usage error, help or version: only the status is left
    .exitOverride((e) => {
      throw new AlreadyReported(e.message, e.exitCode);
    });

  // --debug turns the runtime's debug checks on; without it GOGO_EMU_DEBUG decides
  const debugChecks = () => ((program.opts() as { debug?: boolean }).debug ? true : undefined);

  program
    .command('disasm')
    .description("disassemble the hand-ported runtime stubs (or a program's functions), with the .s (.go) file:line of each instruction and go_asm.h names beside raw offsets")
    .argument('[symbol]', 'a stub such as gogo (with the gogo<> it continues in), runtime.mcall or runtime.gogo<>; main.main and the like with a program (default: all)')
    .argument('[prog]', "a program (.go or .s) whose functions to disassemble too; alone, all of the program's functions")
    .addOption(archOption('architecture whose code to disassemble (nothing runs)'))
    .option('--source', 'also show the original go1.19 block next to the port (needs a local Go 1.19 installation; says so when the one found is another version)')
    .action(async (symbol: string | undefined, prog: string | undefined, opts: { arch: string; source?: boolean }) => {
      out(await disasmCommand(archByName(opts.arch), symbol, { source: opts.source, program: prog }));
    });

  program
    .command('run')
    .description('compile a Go program (the supported subset) and run it on the emulated CPU, like go run')
    .argument('<prog.go>', 'a Go source file')
    .addOption(archOption())
    .option('--max-insns <n>', 'stop a runaway program after this many emulated instructions', parseCount, DEFAULT_MAX_INSNS)
    .option('--seed <n>', "the run's random seed, in place of the kernel's AT_RANDOM bytes: it seeds every M's fastrand (semaphore treap tickets, g.trackingSeq; with several Ps the work-stealing order); no output of the supported subset depends on it at GOMAXPROCS=1. Same program + arch + GOMAXPROCS + seed => the same run", parseCount, 1)
    .option('--schedtrace <ms>', "print Go's GODEBUG=schedtrace lines to stderr every <ms> virtual milliseconds (0: off, as schedtrace=0)", parseCount)
    .option('--scheddetail', 'with --schedtrace: the detailed form (P, M and G lines), as GODEBUG=scheddetail=1')
    .option('--timeline <out.json>', 'write a Trace Event Format timeline (open it in Perfetto or chrome://tracing)')
    .addOption(cpusOption())
    .option('--interleave-seed <n>', "perturb the OS's quanta with this seed: another interleaving of the threads, the same one for the same seed (default: none)", parseCount)
    .option('--time-limit <seconds>', 'stop a runaway program after this much wall-clock time, with a goroutine dump (0: no limit)', parseCount, DEFAULT_TIME_LIMIT)
    .addHelpText('after', `${ENVIRONMENT_HELP}\n${RUN_EXIT_HELP}`)
    .action(async (file: string, opts: { arch: string; maxInsns: number; seed: number; schedtrace?: number; scheddetail?: boolean; timeline?: string; cpus: number; interleaveSeed?: number; timeLimit: number }) => {
      if (opts.scheddetail && opts.schedtrace === undefined) throw new UserError('--scheddetail needs --schedtrace <ms> (as GODEBUG=scheddetail=1 needs schedtrace)');
      const schedtrace = opts.schedtrace === undefined ? godebugSchedtrace(process.env.GODEBUG) : { periodMs: opts.schedtrace, detail: !!opts.scheddetail };
      process.exitCode = await runCommand(file, archByName(opts.arch), { maxInsns: opts.maxInsns, seed: opts.seed, cpus: opts.cpus, interleaveSeed: opts.interleaveSeed, gomaxprocsEnv: process.env.GOMAXPROCS, godebug: process.env.GODEBUG, schedtrace, timeline: opts.timeline, debugChecks: debugChecks(), timeLimit: opts.timeLimit, trapSignals: true });
    });

  program
    .command('explore')
    .description('run a program under many seeds (fastrand and thread interleaving) and list its distinct outcomes, each with a seed that reproduces it')
    .argument('<prog.go>', 'a Go source file')
    .addOption(archOption())
    .option('--runs <n>', 'how many runs (seeds S, S+1, ...)', parseCount, 20)
    .option('--seed <n>', 'the first seed', parseCount, 1)
    .option('--gomaxprocs <n>', 'GOMAXPROCS for every run (default: the GOMAXPROCS environment variable, else the CPU count)', parseCount)
    .addOption(cpusOption())
    .option('--max-insns <n>', 'stop a runaway run after this many emulated instructions', parseCount, DEFAULT_MAX_INSNS)
    .action(async (file: string, opts: { arch: string; runs: number; seed: number; gomaxprocs?: number; cpus: number; maxInsns: number }) => {
      const gomaxprocs = opts.gomaxprocs !== undefined ? String(opts.gomaxprocs) : process.env.GOMAXPROCS;
      out(await exploreCommand(file, archByName(opts.arch), { runs: opts.runs, seed: opts.seed, gomaxprocs, cpus: opts.cpus, maxInsns: opts.maxInsns, debugChecks: debugChecks() }));
    });

  program
    .command('compile')
    .description('print the assembly generated for a Go program, each Go source line above its instructions')
    .argument('<prog.go>', 'a Go source file')
    .addOption(archOption('architecture to generate assembly for (nothing runs)'))
    .option('--addresses', 'the program linked as it runs: address, +offset in the function (main.main+401), bytes and the instruction, go_asm.h names beside raw offsets')
    .action(async (file: string, opts: { arch: string; addresses?: boolean }) => {
      out(await compileCommand(file, archByName(opts.arch), { addresses: opts.addresses }));
    });

  program
    .command('layout')
    .description('print the go1.19 struct layouts (g, m, p, gobuf, schedt, hchan, ...) with offsets and sizes')
    .addOption(archOption("architecture whose layouts to print (go1.19's amd64 or arm offsets and sizes)"))
    .option('--json', "a flat map in go_asm.h naming (g_sched, gobuf_sp, g__size, ...), like the compiler's go_asm.h")
    .option('--struct <name>', 'only this struct (e.g. g, gobuf, m, p)')
    .action((opts: { arch: string; json?: boolean; struct?: string }) => {
      out(layoutCommand(archByName(opts.arch), opts));
    });

  const color = () => !!process.stdout.isTTY && !process.env.NO_COLOR;
  const io = { out, err: (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`), ...(write && { write }) };
  // `gogo-emu switches ... | head` closes the pipe early: stop quietly
  const quietOnEpipe = () => process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : undefined));

  program
    .command('switches')
    .description('run a program and print every goroutine switch: stub, gs, registers at entry and exit, gobufs, each instruction with its .s line')
    .argument('<prog>', 'a Go program (.go) or TEXT blocks for main.main etc. in the arch\'s assembly (.s)')
    .addOption(archOption())
    .option('--goid <n>', 'only switches from, to or about goroutine n', parseCount)
    .option('--stub <name|file.s>', 'only switches of this stub or kind (gogo, mcall, systemstack, systemstack_ret, morestack, morestack_noctxt, goexit_ret, mstart); or a .s file of your own stubs (TEXT blocks named as the built-in ones, as validate --stub): run with them and show the switches that ran their code; repeatable', (v: string, acc: string[] | undefined) => [...(acc ?? []), v])
    .option('--from <n>', 'start at switch #n (the number each record starts with)', parseCount)
    .option('--to <n>', 'stop at switch #n (inclusive)', parseCount)
    .option('--since <time>', 'only switches entered at or after this virtual time, with a unit: ns, us, ms or s (e.g. 250us, 1.5ms); each headline shows its time ("at 12.345us", the clock of --timeline: modeled cycles at 1 GHz)', parseTime)
    .option('--until <time>', 'only switches entered at or before this virtual time (same units as --since)', parseTime)
    .option('--limit <n>', 'print at most n switches', parseCount)
    .option('--json', "one JSON object per line: the oracle's field names (fixtures/oracle/trace-<arch>.jsonl), values as hex strings, and `checks`: each invariant the validator evaluated on the switch, true if it held")
    .option('--no-steps', 'leave out the instruction listing of each switch')
    .option('--max-insns <n>', 'instruction budget', parseCount, RECORDING_MAX_INSNS)
    .addOption(cpusOption())
    .action(async (file: string, opts: { arch: string; goid?: number; stub?: string[]; from?: number; to?: number; since?: number; until?: number; limit?: number; json?: boolean; steps: boolean; maxInsns: number; cpus: number }) => {
      quietOnEpipe();
      process.exitCode = await switchesCommand(file, archByName(opts.arch), { ...opts, color: color(), debugChecks: debugChecks(), gomaxprocsEnv: process.env.GOMAXPROCS }, io);
    });

  program
    .command('validate')
    .description('check every goroutine switch of a run against the gobuf invariants (exit 1 on a violation); or the recorded go1.19 switches with --oracle')
    .argument('[prog]', 'a Go program (.go) or TEXT blocks for main.main etc. (.s)')
    .addOption(archOption())
    .option('--stub <file.s>', 'replace built-in stubs by the TEXT blocks of this file (same symbol names); repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--oracle', 'validate fixtures/oracle/trace-<arch>.jsonl, the switches recorded from the real go1.19 runtime')
    .option('--list', 'list the invariants that apply on the arch')
    .option('--max-insns <n>', 'instruction budget', parseCount, RECORDING_MAX_INSNS)
    .addOption(cpusOption())
    .action(async (file: string | undefined, opts: { arch: string; stub: string[]; oracle?: boolean; list?: boolean; maxInsns: number; cpus: number }) => {
      process.exitCode = await validateCommand(file, archByName(opts.arch), { ...opts, color: color(), debugChecks: debugChecks(), gomaxprocsEnv: process.env.GOMAXPROCS }, io);
    });

  program
    .command('demo')
    .description('the main job: run a built-in Go program (channel ping-pong) and narrate its goroutine switches')
    .addOption(new Option('--arch <arch>', 'CPU to emulate (default: both, one after the other)').choices(ARCH_NAMES))
    .option('--preempt', 'narrate one asynchronous preemption instead: sysmon, the signal frame, asyncPreempt')
    .action(async (opts: { arch?: string; preempt?: boolean }) => {
      for (const name of opts.arch ? [opts.arch] : ARCH_NAMES) out(await (opts.preempt ? demoPreemptCommand : demoCommand)(archByName(name)));
    });

  program
    .command('build')
    .description('write the exact linked image of a program as an ELF file for gdb (symbols with Go names, DWARF lines to asm/<arch>/*.s and the Go source)')
    .argument('<prog.go>', 'a Go source file (or TEXT blocks, .s)')
    .requiredOption('-o, --output <file.elf>', 'the ELF file to write')
    .addOption(archOption('architecture whose image to write (nothing runs)'))
    .action(async (file: string, opts: { arch: string; output: string }) => {
      out(await buildCommand(file, archByName(opts.arch), opts.output));
    });

  program
    .command('debug')
    .description('serve a program to gdb (remote protocol on 127.0.0.1, reverse execution, monitor commands); attach with gdb-multiarch prog.elf -ex "target remote :PORT"')
    .argument('<prog.go>', 'a Go source file (or TEXT blocks, .s)')
    .addOption(archOption())
    .option('--gdb <port>', 'TCP port on 127.0.0.1 (0: any free port)', parseCount, 1234)
    .option('--elf <file.elf>', 'also write the ELF image for gdb (as gogo-emu build does)')
    .option('--max-insns <n>', 'instruction budget', parseCount, DEFAULT_MAX_INSNS)
    .option('--seed <n>', "seed of the runtime's fastrand", parseCount, 1)
    .option('--trace-packets', 'log every remote-protocol packet to stderr')
    .action(async (file: string, opts: { arch: string; gdb: number; elf?: string; maxInsns: number; seed: number; tracePackets?: boolean }) => {
      process.exitCode = await debugCommand(file, archByName(opts.arch), { port: opts.gdb, elf: opts.elf, maxInsns: opts.maxInsns, seed: opts.seed, trace: opts.tracePackets, debugChecks: debugChecks() }, io.err);
    });

  program
    .command('step')
    .description('run to a scheduler event, then print instruction steps: registers changed, .s line, Go line (optionally stepping back)')
    .argument('<prog.go>', 'a Go source file (or TEXT blocks, .s)')
    .addOption(archOption())
    .option('--until <where>', "where to start: 'gogo goid=6', 'mcall', 'switch goid=5', a symbol such as main.main, or insns=N", 'main.main')
    .option('--count <n>', 'instructions to step', parseCount, 20)
    .option('--reverse <n>', 'then step back n instructions', parseCount)
    .option('--goroutines', 'print the goroutines and threads where --until stopped')
    .option('--max-insns <n>', 'instruction budget', parseCount, DEFAULT_MAX_INSNS)
    .action(async (file: string, opts: { arch: string; until: string; count: number; reverse?: number; goroutines?: boolean; maxInsns: number }) => {
      process.exitCode = await stepCommand(file, archByName(opts.arch), { ...opts, debugChecks: debugChecks() }, io);
    });

  program
    .command('web')
    .description('the teaching web app on 127.0.0.1: source, timeline of Ms/Ps/Gs, the current switch with its stub, registers, G/M/P, stacks and run queues; step forward and back')
    .argument('<prog.go>', 'a Go source file')
    .addOption(archOption())
    .option('--port <n>', 'TCP port on 127.0.0.1 (0: any free port)', parseCount, 8080)
    .option('--gomaxprocs <n>', 'GOMAXPROCS (default: the GOMAXPROCS environment variable, else the CPU count)', parseCount)
    .option('--seed <n>', "seed of the runtime's fastrand", parseCount, 1)
    .option('--export <run.html>', 'write one self-contained page that replays the recorded run (no server) and exit')
    .action(async (file: string, opts: { arch: string; port: number; gomaxprocs?: number; seed: number; export?: string }) => {
      const env = process.env.GOMAXPROCS;
      const gomaxprocs = opts.gomaxprocs ?? (env && /^\d+$/.test(env) && Number(env) > 0 ? Number(env) : undefined);
      process.exitCode = await webCommand(file, { arch: opts.arch as 'amd64' | 'arm', port: opts.port, gomaxprocs, seed: opts.seed, export: opts.export }, io.err);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(
    (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    (s) => process.stdout.write(s),
  );
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const r = reportError(e, { debug: debugWanted(program, argv) });
    if (r.text) process.stderr.write(r.text);
    process.exitCode = r.exitCode;
  }
}

/** --debug anywhere on the command line (also when parsing failed before commander saw it), or GOGO_EMU_DEBUG=1. */
function debugWanted(program: Command, argv: readonly string[]): boolean {
  return !!program.opts().debug || argv.slice(2).includes('--debug') || process.env.GOGO_EMU_DEBUG === '1';
}
