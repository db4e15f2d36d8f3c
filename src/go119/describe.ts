// Descriptions of the go1.19 layouts as plain data: every struct with its
// fields in offset order (describeLayout), and the go_asm.h names this
// project uses with go_asm.h's values (layoutJson). `gogo-emu layout` formats
// them; tests compare them with the recorded oracle.
import type { Arch } from '../arch/index.ts';
import { WAIT_REASON_TEXT } from './constants.ts';
import { goAsm } from './goasm.ts';
import { layoutFor } from './specs.ts';

export interface DescribedStruct {
  struct: string;
  size: number;
  /** the go_asm.h name of the size, or how an anonymous struct's size is derived */
  asm?: string;
  derived?: string;
  fields: { name: string; offset: number; size: number; goType: string; asm?: string; derived?: string }[];
}

/** Every struct this module defines for `arch`, with its fields in offset order. */
export function describeLayout(arch: Arch): DescribedStruct[] {
  return layoutFor(arch)
    .structs()
    .map((s) => ({
      struct: s.struct,
      size: s.size,
      ...(s.asm !== undefined ? { asm: s.asm } : { derived: s.derived }),
      fields: s.fields.map((f) => ({
        name: f.name,
        offset: f.offset,
        size: f.size,
        goType: f.goType,
        ...(f.asm !== undefined ? { asm: f.asm } : { derived: f.derived }),
      })),
    }));
}

/**
 * The go_asm.h names this module uses, with go_asm.h's own values: every field
 * offset (g_sched, gobuf_sp, ...), every struct size (g__size, ...) and the
 * constants above (const__Grunning, const_stackPreempt, ... — values beyond
 * 2^53 as go_asm.json spells them, a hex string).
 */
export function layoutJson(arch: Arch): Record<string, number | string> {
  const asm = goAsm(arch);
  const L = layoutFor(arch);
  const names: string[] = [];
  for (const s of L.structs()) {
    if (s.asm !== undefined) names.push(s.asm);
    for (const f of s.fields) if (f.asm !== undefined) names.push(f.asm);
  }
  const consts = [
    'const__StackSystem', 'const__StackMin', 'const__FixedStack', 'const__StackBig', 'const__StackGuard',
    'const__StackSmall', 'const__StackLimit', 'const_stackPreempt', 'const_stackFork', 'const_stackForceMove',
    'const__GoidCacheBatch', 'const_tlsSlots', 'const_tlsSize',
    'const__Gidle', 'const__Grunnable', 'const__Grunning', 'const__Gsyscall', 'const__Gwaiting',
    'const__Gmoribund_unused', 'const__Gdead', 'const__Genqueue_unused', 'const__Gcopystack', 'const__Gpreempted',
    'const__Gscan', 'const__Gscanrunnable', 'const__Gscanrunning', 'const__Gscansyscall', 'const__Gscanwaiting',
    'const__Gscanpreempted', 'const__Pidle', 'const__Prunning', 'const__Psyscall', 'const__Pgcstop', 'const__Pdead',
    ...Object.keys(WAIT_REASON_TEXT).map((n) => `const_waitReason${n}`),
  ];
  const out: Record<string, number | string> = {};
  for (const n of [...names, ...consts]) {
    const v = asm.get(n);
    if (v === undefined) throw new Error(`layout (${arch.name}): go_asm.h has no ${n}`);
    out[n] = v;
  }
  return out;
}
