// A small builder for functions the compiler writes straight as IR
// (sync.Once's Do and doSlow in once.ts, fmt's method call with its
// deferred catchPanic in fmtcatch.ts): slots, labels, instructions.
import type { Inst, InstBody, IrFunc, Operand } from './ir.ts';

export const slot = (s: number): Operand => ({ k: 'slot', s });
export const imm = (v: number): Operand => ({ k: 'imm', v: BigInt(v) });
export const sym = (name: string): Operand => ({ k: 'sym', name });

/** A function's instructions, written straight as IR. */
export class Builder {
  readonly body: Inst[] = [];
  nslots = 0;
  private nlabels = 0;
  constructor(private readonly line: number) {}
  slot(): number {
    return this.nslots++;
  }
  label(): number {
    return ++this.nlabels;
  }
  emit(i: InstBody): void {
    this.body.push({ ...i, line: this.line });
  }
  fn(name: string, line: number, params: number[], ctxtSlot: number | null, wrapper: boolean): IrFunc {
    this.emit({ op: 'ret' });
    return { name, line, col: 1, endLine: line, params, results: [], ctxtSlot, nslots: this.nslots, body: this.body, ...(wrapper ? { wrapper: true } : {}) };
  }
}
