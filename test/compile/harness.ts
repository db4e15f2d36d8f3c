// A small machine for testing compiled code without the scheduler: the
// program's blocks linked with a handful of test host functions (print, a
// bump-allocating newobject, defer records keyed by the caller's SP, panics
// that throw), a fake g with a big stack, and main.init then main.main called
// directly. Goroutines started with `go` are queued and run one after the
// other (to completion, each on a fresh stack) once main.main returns;
// channels are plain FIFO buffers that throw instead of blocking. That is
// enough to check code generation on both arches; the real runtime is tested
// by test/fixtures and test/runtime.
import { ENTRY, hostSpec, type RuntimeEntry } from '../../src/abi/index.ts';
import type { Arch } from '../../src/arch/index.ts';
import { compileProgram, type CompiledProgram } from '../../src/compile/index.ts';
import { EXIT_SENTINEL } from '../../src/engine/engine.ts';
import type { HostCall, HostRegistry } from '../../src/os/host.ts';
import { Machine } from '../../src/os/machine.ts';
import { REGIONS } from '../../src/os/memmap.ts';
import { goAsmConst } from '../../src/go119/goasm.ts';
import { definePrintHosts } from '../../src/runtime/print.ts';
import { DEFAULT_MAX_INSNS } from '../../src/session/budget.ts';

export class TestPanic extends Error {}

export interface HarnessResult {
  /** what the program printed (print/println go to stderr in Go) */
  stderr: string;
  /** the panic message (Go's "panic: ..." text without the prefix), if one ended the program */
  panic?: string;
  compiled: CompiledProgram;
}

export interface HarnessOptions {
  file?: string;
  maxInsns?: number;
}

/**
 * The harness's budget for each call (main.init, main.main, each goroutine)
 * (a tenth of a plain run's): its programs are small code-generation checks,
 * so one that runs longer is stuck.
 */
const HARNESS_MAX_INSNS = DEFAULT_MAX_INSNS / 10;

const STACK_SIZE = 64 << 20;
const GOROUTINE_STACK = 1 << 20;

interface Chan {
  elemSize: number;
  cap: number;
  buf: Uint8Array[];
  closed: boolean;
}

/** Compile `source` for `arch` and run it on the test machine. */
export async function runProgram(arch: Arch, source: string, o: HarnessOptions = {}): Promise<HarnessResult> {
  const compiled = await compileProgram(source, o.file ?? 'prog.go', arch);
  return runCompiled(arch, compiled, o);
}

