// The struct views of src/go119/index.ts against the go1.19 oracle
// (fixtures/oracle/offsets-<arch>.json) and through real emulated memory.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/arch/index.ts';
import { Arena } from '../../src/engine/arena.ts';
import {
  _GoidCacheBatch,
  _Gdead,
  _Gidle,
  _Gpreempted,
  _Grunnable,
  _Grunning,
  _Gscan,
  _Gscanrunning,
  _Gsyscall,
  _Gwaiting,
  _Pdead,
  _Pgcstop,
  _Pidle,
  _Prunning,
  _Psyscall,
  describeLayout,
  G,
  HChan,
  layoutFor,
  layoutJson,
  M,
  P,
  Schedt,
  Sudog,
  type StructName,
  VIEW_CLASSES,
  waitReasonChanReceive,
  waitReasonPreempted,
  waitReasonString,
  waitReasonStrings,
  waitReasonZero,
} from '../../src/go119/index.ts';

const oracleDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/oracle');

function oracle(arch: string): Record<string, number | string> {
  const file = resolve(oracleDir, `offsets-${arch}.json`);
  if (!existsSync(file)) {
    throw new Error(`oracle file ${file} is missing: record it with tools/oracle/offsets.sh`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | string>;
}

// The offsets the stubs and the scheduler depend on most (g, gobuf, m, p,
// schedt fields). Values are compared with offsets-<arch>.json, the
// compiler's own output (tools/oracle/offsets.sh cross-checks it with DWARF).
const KEY_OFFSETS = `g_stack stack_lo stack_hi g_stackguard0 g_stackguard1 g__panic g__defer g_m g_sched
  g_syscallsp g_syscallpc g_param g_atomicstatus g_goid g_schedlink g_waitsince g_waitreason g_preempt
  g_preemptStop g_lockedm g_gopc g_startpc g_waiting gobuf_sp gobuf_pc gobuf_g gobuf_ctxt gobuf_ret gobuf_lr
  gobuf_bp m_g0 m_morebuf m_procid m_gsignal m_tls m_mstartfn m_curg m_p m_nextp m_oldp m_id m_locks
  m_spinning m_blocked m_park m_alllink m_schedlink m_lockedg p_id p_status p_link p_schedtick p_syscalltick
  p_m p_mcache p_goidcache p_goidcacheend p_runqhead p_runqtail p_runq p_runnext p_gFree schedt_goidgen
  schedt_lastpoll schedt_lock schedt_midle schedt_nmidle schedt_nmidlelocked schedt_mnext schedt_maxmcount
  schedt_pidle schedt_npidle schedt_nmspinning schedt_runq schedt_runqsize schedt_gFree schedt_gcwaiting
  schedt_stopwait schedt_sysmonwait gQueue_head gQueue_tail gList_head funcval_fn g__size m__size p__size
  gobuf__size stack__size schedt__size funcval__size gQueue__size hchan__size sudog__size waitq__size
  const__GoidCacheBatch`.split(/\s+/);

const le = (v: bigint, size: number): number[] => {
  const u = BigInt.asUintN(size * 8, v);
  return Array.from({ length: size }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn));
};

/** a value of a scalar field that fills its whole width, and its raw bits */
function sample(goType: string, size: number): { v: number | boolean; raw: bigint } {
  if (goType === 'bool') return { v: true, raw: 1n };
  const signed = ['int8', 'int32', 'int64', 'int', 'gcMarkWorkerMode'].includes(goType);
  const v =
    size === 1 ? (signed ? -5 : 0xab)
    : size === 2 ? 0xbeef
    : size === 4 ? (signed ? -0x1234567 : 0xdeadbeef)
    : signed ? -(2 ** 40 + 3)
    : 2 ** 52 + 0x12345;
  return { v, raw: BigInt.asUintN(size * 8, BigInt(v)) };
}

describe.each(['amd64', 'arm'] as const)('layout (%s)', (name) => {
  const arch = ARCHES[name];
  const L = layoutFor(arch);
  const want = oracle(name);
  const w = arch.ptrSize;
  const mem = new Arena(0x400000, 1 << 20, w);
  afterAll(() => mem.free());
  beforeEach(() => mem.fill(mem.base, mem.size));
  const at = (o: number): number => mem.base + o;
  const raw = (addr: number, size: number): number[] => Array.from(mem.read(addr, size));
  const off = (k: string): number => want[k] as number;

  describe('offsets', () => {
    it('layoutJson agrees with the oracle for every key it lists', () => {
      const j = layoutJson(arch);
      const bad = Object.entries(j).filter(([k, v]) => want[k] !== v).map(([k, v]) => `${k}: ${String(v)} vs oracle ${String(want[k])}`);
      expect(bad).toEqual([]);
      expect(Object.keys(j).length).toBeGreaterThan(300);
    });

    it('layoutJson lists every key offset the stubs and scheduler depend on', () => {
      const j = layoutJson(arch);
      expect(KEY_OFFSETS.length).toBe(95);
      expect(KEY_OFFSETS.filter((k) => !(k in j))).toEqual([]);
    });

    it('L.off and L.sizes are the go_asm.h values', () => {
      expect(L.off.g.sched).toBe(off('g_sched'));
      expect(L.off.gobuf.bp).toBe(off('gobuf_bp'));
      expect(L.off.m.tls).toBe(off('m_tls'));
      expect(L.off.p.runnext).toBe(off('p_runnext'));
      expect(L.off.schedt.runq).toBe(off('schedt_runq'));
      expect(L.off.hchan.recvq).toBe(off('hchan_recvq'));
      expect(L.off.sudog.elem).toBe(off('sudog_elem'));
      for (const s of ['g', 'm', 'p', 'schedt', 'gobuf', 'hchan', 'sudog', 'waitq', 'stack', '_defer', 'note', 'mutex'] as const) {
        expect(L.sizes[s], s).toBe(off(`${s}__size`));
      }
    });

    it('the anonymous nested structs sit where Go lays them out', () => {
      // p.gFree = struct{ gList; n int32 }; schedt.gFree = struct{ lock mutex; stack, noStack gList; n int32 };
      // schedt.disable = struct{ user bool; runnable gQueue; n int32 }
      expect(L.off['p.gFree']).toEqual({ gList: 0, n: w });
      expect(L.sizes['p.gFree']).toBe(2 * w);
      expect(L.off['schedt.gFree']).toEqual({ lock: 0, stack: w, noStack: 2 * w, n: 3 * w });
      expect(L.off['schedt.disable']).toEqual({ user: 0, runnable: w, n: 3 * w });
      // each fills the gap go_asm.h leaves before the next field
      expect(off('p_gFree') + L.sizes['p.gFree']).toBe(off('p_sudogcache'));
      expect(off('schedt_gFree') + L.sizes['schedt.gFree']).toBe(off('schedt_sudoglock'));
      expect(off('schedt_disable') + L.sizes['schedt.disable']).toBe(off('schedt_gFree'));
    });

    it('describeLayout: fields in offset order, inside the struct, not overlapping', () => {
      const d = describeLayout(arch);
      expect(d.map((s) => s.struct)).toEqual(expect.arrayContaining(['g', 'gobuf', 'm', 'p', 'schedt', 'hchan', 'sudog', 'p.gFree']));
      for (const s of d) {
        let end = 0;
        for (const f of s.fields) {
          expect(f.offset, `${s.struct}.${f.name}`).toBeGreaterThanOrEqual(end);
          end = f.offset + f.size;
          if (f.asm !== undefined) expect(f.offset, f.asm).toBe(want[f.asm]);
        }
        expect(end, s.struct).toBeLessThanOrEqual(s.size);
        if (s.asm !== undefined) expect(s.size).toBe(want[s.asm]);
      }
      const g = d.find((s) => s.struct === 'g')!;
      expect(g.fields.find((f) => f.name === 'goid')).toMatchObject({ offset: off('g_goid'), size: 8, goType: 'int64', asm: 'g_goid' });
      expect(g.fields.find((f) => f.name === 'sched')).toMatchObject({ size: off('gobuf__size') });
      const p = d.find((s) => s.struct === 'p')!;
      expect(p.fields.find((f) => f.name === 'runq')).toMatchObject({ offset: off('p_runq'), size: 256 * w });
      expect(L.fields('m').find((f) => f.name === 'tls')).toMatchObject({ size: off('const_tlsSize'), len: off('const_tlsSlots') });
    });

    it('constants', () => {
      expect(L.consts.stackPreempt).toBe(name === 'amd64' ? 0xfffffffffffffaden : 0xfffffaden);
      expect(L.consts.stackPreempt).toBe(BigInt(want.const_stackPreempt!));
      expect(L.consts.stackFork).toBe(BigInt(want.const_stackFork!));
      expect(L.consts._StackMin).toBe(2048);
      expect(L.consts._StackGuard).toBe(off('const__StackGuard'));
      expect(L.consts._FixedStack).toBe(off('const__FixedStack'));
      expect(L.consts.tlsSlots).toBe(6);
      expect(L.consts.tlsSize).toBe(6 * w);
      expect(_GoidCacheBatch).toBe(16);
      expect([_Gidle, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Gdead, _Gpreempted, _Gscan, _Gscanrunning]).toEqual(
        ['_Gidle', '_Grunnable', '_Grunning', '_Gsyscall', '_Gwaiting', '_Gdead', '_Gpreempted', '_Gscan', '_Gscanrunning'].map((n) => want[`const_${n}`]),
      );
      expect([_Pidle, _Prunning, _Psyscall, _Pgcstop, _Pdead]).toEqual([0, 1, 2, 3, 4]);
    });

    it('wait reasons', () => {
      expect(waitReasonZero).toBe(0);
      expect(waitReasonChanReceive).toBe(want.const_waitReasonChanReceive);
      expect(waitReasonString(waitReasonChanReceive)).toBe('chan receive');
      expect(waitReasonString(waitReasonPreempted)).toBe('preempted');
      expect(waitReasonString(waitReasonZero)).toBe('');
      expect(waitReasonString(200)).toBe('unknown wait reason');
      expect(waitReasonStrings.length).toBe(Object.keys(want).filter((k) => k.startsWith('const_waitReason')).length);
      // the strings schedtrace printed in the oracle runs
      for (const s of ['chan receive', 'semacquire', 'force gc (idle)', 'GC sweep wait', 'GC scavenge wait']) {
        expect(waitReasonStrings).toContain(s);
      }
    });
  });

  describe('views over emulated memory', () => {
    it('every scalar field: view write -> raw bytes at its offset, raw bytes -> view read', () => {
      let scalars = 0;
      for (const s of L.structs()) {
        const View = VIEW_CLASSES[s.struct as StructName];
        const base = at(0x1000 + (w === 4 ? 4 : 0)); // on arm, a 4- but not 8-aligned struct
        for (const f of s.fields) {
          const desc = Object.getOwnPropertyDescriptor(View.prototype, f.name);
          if (!desc?.set) continue;
          scalars++;
          const label = `${s.struct}.${f.name}`;
          const o = f.asm !== undefined ? off(f.asm) : f.offset;
          const { v, raw: bits } = sample(f.goType, f.size);
          mem.fill(base, s.size);
          const view = new View(L, mem, base) as unknown as Record<string, unknown>;
          view[f.name] = v;
          const expected = new Array<number>(s.size).fill(0);
          expected.splice(o, f.size, ...le(bits, f.size));
          expect(raw(base, s.size), label).toEqual(expected); // right offset, right width, nothing else touched
          mem.fill(base, s.size);
          mem.write(base + o, Uint8Array.from(le(bits, f.size)));
          expect(view[f.name], label).toBe(v);
        }
      }
      expect(scalars).toBeGreaterThan(200);
    });

    it('nested views sit at their field offsets', () => {
      const gp = new G(L, mem, at(0x100));
      gp.sched.sp = 0x401230;
      gp.sched.pc = 0x401234;
      gp.sched.lr = 0x401238;
      gp.stack.hi = 0x480000;
      expect(mem.ptr(gp.addr + off('g_sched') + off('gobuf_sp'))).toBe(0x401230);
      expect(mem.ptr(gp.addr + off('g_sched') + off('gobuf_pc'))).toBe(0x401234);
      expect(mem.ptr(gp.addr + off('g_sched') + off('gobuf_lr'))).toBe(0x401238);
      expect(mem.ptr(gp.addr + off('g_stack') + off('stack_hi'))).toBe(0x480000);
      expect(gp.sched.addr).toBe(gp.addr + off('g_sched'));
      expect(gp.sched.size).toBe(off('gobuf__size'));

      const mp = new M(L, mem, at(0x2000));
      mp.morebuf.g = gp.addr;
      expect(mem.ptr(mp.addr + off('m_morebuf') + off('gobuf_g'))).toBe(gp.addr);
      mp.park.key = 1;
      expect(mem.ptr(mp.addr + off('m_park') + off('note_key'))).toBe(1);

      const c = new HChan(L, mem, at(0x3000));
      c.recvq.first = 0x400500;
      c.sendq.last = 0x400600;
      expect(mem.ptr(c.addr + off('hchan_recvq') + off('waitq_first'))).toBe(0x400500);
      expect(mem.ptr(c.addr + off('hchan_sendq') + off('waitq_last'))).toBe(0x400600);

      const s = new Schedt(L, mem, at(0x4000));
      s.runq.head = 0x400700;
      s.runq.tail = 0x400800;
      s.gFree.noStack.head = 0x400900;
      s.gFree.n = 7;
      s.disable.n = 3;
      expect(mem.ptr(s.addr + off('schedt_runq') + off('gQueue_tail'))).toBe(0x400800);
      expect(mem.ptr(s.addr + off('schedt_gFree') + off('mutex__size') + off('gList__size'))).toBe(0x400900);
      expect(mem.i32(s.addr + off('schedt_gFree') + off('mutex__size') + 2 * off('gList__size'))).toBe(7);
      expect(mem.i32(s.addr + off('schedt_disable') + w + off('gQueue__size'))).toBe(3);

      const pp = new P(L, mem, at(0x10000));
      pp.gFree.head = 0x400a00;
      pp.gFree.n = 2;
      expect(mem.ptr(pp.addr + off('p_gFree'))).toBe(0x400a00);
      expect(pp.gFree.gList.head).toBe(0x400a00);
      expect(mem.i32(pp.addr + off('p_gFree') + off('gList__size'))).toBe(2);
    });

    it('goid and other int64s as two u32 halves (arm: only 4-byte aligned)', () => {
      const addr = at(0x204); // 4 mod 8
      const gp = new G(L, mem, addr);
      expect((addr + off('g_goid')) % 8).toBe(4);
      gp.goid = 2 ** 40 + 7;
      expect(mem.u32(addr + off('g_goid'))).toBe(7);
      expect(mem.u32(addr + off('g_goid') + 4)).toBe(256);
      expect(gp.goid).toBe(2 ** 40 + 7);
      // on arm waitsince (int64 at 92) is 4 mod 8 in an 8-aligned g
      const gp8 = new G(L, mem, at(0x400));
      if (name === 'arm') expect((gp8.addr + off('g_waitsince')) % 8).toBe(4);
      gp8.waitsince = -1;
      expect(mem.u64(gp8.addr + off('g_waitsince'))).toBe(0xffffffffffffffffn);
      expect(gp8.waitsince).toBe(-1);
      gp8.waitsince = 123_456_789_012;
      expect(mem.u64(gp8.addr + off('g_waitsince'))).toBe(123_456_789_012n);
      gp.goid = Number.MAX_SAFE_INTEGER;
      expect(gp.goid).toBe(Number.MAX_SAFE_INTEGER);
      expect(() => (gp.goid = 2 ** 53)).toThrow(TypeError);
      mem.setU64(addr + off('g_goid'), 1n << 60n);
      expect(() => gp.goid).toThrow(RangeError);
      const mp = new M(L, mem, at(0x2004));
      mp.id = 3;
      expect(mem.u64(mp.addr + off('m_id'))).toBe(3n);
      const s = new Schedt(L, mem, at(0x4000));
      s.goidgen = 2 ** 33;
      expect(mem.u64(s.addr + off('schedt_goidgen'))).toBe(1n << 33n);
    });

    it('p.runq(i) / setRunq', () => {
      const pp = new P(L, mem, at(0x10000));
      expect(pp.runqLen).toBe(256);
      expect((off('p_runnext') - off('p_runq')) / w).toBe(256);
      pp.setRunq(0, 0x400100);
      pp.setRunq(255, 0x400200);
      expect(mem.ptr(pp.addr + off('p_runq'))).toBe(0x400100);
      expect(mem.ptr(pp.addr + off('p_runq') + 255 * w)).toBe(0x400200);
      expect(mem.ptr(pp.addr + off('p_runnext'))).toBe(0); // runq[255] ends right before runnext
      mem.setPtr(pp.addr + off('p_runq') + 17 * w, 0x400300);
      expect(pp.runq(17)).toBe(0x400300);
      expect(() => pp.runq(256)).toThrow(RangeError);
      expect(() => pp.setRunq(-1, 0)).toThrow(RangeError);
      pp.runqhead = 0xffffffff;
      pp.runqtail = 5;
      expect(mem.u32(pp.addr + off('p_runqhead'))).toBe(0xffffffff);
      expect(pp.runqtail).toBe(5);
    });

    it('m.tls', () => {
      const mp = new M(L, mem, at(0x2000));
      expect(mp.tlsAddr).toBe(mp.addr + off('m_tls'));
      mp.setTls(0, 0x400100);
      mp.setTls(5, 0x400200);
      expect(mem.ptr(mp.addr + off('m_tls'))).toBe(0x400100);
      expect(mem.ptr(mp.addr + off('m_tls') + 5 * w)).toBe(0x400200);
      expect(mp.tls(5)).toBe(0x400200);
      expect(() => mp.tls(6)).toThrow(RangeError);
    });

    it('m.preemptoff as a string header', () => {
      const mp = new M(L, mem, at(0x2000));
      const text = new TextEncoder().encode('gcing');
      mem.write(at(0x8000), text);
      mp.preemptoff.str = at(0x8000);
      mp.preemptoff.len = text.length;
      expect(mem.ptr(mp.addr + off('m_preemptoff') + off('stringStruct_str'))).toBe(at(0x8000));
      expect(mem.ptr(mp.addr + off('m_preemptoff') + off('stringStruct_len'))).toBe(5);
      expect(mp.preemptoff.value()).toBe('gcing');
      mp.preemptoff.len = 0;
      expect(mp.preemptoff.value()).toBe('');
    });

    it('stackguard0 = stackPreempt round trip (bigint)', () => {
      const gp = new G(L, mem, at(0x100));
      gp.stackguard0Word = L.consts.stackPreempt;
      expect(mem.word(gp.addr + off('g_stackguard0'))).toBe(name === 'amd64' ? 0xfffffffffffffaden : 0xfffffaden);
      expect(gp.stackguard0Word).toBe(L.consts.stackPreempt);
      // the number getter stays above every address, exact on arm
      expect(gp.stackguard0).toBeGreaterThan(mem.end);
      if (name === 'arm') expect(gp.stackguard0).toBe(0xfffffade);
      mem.setWord(gp.addr + off('g_stackguard1'), BigInt.asUintN(w * 8, -1n));
      expect(gp.stackguard1Word).toBe(BigInt.asUintN(w * 8, -1n));
      gp.stackguard0 = at(0x928);
      expect(gp.stackguard0Word).toBe(BigInt(at(0x928)));
      // a number cannot carry the amd64 sentinel exactly, so the setter refuses it
      if (name === 'amd64') expect(() => (gp.stackguard0 = Number(L.consts.stackPreempt))).toThrow(TypeError);
    });

    it('status, bools, u8 and range checks', () => {
      const gp = new G(L, mem, at(0x100));
      gp.status = _Grunning;
      expect(mem.u32(gp.addr + off('g_atomicstatus'))).toBe(2);
      expect(gp.atomicstatus).toBe(_Grunning);
      gp.preempt = true;
      gp.preemptStop = false;
      gp.waitreason = waitReasonChanReceive;
      expect(mem.u8(gp.addr + off('g_preempt'))).toBe(1);
      expect(mem.u8(gp.addr + off('g_waitreason'))).toBe(waitReasonChanReceive);
      mem.setU8(gp.addr + off('g_preemptStop'), 2);
      expect(gp.preemptStop).toBe(true);
      expect(() => (gp.atomicstatus = 2 ** 32)).toThrow(RangeError);
      expect(() => (gp.waitreason = 256)).toThrow(RangeError);
      expect(() => (gp.m = -1)).toThrow(RangeError);
      expect(() => ((gp as unknown as { preempt: number }).preempt = 1)).toThrow(TypeError);
      const sg = new Sudog(L, mem, at(0x500));
      sg.isSelect = true;
      sg.success = true;
      expect(mem.u8(sg.addr + off('sudog_isSelect'))).toBe(1);
      expect(mem.u8(sg.addr + off('sudog_success'))).toBe(1);
    });

    it('zero(), addrOf() and snapshot()', () => {
      const gp = new G(L, mem, at(0x100));
      mem.fill(gp.addr, gp.size, 0xff);
      gp.zero();
      expect(raw(gp.addr, off('g__size')).every((b) => b === 0)).toBe(true);
      expect(gp.addrOf('goid')).toBe(gp.addr + off('g_goid'));
      gp.goid = 5;
      mem.setU64(gp.addr + off('g_traceseq'), 1n << 62n);
      const snap = gp.snapshot();
      expect(snap.goid).toBe(5);
      expect(snap.traceseq).toBe(1n << 62n);
      expect('sched' in snap).toBe(false);
    });

    it('a view refuses an arena of the other word size', () => {
      const other = name === 'amd64' ? ARCHES.arm : ARCHES.amd64;
      expect(() => new G(layoutFor(other), mem, at(0x100))).toThrow(/word size/);
    });
  });
});
