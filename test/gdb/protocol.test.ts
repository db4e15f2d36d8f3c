// The GDB stub at the protocol level, on both arches, with a raw client:
// the packets gdb starts with (features, target description, registers,
// memory, threads), breakpoints and watchpoints, steps and continues,
// threads of a two-thread program, monitor commands, reverse execution,
// and the robustness cases: checksum errors (NAK), oversized, split and
// garbled packets, malformed arguments, a breakpoint on an unmapped
// address, ^C, a client that leaves mid-run, a second client, detach and
// kill. None of them may end the server or print a host stack trace.
import { afterEach, describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { fromHex, toHex } from '../../src/gdb/packets.ts';
import { targetDescription } from '../../src/gdb/tdesc.ts';
import { ARENA_END, REGIONS } from '../../src/os/memmap.ts';
import { EXIT_SENTINEL } from '../../src/engine/engine.ts';
import { archCases } from '../helpers.ts';
import { faulting, fixture, twoThreads } from '../session/programs.ts';
import { RspClient, startStub, type Stub } from './helpers.ts';

const stubs: Stub[] = [];
const clients: RspClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of stubs.splice(0)) await s.close();
});

async function stub(arch: Arch, input: Parameters<typeof startStub>[1], o?: Parameters<typeof startStub>[2]): Promise<Stub> {
  const s = await startStub(arch, input, o);
  stubs.push(s);
  return s;
}

async function client(s: Stub): Promise<RspClient> {
  const c = await RspClient.connect(s.port);
  clients.push(c);
  return c;
}

const hexAddr = (n: number) => n.toString(16);
const le = (v: number, bytes: number) => toHex(Uint8Array.from({ length: bytes }, (_, i) => Number((BigInt(v) >> BigInt(8 * i)) & 0xffn)));
const unle = (h: string) => fromHex(h)!.reduceRight((v, b) => v * 256 + b, 0);
const text = (h: string) => Buffer.from(h, 'hex').toString('utf8');

/** A Go program that loops for a long time (about a billion instructions). */
const LOOP = { file: 'loop.go', source: 'package main\n\nfunc main() {\n\tx := 0\n\tfor i := 0; i < 200000000; i++ {\n\t\tx += i\n\t}\n\tprintln(x)\n}\n' };

