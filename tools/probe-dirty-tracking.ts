// `npx tsx tools/probe-dirty-tracking.ts`: which dirty-page mechanisms work on
// this machine for both writers of the arena (Unicorn's JIT through the
// uc_mem_map_ptr pointer, TypeScript through the DataView), and what their
// building blocks cost. The measurements behind the choice in
// src/engine/dirty.ts; tools/bench-snapshot.ts measures whole snapshots.
import fs from 'node:fs';
import { ARCHES } from '../src/arch/index.ts';
import { Arena } from '../src/engine/arena.ts';
import { assemble, initAsm } from '../src/engine/asm.ts';
import { UffdTracker } from '../src/engine/dirty.ts';
import { Engine, EXIT_SENTINEL } from '../src/engine/engine.ts';
import { mincore } from '../src/engine/linux.ts';
import { koffi } from '../src/engine/unicorn.ts';

const PAGE = 0x1000;
const BASE = 0x400000;
const SIZE = 0x64000000 - BASE; // the machine's arena: 1.6 GiB
const arch = ARCHES.amd64;

function median(label: string, f: () => void, reps = 7): number {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    f();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ts.sort((a, b) => a - b);
  const m = ts[reps >> 1]!;
  console.log(`  ${label}: ${m.toFixed(3)} ms (median of ${reps})`);
  return m;
}

await initAsm();
const e = new Engine(arch);
const mem = e.mapArena(BASE, SIZE, undefined, { dirtyTracking: 'shadow' });
const code = assemble(
  arch.asm,
  `
again:
  mov qword ptr [rdi], rsi
  add rdi, rdx
  dec rcx
  jnz again
  mov r11, ${EXIT_SENTINEL}
  jmp r11`,
  BASE,
);
mem.write(BASE, code);
const emuWrite = (addr: number, count: number, stride = PAGE) => {
  e.setRegs({ rdi: addr, rsi: 7, rdx: stride, rcx: count });
  e.run(BASE);
};
const host = koffi.address(mem.hostPtr);
const hostPage = (addr: number) => Number(host / BigInt(PAGE)) + (addr - BASE) / PAGE;

// ---- (a) soft-dirty -----------------------------------------------------------
console.log('(a) soft-dirty bits (clear_refs 4, pagemap bit 55)');
try {
  const cfg = fs.existsSync('/proc/config.gz') ? (await import('node:zlib')).gunzipSync(fs.readFileSync('/proc/config.gz')).toString() : '';
  const line = cfg.split('\n').find((l) => l.includes('CONFIG_MEM_SOFT_DIRTY'));
  console.log(`  kernel config: ${line ?? '(no /proc/config.gz)'}`);
  emuWrite(BASE + 0x100000, 2);
  fs.writeFileSync('/proc/self/clear_refs', '4');
  emuWrite(BASE + 0x100000, 1); // Unicorn writes page 0
  mem.setU32(BASE + 0x101000, 1); // TS writes page 1
  const fd = fs.openSync('/proc/self/pagemap', 'r');
  const b = Buffer.alloc(8 * 3);
  fs.readSync(fd, b, 0, b.length, hostPage(BASE + 0x100000) * 8);
  fs.closeSync(fd);
  const bits = [0, 1, 2].map((i) => (b.readBigUInt64LE(i * 8) >> 55n) & 1n);
  console.log(`  soft-dirty after clear_refs: Unicorn-written page ${bits[0]}, TS-written page ${bits[1]}, untouched page ${bits[2]}`);
  console.log(bits[0] === 1n && bits[1] === 1n && bits[2] === 0n ? '  => works' : '  => does not work here');
} catch (err) {
  console.log(`  => unavailable: ${(err as Error).message}`);
}

