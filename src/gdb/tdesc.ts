// Target descriptions (gdb manual, "Target Descriptions"): the registers
// the stub offers per arch, in the order of gdb's remote register numbers,
// each with the Unicorn register id it reads, and the XML that
// qXfer:features:read:target.xml serves.
//
// amd64: the features gdb's amd64 support validates -- org.gnu.gdb.i386.core
// (16 general registers, rip, eflags, the six segment selectors, the x87
// stack and its control registers), org.gnu.gdb.i386.sse (xmm0-15, mxcsr)
// and org.gnu.gdb.i386.segments (fs_base, gs_base: fs_base is where the
// TLS g slot FS:-8 hangs off).
// arm: org.gnu.gdb.arm.core (r0-r12, sp, lr, pc, cpsr) and
// org.gnu.gdb.arm.vfp (d0-d31, fpscr).
// (DESIGN.md places "GDB register tables" under src/arch; they live here,
// with the Unicorn ids the stub reads them by, because only the stub uses
// them.) Both say <osabi>none</osabi>: the emulated machine is not a Linux target
// gdb should apply its own Linux conventions to (e.g. software single-step
// on arm); stepping is the stub's.
import type { ArchName } from '../arch/index.ts';

export interface GdbReg {
  name: string;
  bits: number;
  /** the tdesc type */
  type: string;
  group?: string;
  feature: string;
  /** Unicorn's register id (unicorn/x86.h, unicorn/arm.h of Unicorn 2.0.1) */
  uc: number;
}

export interface TargetDescription {
  arch: ArchName;
  regs: readonly GdbReg[];
  /** indexes of pc and sp in regs */
  pc: number;
  sp: number;
  xml: string;
  /**
   * where a watchpoint hit leaves the target: amd64 after the accessing
   * instruction (as x86 debug registers trap); arm before it, since gdb's
   * arm support treats watchpoints as non-steppable (it steps over the
   * instruction itself, watchpoints removed)
   */
  watchStop: 'after' | 'before';
}

const X86_GPR = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
// Unicorn x86 ids: RAX 35, RBX 37, RCX 38, RDX 40, RSI 43, RDI 39, RBP 36, RSP 44, R8-R15 106-113
const X86_GPR_ID = [35, 37, 38, 40, 43, 39, 36, 44, 106, 107, 108, 109, 110, 111, 112, 113];

function amd64Regs(): GdbReg[] {
  const core = 'org.gnu.gdb.i386.core';
  const r: GdbReg[] = X86_GPR.map((name, i) => ({ name, bits: 64, type: name === 'rbp' || name === 'rsp' ? 'data_ptr' : 'int64', feature: core, uc: X86_GPR_ID[i]! }));
  r.push({ name: 'rip', bits: 64, type: 'code_ptr', feature: core, uc: 41 });
  r.push({ name: 'eflags', bits: 32, type: 'i386_eflags', feature: core, uc: 25 });
  // CS 11, SS 49, DS 17, ES 28, FS 32, GS 33
  for (const [name, uc] of [['cs', 11], ['ss', 49], ['ds', 17], ['es', 28], ['fs', 32], ['gs', 33]] as const) r.push({ name, bits: 32, type: 'int32', feature: core, uc });
  for (let i = 0; i < 8; i++) r.push({ name: `st${i}`, bits: 80, type: 'i387_ext', feature: core, uc: 114 + i });
  // FPCW 246, FPSW 31, FPTAG 247, FCS 255, FIP 254, FDS 257, FDP 256, FOP 258
  for (const [name, uc] of [['fctrl', 246], ['fstat', 31], ['ftag', 247], ['fiseg', 255], ['fioff', 254], ['foseg', 257], ['fooff', 256], ['fop', 258]] as const) {
    r.push({ name, bits: 32, type: 'int', group: 'float', feature: core, uc });
  }
  const sse = 'org.gnu.gdb.i386.sse';
  for (let i = 0; i < 16; i++) r.push({ name: `xmm${i}`, bits: 128, type: 'vec128', feature: sse, uc: 122 + i });
  r.push({ name: 'mxcsr', bits: 32, type: 'i386_mxcsr', group: 'vector', feature: sse, uc: 249 });
  const seg = 'org.gnu.gdb.i386.segments';
  r.push({ name: 'fs_base', bits: 64, type: 'int', feature: seg, uc: 250 });
  r.push({ name: 'gs_base', bits: 64, type: 'int', feature: seg, uc: 251 });
  return r;
}

