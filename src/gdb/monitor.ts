// `monitor ...` (qRcmd): gogo-emu's own commands inside gdb.
//   goroutines                 every goroutine: goid, status, wait reason, M, thread, where
//   threads                    every thread (M): what `info threads` shows after the id
//   break-switch [KIND] [goid N]   stop `continue` at switches (KIND: gogo, mcall, systemstack,
//                              morestack, asyncPreempt; default every kind); `break-switch list`,
//                              `break-switch clear`
//   sched                      scheddetail now (GODEBUG=schedtrace=X,scheddetail=1's lines)
//   validate                   the gobuf invariants of the last completed switch
//   insns                      the global instruction count and the recorded history
//   help
import { SWITCH_STUBS, type SwitchFilter, type SwitchStub } from '../session/session.ts';
import { formatGoroutines, formatThreads, goroutineRows } from '../trace/goroutines.ts';
import { recordHeadline } from '../trace/format.ts';
import { schedtraceLines } from '../trace/schedtrace.ts';
import { formatViolation } from '../trace/validator.ts';
import type { GdbTarget } from './target.ts';

const HELP = `gogo-emu monitor commands:
  monitor goroutines                     goid, status, wait reason, M, thread and where of every goroutine
  monitor threads                        each thread (an M): M, P, state, the g in its g register, function
  monitor break-switch [KIND] [goid N]   continue stops at switches (KIND: gogo mcall systemstack morestack asyncPreempt; default all)
  monitor break-switch list|clear        the switch stops set, or none
  monitor sched                          scheddetail now (P, M and G lines)
  monitor validate                       the gobuf invariants of the last completed switch
  monitor insns                          the instruction count (reverse execution goes back to 0)`;

/** Switch kinds by the names break-switch accepts. */
const KINDS: Record<string, SwitchStub[] | 'async'> = {
  gogo: ['gogo'],
  mcall: ['mcall'],
  systemstack: ['systemstack'],
  morestack: ['morestack', 'morestack_noctxt'],
  mstart: ['mstart'],
  goexit: ['goexit_ret'],
  asyncpreempt: 'async',
};

function describeFilter(f: SwitchFilter | { asyncPreempt: number }): string {
  if ('asyncPreempt' in f) return 'runtime.asyncPreempt';
  const kinds = f.kind === undefined ? 'every switch' : ([] as SwitchStub[]).concat(f.kind).join('/');
  return f.goid === undefined ? kinds : `${kinds} of goroutine ${f.goid}`;
}

function breakSwitch(t: GdbTarget, args: string[]): string {
  if (args[0] === 'list') return t.switchFilters.length ? t.switchFilters.map((f, i) => `${i + 1}: ${describeFilter(f)}`).join('\n') : 'no switch stops';
  if (args[0] === 'clear' || args[0] === 'off') {
    t.switchFilters.length = 0;
    return 'switch stops cleared';
  }
  const f: SwitchFilter = {};
  const kinds: SwitchStub[] = [];
  let async = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'goid') {
      const n = args[++i];
      if (n === undefined || !/^\d+$/.test(n)) throw new Error(`break-switch: goid wants a number, not ${n ?? 'nothing'}`);
      f.goid = Number(n);
      continue;
    }
    const m = /^goid=(\d+)$/.exec(a);
    if (m) {
      f.goid = Number(m[1]);
      continue;
    }
    const k = KINDS[a.replace(/^runtime\./, '').toLowerCase()];
    if (k === undefined) throw new Error(`break-switch: unknown switch kind ${a} (one of ${Object.keys(KINDS).join(', ')})`);
    if (k === 'async') async = true;
    else kinds.push(...k);
  }
  if (async) {
    // not a switch the session knows by kind: a stop at the stub's entry, for any goroutine
    const a = t.session.process.machine.image.symbols.get('runtime.asyncPreempt');
    if (a === undefined) throw new Error('break-switch asyncPreempt: this runtime does not preempt goroutines asynchronously yet (no runtime.asyncPreempt stub)');
    if (kinds.length || f.goid !== undefined) throw new Error('break-switch asyncPreempt takes no other kind and no goid');
    t.switchFilters.push({ asyncPreempt: a });
    return 'continue now stops at runtime.asyncPreempt';
  }
  if (kinds.length) f.kind = kinds;
  for (const k of kinds) if (!t.session.process.machine.image.symbols.has(SWITCH_STUBS[k])) throw new Error(`break-switch: ${SWITCH_STUBS[k]} is not in this image`);
  t.switchFilters.push(f);
  return `continue now stops at ${describeFilter(f)}`;
}

function validate(t: GdbTarget): string {
  const last = t.switches[t.switches.length - 1];
  if (!last) return 'no switch has completed yet';
  const head = `last switch: ${recordHeadline(last.record)}`;
  if (last.violations.length === 0) return `${head}\nall invariants hold`;
  return [head, ...last.violations.map(formatViolation)].join('\n');
}

/** Run a monitor command; returns its output text. Errors are thrown as Error with the message to show. */
export function monitorCommand(t: GdbTarget, line: string): string {
  const [cmd, ...args] = line.trim().split(/\s+/);
  const s = t.session;
  switch (cmd) {
    case undefined:
    case '':
    case 'help':
      return HELP;
    case 'goroutines':
      return formatGoroutines(goroutineRows(s));
    case 'threads':
      return formatThreads(s);
    case 'break-switch':
      return breakSwitch(t, args);
    case 'sched': {
      const rt = s.process.rt;
      return schedtraceLines(rt, Math.floor(rt.nanotime() / 1e6), true).join('\n');
    }
    case 'validate':
      return validate(t);
    case 'insns':
      return `instruction ${s.insns} (reverse execution reaches back to instruction 0)`;
    default:
      throw new Error(`unknown monitor command '${cmd}' (monitor help lists them)`);
  }
}