export async function runCompiled(arch: Arch, compiled: CompiledProgram, o: HarnessOptions = {}): Promise<HarnessResult> {
  const W = arch.ptrSize;
  let out = '';
  const tlsSlot = REGIONS.data.start;
  const gAddr = REGIONS.data.start + 0x100;
  // globals after the fake g
  const data = new Map<string, number>();
  let at = REGIONS.data.start + 0x1000;
  for (const g of compiled.globals) {
    at = Math.ceil(at / g.align) * g.align;
    data.set(g.name, at);
    at += g.size;
  }
  let heapNext = REGIONS.heap.start;
  const defers: { sp: number; fn: number }[] = [];
  const goroutines: number[] = [];
  const chans = new Map<number, Chan>();

  const m = await Machine.create({
    arch,
    blocks: compiled.blocks,
    data,
    defineHosts: (h: HostRegistry) => {
      // every entry compiled code calls, with the ABI and argument words src/abi gives it
      const def = (e: RuntimeEntry, fn: (c: HostCall) => bigint | number | void) => h.define(e.symbol, hostSpec(e, W), fn);
      definePrintHosts(h, (s) => {
        out += s;
      });
      def(ENTRY.newobject, (c) => {
        const size = c.mem.ptr(c.argN(0));
        const p = heapNext;
        heapNext += Math.ceil(Math.max(size, 1) / 16) * 16;
        c.mem.fill(p, Math.max(size, 1));
        return p;
      });
      def(ENTRY.deferproc, (c) => {
        defers.push({ sp: arch.callerSP(c.engine), fn: c.argN(0) });
        return 0;
      });
      def(ENTRY.deferreturn, (c) => {
        const top = defers[defers.length - 1];
        if (!top || top.sp !== arch.callerSP(c.engine)) return 0;
        defers.pop();
        return top.fn;
      });
      def(ENTRY.panicdivide, () => {
        throw new TestPanic('runtime error: integer divide by zero');
      });
      def(ENTRY.panicmem, () => {
        throw new TestPanic('runtime error: invalid memory address or nil pointer dereference');
      });
      def(ENTRY.panicshift, () => {
        throw new TestPanic('runtime error: negative shift amount');
      });
      for (const ms of [ENTRY.morestack, ENTRY.morestack_noctxt]) {
        def(ms, () => {
          throw new Error('stack overflow: the test harness does not grow stacks');
        });
      }
      // goroutines: queued, run after main.main
      def(ENTRY.newproc, (c) => void goroutines.push(c.argN(0)));
      def(ENTRY.Gosched, () => undefined);
      def(ENTRY.Goexit, () => {
        throw new Error('runtime.Goexit is not supported by the test harness');
      });
      def(ENTRY.NumGoroutine, () => 1 + goroutines.length);
      def(ENTRY.GOMAXPROCS, () => 1);
      // channels: FIFO buffers (unbuffered ones hold one value), never blocking
      const ch = (c: HostCall, i = 0): Chan => {
        const x = chans.get(c.argN(i));
        if (!x) throw new TestPanic(c.argN(i) === 0 ? 'nil channel' : 'not a channel');
        return x;
      };
      def(ENTRY.makechan, (c) => {
        const p = heapNext;
        heapNext += 16;
        chans.set(p, { elemSize: c.mem.ptr(c.argN(0)), cap: Number(c.argInt(1)), buf: [], closed: false });
        return p;
      });
      def(ENTRY.chansend1, (c) => {
        const x = ch(c);
        if (x.closed) throw new TestPanic('send on closed channel');
        if (x.buf.length >= Math.max(x.cap, 1)) throw new Error('harness: channel send would block');
        x.buf.push(c.mem.read(c.argN(1), x.elemSize));
      });
      const recv = (c: HostCall): boolean => {
        const x = ch(c);
        const v = x.buf.shift();
        if (!v && !x.closed) throw new Error('harness: channel receive would block');
        const dst = c.argN(1);
        if (dst !== 0) {
          if (v) c.mem.write(dst, v);
          else c.mem.fill(dst, x.elemSize);
        }
        return v !== undefined;
      };
      def(ENTRY.chanrecv1, (c) => void recv(c));
      def(ENTRY.chanrecv2, (c) => (recv(c) ? 1 : 0));
      def(ENTRY.closechan, (c) => {
        const x = ch(c);
        if (x.closed) throw new TestPanic('close of closed channel');
        x.closed = true;
      });
      def(ENTRY.chanlen, (c) => (c.argN(0) === 0 ? 0 : ch(c).buf.length));
      def(ENTRY.chancap, (c) => (c.argN(0) === 0 ? 0 : ch(c).cap));
      // sync.WaitGroup: the counter in the first word of its 16-byte cell
      def(ENTRY.wgAdd, (c) => c.mem.setWord(c.argN(0), c.mem.word(c.argN(0)) + c.argInt(1)));
      def(ENTRY.wgDone, (c) => c.mem.setWord(c.argN(0), c.mem.word(c.argN(0)) - 1n));
      def(ENTRY.wgWait, () => undefined);
    },
    cacheDir: null,
  });
  try {
    const e = m.engine;
    const mem = m.mem;
    // A g whose stack is [lo, hi) with Go's guard; R14 / R10 and the TLS slot hold it.
    const setStack = (lo: number, size: number) => {
      mem.setPtr(gAddr + goAsmConst(arch, 'g_stack') + goAsmConst(arch, 'stack_lo'), lo);
      mem.setPtr(gAddr + goAsmConst(arch, 'g_stack') + goAsmConst(arch, 'stack_hi'), lo + size);
      mem.setPtr(gAddr + goAsmConst(arch, 'g_stackguard0'), lo + goAsmConst(arch, 'const__StackGuard'));
    };
    mem.setPtr(tlsSlot, gAddr);
    arch.setTLS(e, tlsSlot);
    e.setReg(arch.gReg, gAddr);
    let budget = o.maxInsns ?? HARNESS_MAX_INSNS;
    const call = (pc: number, stackLo: number, stackSize: number, ctxt = 0) => {
      setStack(stackLo, stackSize);
      const top = stackLo + stackSize - 64;
      if (arch.lrReg) {
        e.sp = top;
        e.setReg(arch.lrReg, EXIT_SENTINEL);
      } else {
        e.sp = top - W;
        mem.setPtr(top - W, EXIT_SENTINEL);
      }
      e.setReg(arch.ctxtReg, ctxt);
      const r = e.run(pc, { count: budget });
      if (r.reason !== 'exit') throw new Error(`harness: run stopped (${r.reason}) at ${m.describe(r.pc)}`);
    };
    let panic: string | undefined;
    try {
      call(m.sym('main.init'), REGIONS.stacks.start, STACK_SIZE);
      call(m.sym('main.main'), REGIONS.stacks.start, STACK_SIZE);
      for (let i = 0; i < goroutines.length; i++) {
        const fv = goroutines[i]!;
        call(mem.ptr(fv), REGIONS.stacks.start + STACK_SIZE + (i % 64) * GOROUTINE_STACK, GOROUTINE_STACK, fv);
      }
    } catch (err) {
      if (!(err instanceof TestPanic)) throw err;
      panic = err.message;
    }
    budget = 0;
    return { stderr: out, panic, compiled };
  } finally {
    m.close();
  }
}
