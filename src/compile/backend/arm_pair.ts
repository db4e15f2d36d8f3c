// arm: 64-bit integer operations on register pairs (int64 and uint64 on a
// 32-bit target), as gc compiles them for GOARM=7: ADDS/ADC and SUBS/SBC for
// + and -, UMULL plus two MLAs for the cross products of *, a compare of the
// low words followed by SBCS of the high words for ordering (the flags of the
// 64-bit subtraction), and shifts built from register-shifted operands
// (gc's Lsh64/Rsh64 rules: a register shift by 32..255 gives 0, or the sign
// for ASR). Division is not here: the lowering calls the runtime's
// int64div/uint64div family (vlrt.go).
//
// Scratch registers: R0, R1 (a, then the result), R2, R3 (b or the count),
// R11, R12.
import type { Inst, Operand } from '../ir.ts';
import type { AsmWriter } from './writer.ts';

export interface ArmEmitter {
  readonly w: AsmWriter;
  load(reg: string, o: Operand): void;
  storeSlot(s: number, reg: string): void;
}

const COND: Record<string, string> = { lt: 'lt', ge: 'ge', ltu: 'lo', geu: 'hs' };
/** gt, le (and unsigned) are lt, ge with the operands swapped */
const SWAPPED: Record<string, string> = { gt: 'lt', le: 'ge', gtu: 'lo', leu: 'hs' };

export function emitPairOp(e: ArmEmitter, i: Extract<Inst, { op: 'pair' | 'pshift' | 'pcmp' }>): void {
  const w = e.w;
  e.load('r0', i.a[0]);
  e.load('r1', i.a[1]);
  if (i.op === 'pair') {
    e.load('r2', i.b[0]);
    e.load('r3', i.b[1]);
    if (i.pop === 'add') {
      w.op('adds r0, r0, r2');
      w.op('adc r1, r1, r3');
    } else if (i.pop === 'sub') {
      w.op('subs r0, r0, r2');
      w.op('sbc r1, r1, r3');
    } else {
      // (ahi:alo) * (bhi:blo) mod 2^64 = alo*blo + ((alo*bhi + ahi*blo) << 32)
      w.op('umull r11, r12, r0, r2');
      w.op('mla r12, r0, r3, r12');
      w.op('mla r12, r1, r2, r12');
      w.op('mov r0, r11');
      w.op('mov r1, r12');
    }
    e.storeSlot(i.dst[0], 'r0');
    e.storeSlot(i.dst[1], 'r1');
    return;
  }
  if (i.op === 'pcmp') {
    e.load('r2', i.b[0]);
    e.load('r3', i.b[1]);
    let cond: string;
    if (i.cmp === 'eq' || i.cmp === 'ne') {
      w.op('cmp r1, r3');
      w.op('cmpeq r0, r2');
      cond = i.cmp;
    } else if (i.cmp in COND) {
      w.op('cmp r0, r2');
      w.op('sbcs r11, r1, r3');
      cond = COND[i.cmp]!;
    } else {
      w.op('cmp r2, r0');
      w.op('sbcs r11, r3, r1');
      cond = SWAPPED[i.cmp]!;
    }
    w.op('mov r0, #0');
    w.op(`mov${cond} r0, #1`);
    e.storeSlot(i.dst, 'r0');
    return;
  }
  // shifts: the count is unsigned; 64 and more behave as 64
  e.load('r2', i.b);
  const big = w.fresh();
  const done = w.fresh();
  w.op('cmp r2, #64');
  w.op('movhs r2, #64');
  w.op('cmp r2, #32');
  w.op(`bhs ${big}`);
  w.op('rsb r3, r2, #32');
  if (i.dir === 'shl') {
    w.op('lsl r1, r1, r2');
    w.op('orr r1, r1, r0, lsr r3');
    w.op('lsl r0, r0, r2');
  } else {
    w.op('lsr r0, r0, r2');
    w.op('orr r0, r0, r1, lsl r3');
    w.op(`${i.dir === 'shr' ? 'asr' : 'lsr'} r1, r1, r2`);
  }
  w.op(`b ${done}`);
  w.label(big);
  w.op('sub r3, r2, #32');
  if (i.dir === 'shl') {
    w.op('lsl r1, r0, r3');
    w.op('mov r0, #0');
  } else if (i.dir === 'shru') {
    w.op('lsr r0, r1, r3');
    w.op('mov r1, #0');
  } else {
    w.op('asr r0, r1, r3');
    w.op('asr r1, r1, #31');
  }
  w.label(done);
  e.storeSlot(i.dst[0], 'r0');
  e.storeSlot(i.dst[1], 'r1');
}