function armRegs(): GdbReg[] {
  const core = 'org.gnu.gdb.arm.core';
  const r: GdbReg[] = [];
  // R0-R12: 66-78, SP 12, LR 10, PC 11, CPSR 3
  for (let i = 0; i <= 12; i++) r.push({ name: `r${i}`, bits: 32, type: 'uint32', feature: core, uc: 66 + i });
  r.push({ name: 'sp', bits: 32, type: 'data_ptr', feature: core, uc: 12 });
  r.push({ name: 'lr', bits: 32, type: 'int', feature: core, uc: 10 });
  r.push({ name: 'pc', bits: 32, type: 'code_ptr', feature: core, uc: 11 });
  r.push({ name: 'cpsr', bits: 32, type: 'int', feature: core, uc: 3 });
  const vfp = 'org.gnu.gdb.arm.vfp';
  // D0-D31: 14-45, FPSCR 6
  for (let i = 0; i < 32; i++) r.push({ name: `d${i}`, bits: 64, type: 'ieee_double', group: 'float', feature: vfp, uc: 14 + i });
  r.push({ name: 'fpscr', bits: 32, type: 'int', group: 'float', feature: vfp, uc: 6 });
  return r;
}

/** Types a feature defines before its registers use them. */
const TYPES: Record<string, string> = {
  'org.gnu.gdb.i386.core': `
    <flags id="i386_eflags" size="4">
      <field name="CF" start="0" end="0"/><field name="" start="1" end="1"/><field name="PF" start="2" end="2"/>
      <field name="AF" start="4" end="4"/><field name="ZF" start="6" end="6"/><field name="SF" start="7" end="7"/>
      <field name="TF" start="8" end="8"/><field name="IF" start="9" end="9"/><field name="DF" start="10" end="10"/>
      <field name="OF" start="11" end="11"/>
    </flags>`,
  'org.gnu.gdb.i386.sse': `
    <vector id="v8bf16" type="bfloat16" count="8"/>
    <vector id="v4f" type="ieee_single" count="4"/>
    <vector id="v2d" type="ieee_double" count="2"/>
    <vector id="v16i8" type="int8" count="16"/>
    <vector id="v8i16" type="int16" count="8"/>
    <vector id="v4i32" type="int32" count="4"/>
    <vector id="v2i64" type="int64" count="2"/>
    <union id="vec128">
      <field name="v8_bfloat16" type="v8bf16"/><field name="v4_float" type="v4f"/><field name="v2_double" type="v2d"/>
      <field name="v16_int8" type="v16i8"/><field name="v8_int16" type="v8i16"/><field name="v4_int32" type="v4i32"/>
      <field name="v2_int64" type="v2i64"/><field name="uint128" type="uint128"/>
    </union>
    <flags id="i386_mxcsr" size="4">
      <field name="IE" start="0" end="0"/><field name="DE" start="1" end="1"/><field name="ZE" start="2" end="2"/>
      <field name="OE" start="3" end="3"/><field name="UE" start="4" end="4"/><field name="PE" start="5" end="5"/>
      <field name="DAZ" start="6" end="6"/><field name="IM" start="7" end="7"/><field name="DM" start="8" end="8"/>
      <field name="ZM" start="9" end="9"/><field name="OM" start="10" end="10"/><field name="UM" start="11" end="11"/>
      <field name="PM" start="12" end="12"/><field name="FZ" start="15" end="15"/>
    </flags>`,
};

function xmlOf(arch: string, regs: readonly GdbReg[]): string {
  const features: string[] = [];
  let cur: string | undefined;
  regs.forEach((r, i) => {
    if (r.feature !== cur) {
      if (cur) features.push('  </feature>');
      cur = r.feature;
      features.push(`  <feature name="${r.feature}">${TYPES[r.feature] ?? ''}`);
    }
    features.push(`    <reg name="${r.name}" bitsize="${r.bits}" type="${r.type}" regnum="${i}"${r.group ? ` group="${r.group}"` : ''}/>`);
  });
  if (cur) features.push('  </feature>');
  return ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', '<target version="1.0">', `  <architecture>${arch}</architecture>`, '  <osabi>none</osabi>', ...features, '</target>', ''].join('\n');
}

const cache = new Map<ArchName, TargetDescription>();

export function targetDescription(arch: ArchName): TargetDescription {
  let t = cache.get(arch);
  if (!t) {
    const regs = arch === 'amd64' ? amd64Regs() : armRegs();
    const pc = regs.findIndex((r) => r.name === (arch === 'amd64' ? 'rip' : 'pc'));
    const sp = regs.findIndex((r) => r.name === (arch === 'amd64' ? 'rsp' : 'sp'));
    t = { arch, regs, pc, sp, xml: xmlOf(arch === 'amd64' ? 'i386:x86-64' : 'arm', regs), watchStop: arch === 'amd64' ? 'after' : 'before' };
    cache.set(arch, t);
  }
  return t;
}