/** Stop reply fields: `T05swbreak:;10:..;thread:1;` -> { sig, swbreak, thread, ... } */
function stopFields(r: string): Record<string, string> {
  const out: Record<string, string> = { sig: r.slice(0, 3) };
  for (const part of r.slice(3).split(';')) {
    if (!part) continue;
    const i = part.indexOf(':');
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

describe.each(archCases)('the GDB stub on %s', (_name, arch) => {
  const tdesc = targetDescription(arch.name);
  const pcIdx = tdesc.pc;
  const w = arch.ptrSize;

  it('answers what gdb asks first: features, the target description, registers, memory and threads', async () => {
    const s = await stub(arch, fixture('pingpong'));
    const c = await client(s);
    const feats = await c.request('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386');
    for (const f of ['PacketSize=4000', 'qXfer:features:read+', 'swbreak+', 'ReverseStep+', 'ReverseContinue+']) expect(feats.split(';')).toContain(f);
    let xml = '';
    for (;;) {
      const r = await c.request(`qXfer:features:read:target.xml:${hexAddr(xml.length)},400`);
      xml += r.slice(1);
      if (r[0] === 'l') break;
      expect(r[0]).toBe('m');
    }
    expect(xml).toBe(tdesc.xml);
    expect([...xml.matchAll(/<reg /g)].length).toBe(tdesc.regs.length);
    expect(xml).toContain(arch.name === 'amd64' ? '<architecture>i386:x86-64</architecture>' : '<architecture>arm</architecture>');
    for (const r of arch.name === 'amd64' ? ['fs_base', 'rip', 'eflags', 'xmm15', 'st7'] : ['cpsr', 'd31', 'fpscr', 'pc']) expect(xml).toContain(`name="${r}"`);
    expect(await c.request('qXfer:features:read:other.xml:0,100')).toMatch(/^E/);

    const entry = s.session.symbol(arch.entrySymbol);
    expect(stopFields(await c.request('?'))).toMatchObject({ sig: 'T05', thread: '1', [hexAddr(pcIdx)]: le(entry, w) });
    const g = await c.request('g');
    expect(g.length).toBe(tdesc.regs.reduce((n, r) => n + r.bits / 4, 0));
    expect(await c.request(`p${hexAddr(pcIdx)}`)).toBe(le(entry, w));
    expect(await c.request(`p${hexAddr(tdesc.regs.length)}`)).toMatch(/^E/);
    const bytes = s.session.readMemory(entry, 8);
    expect(await c.request(`m${hexAddr(entry)},8`)).toBe(toHex(bytes));
    // reads stop at the end of emulated memory; nothing mapped at all is an error
    expect(await c.request('m10,4')).toMatch(/^E/);
    expect(await c.request(`m${hexAddr(ARENA_END)},4`)).toMatch(/^E/);
    // a read across the end of emulated memory gives what is there
    expect(await c.request(`m${hexAddr(ARENA_END - 2)},4`)).toBe('0000');
    expect(await c.request(`m${hexAddr(EXIT_SENTINEL)},4`)).toMatch(/^E/);
    expect(await c.request('qfThreadInfo')).toBe('m1');
    expect(await c.request('qsThreadInfo')).toBe('l');
    expect(await c.request('qC')).toBe('QC1');
    // before the first instruction: no P, no g yet
    expect(text(await c.request('qThreadExtraInfo,1'))).toBe(`M0 no P runnable no g ${arch.entrySymbol}`);
    expect(await c.request('T1')).toBe('OK');
    expect(await c.request('T9')).toMatch(/^E/);
    expect(await c.request('Hg1')).toBe('OK');
    expect(await c.request('Hg9')).toMatch(/^E/);
    expect(await c.request('qAttached')).toBe('0');
    expect(await c.request('vCont?')).toBe('vCont;c;C;s;S');
    // unsupported: the empty reply; malformed: an error
    expect(await c.request('Jfoo')).toBe('');
    expect(await c.request('vMustReplyEmpty')).toBe('');
    expect(await c.request('mzz,4')).toBe('E01');
    expect(await c.request('m4000')).toBe('E01');
    expect(await c.request('Z0,zz,1')).toBe('E01');
    expect(await c.request('Pzz=00')).toBe('E01');
    expect(await c.request(`P${hexAddr(pcIdx)}=0102`)).toBe('E01');
    expect(await c.request('Mfoo')).toBe('E01');
    expect(await c.request('qRcmd,' + toHex(Buffer.from('help')))).toBe('OK');
    expect(c.console.join('')).toContain('monitor goroutines');
    expect(await c.request('qRcmd,' + toHex(Buffer.from('frobnicate')))).toMatch(/^E\.unknown monitor command 'frobnicate'/);
    expect(await c.request('qRcmd,zz')).toBe('E01');
    expect(s.logs.filter((l) => /internal error|at .*\.ts:\d+/.test(l))).toEqual([]);
  });

  it('sets breakpoints and watchpoints, steps, continues, writes registers and memory, and reports the exit', async () => {
    const s = await stub(arch, fixture('pingpong'));
    const c = await client(s);
    const gogo = s.session.symbol('runtime.gogo');
    const kind = arch.name === 'amd64' ? 1 : 4;
    expect(await c.request(`Z0,${hexAddr(gogo)},${kind}`)).toBe('OK');
    // not code: unmapped, data, the middle of a host slot
    expect(await c.request(`Z0,10,${kind}`)).toMatch(/^E/);
    expect(await c.request(`Z0,${hexAddr(REGIONS.heap.start)},${kind}`)).toMatch(/^E/);
    expect(await c.request(`Z0,${hexAddr(s.session.symbol('runtime.chansend1') + 4)},${kind}`)).toMatch(/^E/);
    const hit = stopFields(await c.request('vCont;c'));
    expect(hit).toMatchObject({ sig: 'T05', swbreak: '', thread: '1', [hexAddr(pcIdx)]: le(gogo, w) });
    const st = stopFields(await c.request('vCont;s:1'));
    expect(st.sig).toBe('T05');
    expect(st.swbreak).toBeUndefined();
    expect(unle(st[hexAddr(pcIdx)]!)).toBe(gogo + (arch.name === 'amd64' ? 5 : 4));
    // a register write reads back (r1 / rcx: gogo overwrites both before using them)
    const ri = tdesc.regs.findIndex((r) => r.name === (arch.name === 'amd64' ? 'rcx' : 'r2'));
    expect(await c.request(`P${hexAddr(ri)}=${le(0x1234, w)}`)).toBe('OK');
    expect(await c.request(`p${hexAddr(ri)}`)).toBe(le(0x1234, w));
    // memory writes read back (a word of the heap nobody uses)
    const spare = REGIONS.heap.start + REGIONS.heap.size - 64;
    expect(await c.request(`M${hexAddr(spare)},4:deadbeef`)).toBe('OK');
    expect(await c.request(`m${hexAddr(spare)},4`)).toBe('deadbeef');
    // binary data: '#' and '$' go escaped
    expect(await c.request(`X${hexAddr(spare)},2:#$`)).toBe('OK');
    expect(await c.request(`m${hexAddr(spare)},4`)).toBe('2324beef');
    expect(await c.request(`z0,${hexAddr(gogo)},${kind}`)).toBe('OK');
    // a write watchpoint on the first goroutine's g.sched.sp stops in mcall (amd64: after the store; arm: before it)
    const { rt } = s.session.process;
    const g1 = rt.allgs.map((a) => rt.g(a)).find((g) => g.goid === 1)!;
    const sp = g1.sched.addr + rt.L.off.gobuf.sp;
    expect(await c.request(`Z2,${hexAddr(sp)},${w}`)).toBe('OK');
    const wh = stopFields(await c.request('vCont;c'));
    expect(wh).toMatchObject({ sig: 'T05', watch: hexAddr(sp) });
    expect(s.session.process.machine.image.blockAt(unle(wh[hexAddr(pcIdx)]!))?.name).toMatch(/^runtime\.(mcall|gogo<>)$/);
    expect(await c.request(`z2,${hexAddr(sp)},${w}`)).toBe('OK');
    expect(await c.request(`Z3,${hexAddr(sp)},${w}`)).toBe('OK');
    expect(await c.request(`Z4,${hexAddr(sp)},${w}`)).toBe('OK');
    expect(await c.request(`z3,${hexAddr(sp)},${w}`)).toBe('OK');
    expect(await c.request(`z4,${hexAddr(sp)},${w}`)).toBe('OK');
    expect(await c.request(`Z2,10,4`)).toMatch(/^E/);
    expect(await c.request('c')).toBe('W00');
    expect(await c.request('?')).toBe('W00');
    expect(s.output.join('')).toContain('final 12');
    expect(c.console.join('')).toContain('final 12');
  });

  it('shows each thread of a two-thread program, with its own registers, and steps the one asked for', async () => {
    const s = await stub(arch, twoThreads(arch));
    const c = await client(s);
    const worker = s.session.symbol('main.worker');
    expect(await c.request(`Z0,${hexAddr(worker)},${arch.name === 'amd64' ? 1 : 4}`)).toBe('OK');
    // (thread 2 is the runtime's M1, made while runtime.main is locked to m0 during init; thread 3 the raw clone)
    expect(stopFields(await c.request('c'))).toMatchObject({ sig: 'T05', swbreak: '', thread: '3' });
    expect(await c.request('qfThreadInfo')).toBe('m1,2,3');
    expect(text(await c.request('qThreadExtraInfo,3'))).toMatch(/^t3 running/);
    expect(text(await c.request('qThreadExtraInfo,1'))).toMatch(/^M0 P0 runnable/);
    const marker = tdesc.regs.findIndex((r) => r.name === (arch.name === 'amd64' ? 'rbx' : 'r6'));
    expect(await c.request('Hg1')).toBe('OK');
    expect(await c.request(`p${hexAddr(marker)}`)).toBe(le(7, w));
    expect(await c.request('Hg3')).toBe('OK');
    expect(unle(await c.request(`p${hexAddr(pcIdx)}`))).toBe(worker);
    // step thread 3 (Hc) and back
    expect(await c.request('Hc3')).toBe('OK');
    expect(stopFields(await c.request('s'))).toMatchObject({ thread: '3' });
    expect(stopFields(await c.request('bs'))).toMatchObject({ thread: '3', [hexAddr(pcIdx)]: le(worker, w) });
    // step thread 1 while thread 3 runs on (the rest of its quantum comes first)
    const [t1, , t2] = s.session.process.threads.all;
    const before = t1!.insns;
    const before2 = t2!.insns;
    expect(stopFields(await c.request('vCont;s:1;c'))).toMatchObject({ sig: 'T05', thread: '1' });
    expect(t1!.insns).toBe(before + 1);
    expect(t2!.insns).toBeGreaterThan(before2);
  });

  it('reverse-steps and reverse-continues to the previous breakpoint hit, and says where history begins', async () => {
    const s = await stub(arch, fixture('pingpong'));
    const c = await client(s);
    const gogo = s.session.symbol('runtime.gogo');
    expect(await c.request(`Z0,${hexAddr(gogo)},1`)).toBe('OK');
    const hits: number[] = [];
    const regs: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect(stopFields(await c.request('vCont;c'))).toMatchObject({ swbreak: '' });
      hits.push(s.session.insns);
      regs.push(await c.request('g'));
    }
    const back = stopFields(await c.request('bc'));
    expect(back).toMatchObject({ sig: 'T05', swbreak: '', [hexAddr(pcIdx)]: le(gogo, w) });
    expect(s.session.insns).toBe(hits[1]);
    expect(await c.request('g')).toBe(regs[1]);
    // step the thread that hit it (the second gogo runs on the runtime's M1, thread 2, while main is locked to m0 in init)
    expect(stopFields(await c.request(`vCont;s:${back.thread}`))).toMatchObject({ sig: 'T05' });
    expect(stopFields(await c.request('bs'))).toMatchObject({ [hexAddr(pcIdx)]: le(gogo, w) });
    expect(await c.request('g')).toBe(regs[1]);
    expect(stopFields(await c.request('bc'))).toMatchObject({ [hexAddr(pcIdx)]: le(gogo, w) });
    expect(s.session.insns).toBe(hits[0]);
    expect(stopFields(await c.request('bc'))).toMatchObject({ sig: 'T05', replaylog: 'begin' });
    expect(s.session.insns).toBe(0);
    expect(stopFields(await c.request('bs'))).toMatchObject({ replaylog: 'begin' });
    // forward again: the same hits
    expect(stopFields(await c.request('c'))).toMatchObject({ swbreak: '' });
    expect(s.session.insns).toBe(hits[0]);
    expect(await c.request('g')).toBe(regs[0]);
  });

  it('monitor commands: switch stops, goroutines, threads, sched, validate', async () => {
    const s = await stub(arch, fixture('pingpong'));
    const c = await client(s);
    const mon = async (cmd: string) => {
      c.console.length = 0;
      const r = await c.request(`qRcmd,${toHex(Buffer.from(cmd))}`);
      return { r, out: c.console.join('') };
    };
    expect((await mon('validate')).out).toBe('no switch has completed yet\n');
    expect((await mon('break-switch list')).out).toBe('no switch stops\n');
    expect((await mon('break-switch mcall goid 5')).out).toBe('continue now stops at mcall of goroutine 5\n');
    expect((await mon('break-switch goid=1')).out).toBe('continue now stops at every switch of goroutine 1\n');
    expect((await mon('break-switch list')).out).toBe('1: mcall of goroutine 5\n2: every switch of goroutine 1\n');
    expect((await mon('break-switch asyncPreempt')).r).toMatch(/^E\.break-switch asyncPreempt: this runtime does not preempt/);
    expect((await mon('break-switch frob')).r).toMatch(/^E\.break-switch: unknown switch kind frob/);
    expect((await mon('break-switch goid')).r).toMatch(/^E\.break-switch: goid wants a number/);
    // the first switch of goroutine 1: gogo into it
    c.console.length = 0;
    expect(stopFields(await c.request('c'))).toMatchObject({ sig: 'T00', thread: '1' });
    expect(c.console.join('')).toBe('gogo-emu: stopped at runtime.gogo (gogo g0 -> g1)\n');
    expect((await mon('break-switch clear')).out).toBe('switch stops cleared\n');
    expect((await mon('break-switch mcall goid 5')).r).toBe('OK');
    c.console.length = 0;
    expect(stopFields(await c.request('c'))).toMatchObject({ sig: 'T00' });
    // the program's output on the way, then the note
    expect(c.console.join('')).toBe('ping sends 0\n  pong got 0\ngogo-emu: stopped at runtime.mcall (mcall from g5)\n');
    const g = (await mon('goroutines')).out;
    expect(g).toMatch(/^  goid  status/);
    expect(g).toMatch(/^\s+5\s+running\s+M0\s+1\s+runtime\.mcall\+0 /m);
    expect(g).toMatch(/^\s+1\s+runnable\s+-\s+-\s+main\.main\+\d+ .*pingpong\.go:\d+/m);
    expect((await mon('threads')).out).toMatch(/^\*  1  M0 P0 running g5 runtime\.mcall$/m);
    expect((await mon('sched')).out).toMatch(/^SCHED \d+ms: gomaxprocs=1 idleprocs=0 threads=2[\s\S]*^  G5: status=2\(.*\) m=0 /m);
    expect((await mon('validate')).out).toMatch(/^last switch: #\d+  gogo  thread 1  M0  P0  g0 -> g5[\s\S]*all invariants hold\n$/);
    expect((await mon('insns')).out).toBe(`instruction ${s.session.insns} (reverse execution reaches back to instruction 0)\n`);
  });

  it('reports a fault (SIGSEGV) and a used-up budget (SIGXCPU) with what happened on gdb\'s console', async () => {
    const f = await stub(arch, faulting(arch));
    const c = await client(f);
    expect(stopFields(await c.request('c'))).toMatchObject({ sig: 'T0b', thread: '1' });
    expect(c.console.join('')).toMatch(/^gogo-emu: .*(read unmapped|unmapped).*\n$/);
    // the fault is where the run ended: continuing says so again
    expect(stopFields(await c.request('c'))).toMatchObject({ sig: 'T0b' });
    const b = await stub(arch, fixture('pingpong'), { maxInsns: 500 });
    const d = await client(b);
    expect(stopFields(await d.request('c'))).toMatchObject({ sig: 'T18' });
    expect(d.console.join('')).toMatch(/instruction budget of 500 exhausted/);
  });

  it('NAKs a bad checksum, drops oversized and garbled packets, resends on a NAK, and keeps serving', async () => {
    const s = await stub(arch, fixture('pingpong'));
    const c = await client(s);
    c.raw('$qC#00');
    expect(await c.next()).toEqual({ kind: '-' });
    expect(await c.request('qC')).toBe('QC1');
    c.raw(`$${'X'.repeat(100_000)}#00`);
    expect(await c.next()).toEqual({ kind: '+' });
    expect(await c.reply()).toBe('E01');
    expect(s.logs.some((l) => /dropped a packet of 100000 bytes/.test(l))).toBe(true);
    // noise between packets, a packet cut short by a new one, a packet in one-byte pieces
    c.raw('hello world\r\n');
    c.raw('$qC');
    expect(await c.request('qC')).toBe('QC1');
    for (const ch of '$qfThreadInfo#bb') c.raw(ch);
    expect(await c.next()).toEqual({ kind: '+' });
    expect(await c.reply()).toBe('m1');
    // a NAK from the client: the last reply again
    c.raw('-');
    expect(await c.reply()).toBe('m1');
    // escapes and a checksum in capitals
    c.raw('$qC#B4');
    expect(await c.next()).toEqual({ kind: '+' });
    expect(await c.reply()).toBe('QC1');
    expect(await c.request('?')).toMatch(/^T05/);
  });

  it('^C stops a running program; a client that leaves mid-run pauses it for the next one; k ends the server', async () => {
    const s = await stub(arch, LOOP, { maxInsns: 2_000_000_000 });
    const c = await client(s);
    c.raw(Buffer.from(`${'$vCont;c#a8'}`));
    expect(await c.next()).toEqual({ kind: '+' });
    await new Promise((r) => setTimeout(r, 300));
    c.raw('\x03');
    expect(stopFields(await c.reply())).toMatchObject({ sig: 'T02', thread: '1' });
    const paused = s.session.insns;
    expect(paused).toBeGreaterThan(0);
    c.raw('$c#63');
    expect(await c.next()).toEqual({ kind: '+' });
    await new Promise((r) => setTimeout(r, 300));
    c.close();
    for (let i = 0; i < 100 && !s.logs.some((l) => /paused it/.test(l)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(s.logs.some((l) => /went away while the program ran: paused it/.test(l))).toBe(true);
    const d = await client(s);
    expect(await d.request('qSupported')).toContain('PacketSize');
    for (let i = 0; i < 100 && s.session.isRunning; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.session.isRunning).toBe(false);
    expect(s.session.insns).toBeGreaterThan(paused);
    expect(await d.request('?')).toMatch(/^T02/);
    d.raw('$k#6b');
    expect(await s.server.done).toBe('killed');
  });

  it('serves one client at a time: a second one is told so; D detaches and the next one attaches', async () => {
    const s = await stub(arch, fixture('pingpong'));
    const c = await client(s);
    expect(await c.request('qC')).toBe('QC1');
    const second = await client(s);
    expect(await second.request('qSupported')).toMatch(/^E\.gogo-emu: another debugger is attached/);
    await second.next().catch(() => undefined);
    expect(second.closed).toBe(true);
    expect(await c.request('qC')).toBe('QC1');
    expect(await c.request('D')).toBe('OK');
    await c.next().catch(() => undefined);
    expect(c.closed).toBe(true);
    const third = await client(s);
    expect(await third.request('?')).toMatch(/^T05/);
    expect(await third.request('vKill;a410')).toBe('OK');
    expect(await s.server.done).toBe('killed');
  });
});
