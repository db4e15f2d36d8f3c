// sema.go's semaRoot in emulated memory: sudogs queued on addresses that hash
// to one root form a treap (ordered by address, heap-ordered by ticket) whose
// nodes head per-address lists; dequeue takes the first waiter of an address
// (FIFO, or LIFO for lifo queueing) and keeps the treap valid.
import { describe, expect, it } from 'vitest';
import { Sudog, type SemaRoot } from '../../src/go119/index.ts';
import { parseAsm } from '../../src/link/source.ts';
import { SEM_TAB_SIZE } from '../../src/runtime/globals.ts';
import { mfastrandinit } from '../../src/runtime/rand.ts';
import { dequeue, queue, rootFor } from '../../src/runtime/sema.ts';
import { Process } from '../../src/session/process.ts';
import { archCases } from '../helpers.ts';

const emptyMain = (arch: string) => (arch === 'amd64' ? 'TEXT main.init\n    ret\nTEXT main.main\n    ret\n' : 'TEXT main.init\n    bx lr\nTEXT main.main\n    bx lr\n');

describe.each(archCases)('semaRoot treap on %s', (name, arch) => {
  it('keeps colliding addresses in one treap, each with its own FIFO or LIFO list', async () => {
    const p = await Process.create({ arch, program: { blocks: parseAsm(emptyMain(name), 'main.s'), globals: [] } });
    try {
      const { rt } = p;
      // queue() records getg() as the waiter: give the thread a g (TLS slot and g register)
      const g = rt.heap.alloc(rt.L.sizes.g);
      rt.g(g).m = rt.m0.addr; // fastrand (the treap's tickets) is the M's
      const slot = rt.heap.alloc(8);
      rt.mem.setPtr(slot, g);
      arch.setTLS(p.machine.engine, slot);
      p.machine.engine.setReg(arch.gReg, g);
      // queue() draws tickets from the current M's fastrand: be on m0's thread, m0 seeded
      p.threads.current = p.threads.all[0];
      mfastrandinit(rt, rt.m0.addr, 0);

      const base = rt.heap.alloc(16 * 8 * SEM_TAB_SIZE);
      const addrs = [0, 3, 1, 5, 2, 4].map((k) => base + k * 8 * SEM_TAB_SIZE); // all hash to one root
      const root = rootFor(rt, addrs[0]!);
      for (const a of addrs) expect(rootFor(rt, a).addr).toBe(root.addr);
      const sudogs = new Map<number, number[]>();
      const enqueue = (a: number, lifo = false) => {
        const s = new Sudog(rt.L, rt.mem, rt.heap.alloc(rt.L.sizes.sudog));
        queue(rt, root, a, s, lifo);
        const l = sudogs.get(a) ?? [];
        sudogs.set(a, lifo ? [s.addr, ...l] : [...l, s.addr]);
        expect(s.g).toBe(g);
        checkTreap(rt, root);
      };
      for (let round = 0; round < 3; round++) for (const a of addrs) enqueue(a, a === addrs[5] && round > 0);

      // take the waiters of each address in turn; every dequeue keeps the treap valid
      for (const a of [addrs[2]!, addrs[0]!, addrs[5]!, addrs[3]!, addrs[1]!, addrs[4]!]) {
        const got: number[] = [];
        for (let s = dequeue(rt, root, a); s; s = dequeue(rt, root, a)) {
          got.push(s.addr);
          expect([s.elem, s.next, s.prev, s.parent, s.waitlink, s.ticket]).toEqual([0, 0, 0, 0, 0, 0]);
          checkTreap(rt, root);
        }
        expect(got).toEqual(sudogs.get(a));
      }
      expect(root.treap).toBe(0);
      expect(dequeue(rt, root, addrs[0]!)).toBeUndefined();
    } finally {
      p.close();
    }
  });
});

/** The treap under root is a binary search tree on elem, a min-heap on ticket, with consistent parent links. */
function checkTreap(rt: Process['rt'], root: SemaRoot): void {
  const visit = (a: number, parent: number, lo: number, hi: number): void => {
    if (a === 0) return;
    const s = new Sudog(rt.L, rt.mem, a);
    expect(s.parent).toBe(parent);
    expect(s.elem > lo && s.elem < hi).toBe(true);
    if (parent !== 0) expect(new Sudog(rt.L, rt.mem, parent).ticket <= s.ticket).toBe(true);
    expect(s.ticket & 1).toBe(1);
    visit(s.prev, a, lo, s.elem);
    visit(s.next, a, s.elem, hi);
  };
  visit(root.treap, 0, -Infinity, Infinity);
}
