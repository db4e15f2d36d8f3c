// The cycle model's cost table (DESIGN.md, "Threads (Ms), CPUs and time"):
// computed once when a machine's threads start, from the linked image and the
// arch's cost table, so that the block hook charges a block without running
// JavaScript (src/engine/blockcount.ts has the table's format).
//
// Every instruction of the image gets its modeled cost (costOf, as the
// JavaScript path charges it) and the table marks each instruction's start and
// end with the cumulative cost and count of the instructions before it, in
// address order over the whole image (one table of starts, one of ends).
// Instructions are the ones the linker decoded for its line map (no Capstone
// when the image came from the cache); data lines (literal pools, .quad
// tables, and `.byte` lines that are code in disguise) have no instruction
// start or end inside or at their end, so a block that runs data takes the
// JavaScript path; bytes of a block that no line covers are decoded as the
// JavaScript path would decode them. A block Unicorn translates from an
// instruction's start to an instruction's end of this decoding is charged the
// same by table and JavaScript; any other block (one that runs data, code
// written at run time: see Threads.codeChanged) takes the JavaScript path.
import type { Arch } from '../arch/index.ts';
import { costOf } from '../arch/costs.ts';
import { disassemble } from '../engine/asm.ts';
import type { Image } from '../link/linker.ts';
import type { Machine } from './machine.ts';

/** Fill `starts` and `ends` (BlockCounter's tables, for offsets from `base`) for every instruction of `image`. */
export function fillCostTable(starts: Uint32Array, ends: Uint32Array, base: number, image: Image, arch: Arch): void {
  let cost = 0;
  let insns = 0;
  const limit = starts.length / 2 - 1;
  const mark = (table: Uint32Array, addr: number) => {
    const k = addr - base;
    if (k < 0 || k > limit) throw new Error(`cost table: address 0x${addr.toString(16)} outside the image`);
    table[2 * k] = cost;
    table[2 * k + 1] = insns;
  };
  const costs = arch.costs;
  const charge = (bytes: Uint8Array, addr: number) => {
    for (const i of disassemble(arch.asm, bytes, addr, arch.insnUnit)) {
      mark(starts, i.address);
      cost += costOf(costs, i.mnemonic);
      insns++;
      mark(ends, i.address + i.size);
    }
  };
  const blocks = [...image.blocks].sort((a, b) => a.addr - b.addr);
  for (const b of blocks) {
    let pos = b.addr;
    const upTo = (stop: number) => {
      if (stop > pos) charge(b.bytes.subarray(pos - b.addr, stop - b.addr), pos);
      pos = Math.max(pos, stop);
    };
    const lines = [...b.lines].sort((x, y) => x.addr - y.addr);
    for (const l of lines) {
      upTo(l.addr);
      if (!l.data) charge(b.bytes.subarray(l.addr - b.addr, l.addr - b.addr + l.size), l.addr);
      pos = Math.max(pos, l.addr + l.size);
    }
    upTo(b.addr + b.bytes.length);
  }
}

/** Whether emulated memory [addr, addr+len) holds what the linked image put there (zero between blocks). */
export function codeMatchesImage(m: Machine, addr: number, len: number): boolean {
  const end = m.image.end;
  const lo = Math.max(addr, m.image.base);
  const hi = Math.min(addr + len, end);
  if (lo >= hi) return true;
  const want = new Uint8Array(hi - lo);
  for (const b of m.image.blocks) {
    const a = Math.max(lo, b.addr);
    const z = Math.min(hi, b.addr + b.bytes.length);
    if (a < z) want.set(b.bytes.subarray(a - b.addr, z - b.addr), a - lo);
  }
  const live = m.mem.read(lo, hi - lo);
  for (let i = 0; i < want.length; i++) if (live[i] !== want[i]) return false;
  return true;
}