// ---- userfaultfd async write-protect + PAGEMAP_SCAN -------------------------------
console.log('(d) userfaultfd WP_ASYNC + PAGEMAP_SCAN (per registered range)');
{
  const a = e.mapArena(0x70000000, SIZE, undefined, { dirtyTracking: 'uffd-wp' });
  a.write(0x70000000, assemble(arch.asm, `mov qword ptr [rdi], rsi\n mov r11, ${EXIT_SENTINEL}\n jmp r11`, 0x70000000));
  try {
    const t = new UffdTracker({ hostAddress: koffi.address(a.hostPtr), size: a.size, bytes: a.bytes });
    median('first write-protect of the whole 1.6 GiB range (installs markers)', () => t.start(), 1);
    e.setRegs({ rdi: 0x70000000 + 5 * PAGE, rsi: 1 });
    e.run(0x70000000); // Unicorn writes page 5
    a.setU32(0x70000000 + 9 * PAGE, 1); // TS writes page 9
    void a.u32(0x70000000 + 20 * PAGE); // a read of page 20
    console.log(`  written pages seen: ${[...t.take()].join(', ')} (expected 5, 9)`);
    median('scan of the 1.6 GiB range, nothing written', () => t.take());
    median('10k emulated page writes (one fault each) + scan + re-protect', () => {
      e.setRegs({ rdi: 0x70000000 + 0x100000, rsi: 1, rdx: PAGE, rcx: 10_000 });
      e.run(BASE);
      if (t.take().length !== 10_000) throw new Error('missed pages');
    });
    t.close();
    const pt = fs.readFileSync('/proc/self/status', 'utf8').match(/VmPTE:\s*(\d+ kB)/)?.[1];
    console.log(`  page tables of the process now: ${pt}`);
  } catch (err) {
    console.log(`  => unavailable: ${(err as Error).message}`);
  }
}

// ---- (b) shadow comparison ------------------------------------------------------------
console.log('(b) comparison against a shadow copy');
{
  emuWrite(BASE + 0x4000000, 10_000);
  const vec = new Uint8Array(SIZE / PAGE);
  median('mincore of the 1.6 GiB arena', () => mincore(host, SIZE, vec));
  const fd = fs.openSync('/proc/self/pagemap', 'r');
  const pm = Buffer.alloc((SIZE / PAGE) * 8);
  median('read /proc/self/pagemap for the arena (present bits)', () => fs.readSync(fd, pm, 0, pm.length, hostPage(BASE) * 8));
  fs.closeSync(fd);
  const shadow = new Arena(BASE, SIZE, 8);
  const off = 0x4000000;
  shadow.bytes.set(mem.bytes.subarray(off, off + 10_000 * PAGE), off);
  median('Buffer.compare of 10k pages with their shadow', () => {
    for (let i = 0; i < 10_000; i++) {
      const o = off + i * PAGE;
      if (Buffer.compare(mem.bytes.subarray(o, o + PAGE), shadow.bytes.subarray(o, o + PAGE)) !== 0) throw new Error('differs');
    }
  });
  median('copy of 10k pages into fresh memory', () => void mem.bytes.slice(off, off + 10_000 * PAGE));
  const pre = new Uint8Array(10_000 * PAGE).fill(1);
  median('copy of 10k pages into memory already faulted in', () => pre.set(mem.bytes.subarray(off, off + 10_000 * PAGE)));
  shadow.free();
}

// ---- (c) UC_HOOK_MEM_WRITE -----------------------------------------------------------
console.log('(c) UC_HOOK_MEM_WRITE with a JS callback (and it never sees TS writes)');
{
  const plain = median('1M emulated stores, no hook', () => emuWrite(BASE + 0x5000000, 1_000_000, 8), 5);
  let n = 0;
  const h = e.hookMemWrite(1, 0, () => n++);
  const hooked = median('1M emulated stores, JS write hook', () => emuWrite(BASE + 0x5000000, 1_000_000, 8), 5);
  h.dispose();
  console.log(`  ${n} hook calls; ${(hooked / plain).toFixed(1)}x slower`);
}
e.close();
