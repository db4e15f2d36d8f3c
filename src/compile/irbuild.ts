// A small builder for functions the compiler writes straight as IR
// (sync.Once's Do and doSlow in once.ts, fmt's method call with its
// deferred catchPanic in fmtcatch.ts, preprintpanics in printpanics.ts):
// slots, labels, instructions, and the pieces they share: a call by
// symbol, a defer of a compiled closure, the deferreturn loop.
import { ENTRY } from '../abi/index.ts';
import type { DataItem, Inst, InstBody, IrFunc, Operand } from './ir.ts';
import type { RTypes } from './rtype.ts';

/** What the lowering gives the files that emit such functions. */
export interface EmitHost {
  readonly W: number;
  readonly funcs: IrFunc[];
  readonly rtypes: RTypes;
  /** a type descriptor for runtime.newobject of `size` bytes */
  cellType(size: number, line: number): string;
  addData(name: string, line: number, items: DataItem[]): string;
}

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
  /** A call of the function `name` with word arguments, its word results into `dsts`. */
  call(name: string, args: Operand[], dsts: number[] = []): void {
    this.emit({ op: 'call', fn: { k: 'sym', name }, args: args.map((v) => ({ v })), results: dsts.map((dst) => ({ dst })) });
  }
  /**
   * `defer closure()`: a funcval {fn, context...} (W-byte words) from
   * runtime.newobject (cellType: a type descriptor of its size) registered by
   * runtime.deferproc, whose result 1 (a recover resumed this frame) jumps
   * to `exit`, where the deferreturn loop must be. fv and t are scratch slots.
   */
  deferClosure(W: number, cellType: string, fn: string, context: Operand[], exit: number, fv: number, t: number): void {
    this.call(ENTRY.newobject.symbol, [sym(cellType)], [fv]);
    [sym(fn), ...context].forEach((src, i) => this.emit({ op: 'store', base: slot(fv), off: i * W, src }));
    this.call(ENTRY.deferproc.symbol, [slot(fv)], [t]);
    this.emit({ op: 'br', cond: slot(t), when: true, target: exit });
  }
  /** `recover()` in a deferred function (gorecover with this frame's argp): the value's words into t and d. */
  recover(t: number, d: number): void {
    const argp = this.slot();
    this.emit({ op: 'argp', dst: argp });
    this.call(ENTRY.gorecover.symbol, [slot(argp)], [t, d]);
  }
  /** The frame's deferred calls, last first (runtime.deferreturn hands out each funcval; fv: a scratch slot). */
  deferreturnLoop(fv: number): void {
    const loop = this.label();
    const done = this.label();
    this.emit({ op: 'label', id: loop });
    this.call(ENTRY.deferreturn.symbol, [], [fv]);
    this.emit({ op: 'br', cond: slot(fv), when: false, target: done });
    this.emit({ op: 'call', fn: { k: 'closure', fv: slot(fv) }, args: [], results: [] });
    this.emit({ op: 'jmp', target: loop });
    this.emit({ op: 'label', id: done });
  }
  fn(name: string, line: number, params: number[], ctxtSlot: number | null, wrapper: boolean): IrFunc {
    this.emit({ op: 'ret' });
    return { name, line, col: 1, endLine: line, params, results: [], ctxtSlot, nslots: this.nslots, body: this.body, ...(wrapper ? { wrapper: true } : {}) };
  }
}
