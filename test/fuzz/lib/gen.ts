// A generator of random *valid* Go programs of gogo-emu's subset that
// terminate by construction and whose output is deterministic at
// GOMAXPROCS=1: package-level variables with initialization dependencies,
// functions with several (named) results, recursion with a decreasing
// argument, closures capturing and changing variables (Go 1.19 loop
// variables), defer, if/else chains, the three for forms with bounded trip
// counts, switch with fallthrough, labeled break/continue, integer
// arithmetic at the edges of the arch's int width (wrap-around, MinInt/-1,
// shifts beyond the width, division by a variable that may be zero), and
// goroutines with channels in patterns that always finish (fan-in, worker
// groups with sync.WaitGroup, producer/consumer with close and range,
// ping-pong, receives from closed channels, runtime.Goexit, Gosched,
// NumGoroutine), sometimes ended by a panic or a deadlock on purpose.
//
// Generation is driven by a sequence of choices (numbers), as in
// Hypothesis: `generate(choices, bits)` reads one number per decision, and a
// missing or zero choice always means the simplest option (stop adding
// statements, a literal, no else). fast-check generates and shrinks the
// sequence (fc.array(fc.nat())); shrinking it towards shorter sequences and
// smaller numbers shrinks the program, and every sequence gives a valid program.
//
// Rules kept so that Go accepts every program: each variable is read
// somewhere (`_ = x` closes a block for those that are not), imports only
// when used, labels only when a branch uses them, no binary operation on two
// constants (no constant overflow or constant division by zero), constant
// divisors and shift counts that are valid, functions with results end in a
// return, calls only to functions declared before (no cycles) except
// counted self-recursion, package-level initializers only refer to what is
// initialized before them.
import fc from 'fast-check';

type T = 'int' | 'bool';
type ChanElem = 'int' | 'bool' | 'struct{}';

interface Sig {
  params: T[];
  results: T[];
}

interface Var {
  name: string;
  kind: 'int' | 'bool' | 'chan' | 'func';
  elem?: ChanElem;
  sig?: Sig;
  /** loop counters and the like: never assigned */
  ro?: boolean;
  /** read somewhere (else the block ends with `_ = name`) */
  used: boolean;
  /** a package-level variable (index into globals) */
  global?: number;
}

interface FuncInfo {
  name: string;
  sig: Sig;
  named: string[] | null;
  recursive: boolean;
  /** package-level variables this function reads or writes itself (then, after all bodies: also through calls) */
  globals: Set<number>;
  /** functions it calls */
  calls: Set<FuncInfo>;
}

interface Scope {
  vars: Var[];
  parent: Scope | null;
}

interface FnCtx {
  results: T[];
  /** names of named results, or null */
  named: string[] | null;
  /** loops (and switches) that break/continue may target, innermost last */
  targets: { label: string | null; loop: boolean; continueSafe: boolean }[];
  /** the top-level function this code belongs to (global reference tracking) */
  owner: FuncInfo | null;
  /** may start goroutines and use channels */
  patterns: boolean;
  /** may run statements in loops only up to this many times in total */
  budget: number;
}

interface Expr {
  s: string;
  /** the value when the expression is constant */
  c?: bigint | boolean;
}

/** The smallest and largest int for a word size, and edge values worth testing. */
function edges(bits: number): bigint[] {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const vals = [0n, 1n, -1n, 2n, 3n, 7n, 10n, 100n, max, min, max - 1n, min + 1n, 1n << BigInt(bits - 2), 255n, 256n, 65535n, 65536n, 2147483647n, -2147483648n, 2147483646n, -2147483647n];
  if (bits === 64) vals.push(4294967295n, 4294967296n, 1n << 40n, -(1n << 40n), 1000000007n * 1000003n);
  return vals.filter((v) => v >= min && v <= max);
}

class Choices {
  private i = 0;
  constructor(private readonly xs: readonly number[]) {}
  /** a number in [0, n); 0 once the sequence is used up */
  int(n: number): number {
    if (n <= 1) return 0;
    const x = this.i < this.xs.length ? this.xs[this.i++]! : 0;
    return x % n;
  }
  /** true with about `pct` percent (false when the sequence is used up) */
  chance(pct: number): boolean {
    if (this.i >= this.xs.length) return false;
    return this.int(100) >= 100 - pct;
  }
  /** an index by weight; weights[0] is what an exhausted sequence gives */
  pick(weights: number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.int(total);
    for (let k = 0; k < weights.length; k++) {
      if (x < weights[k]!) return k;
      x -= weights[k]!;
    }
    return 0;
  }
  get exhausted(): boolean {
    return this.i >= this.xs.length;
  }
}

const fmtInt = (v: bigint) => (v < 0n ? `-${-v}` : `${v}`);

class Gen {
  private readonly c: Choices;
  private readonly max: bigint;
  private readonly min: bigint;
  private readonly edgeVals: bigint[];
  private n = 0;
  private readonly funcs: FuncInfo[] = [];
  private readonly globals: { name: string; t: T }[] = [];
  /** globals that may be referenced right now (while generating initializers) */
  private globalLimit = Infinity;
  private usesRuntime = false;
  private usesSync = false;
  private usesGosched = false;
  /** `one`, a package-level variable holding 1: a non-constant int when no other is in scope */
  private usesOne = false;
  private stmtsLeft = 70;
  private patternsLeft = 4;
  private lines: string[] = [];
  private indent = 1;
  private endedHard = false;

  constructor(
    choices: readonly number[],
    private readonly bits: number,
  ) {
    this.c = new Choices(choices);
    this.max = (1n << BigInt(bits - 1)) - 1n;
    this.min = -this.max - 1n;
    this.edgeVals = edges(bits);
  }

  private fresh(p: string): string {
    return `${p}${this.n++}`;
  }

  private emit(s: string): void {
    this.lines.push(`${'\t'.repeat(this.indent)}${s}`);
  }

  // ---- scopes ---------------------------------------------------------------------

  private visible(sc: Scope, pred: (v: Var) => boolean): Var[] {
    const seen = new Set<string>();
    const out: Var[] = [];
    for (let s: Scope | null = sc; s; s = s.parent) {
      for (const v of s.vars) {
        if (seen.has(v.name)) continue;
        seen.add(v.name);
        if (v.global !== undefined && v.global >= this.globalLimit) continue;
        if (pred(v)) out.push(v);
      }
    }
    return out;
  }

  private use(v: Var, fn: FnCtx): string {
    v.used = true;
    if (v.global !== undefined) fn.owner?.globals.add(v.global);
    return v.name;
  }

  /** Ends a block: every variable of its scope that nothing read is read once. */
  private closeScope(sc: Scope): void {
    for (const v of sc.vars) if (!v.used && v.global === undefined) this.emit(`_ = ${v.name}`);
  }

  // ---- expressions ------------------------------------------------------------------

  private intLit(): Expr {
    const k = this.c.pick([6, 3, 2]);
    let v: bigint;
    if (k === 0) v = BigInt(this.c.int(10));
    else if (k === 1) v = this.edgeVals[this.c.int(this.edgeVals.length)]!;
    else v = BigInt(this.c.int(2001) - 1000);
    return { s: fmtInt(v), c: v };
  }

  private nonConstInt(sc: Scope, fn: FnCtx, depth: number): Expr {
    const vars = this.visible(sc, (v) => v.kind === 'int');
    if (vars.length === 0) {
      this.usesOne = true;
      return { s: `(one * ${this.intLit().s})` };
    }
    const e = this.intExpr(sc, fn, depth);
    if (e.c === undefined) return e;
    return { s: this.use(vars[this.c.int(vars.length)]!, fn) };
  }

  intExpr(sc: Scope, fn: FnCtx, depth: number): Expr {
    const vars = this.visible(sc, (v) => v.kind === 'int');
    const deep = depth >= 3;
    const k = this.c.pick([3, 5, deep ? 0 : 6, deep ? 0 : 1, deep ? 0 : 2, deep ? 0 : 1, deep ? 0 : 1]);
    switch (k) {
      case 1:
        if (vars.length) return { s: this.use(vars[this.c.int(vars.length)]!, fn) };
        return this.intLit();
      case 2:
        return this.binaryInt(sc, fn, depth);
      case 3: {
        const x = this.nonConstInt(sc, fn, depth + 1);
        const op = ['-', '^', '+'][this.c.int(3)]!;
        return { s: `${op}(${x.s})` };
      }
      case 4:
        return this.callExpr(sc, fn, depth, 'int') ?? this.intLit();
      case 5: {
        // a closure called at once
        if (depth >= 2) return this.intLit();
        const body = this.funcLitText(sc, fn, { params: ['int'], results: ['int'] });
        return { s: `${body}(${this.intExpr(sc, fn, depth + 1).s})` };
      }
      case 6: {
        const ch = this.visible(sc, (v) => v.kind === 'chan');
        if (ch.length) {
          const v = ch[this.c.int(ch.length)]!;
          return { s: `${['len', 'cap'][this.c.int(2)]}(${this.use(v, fn)})` };
        }
        const e = this.intExpr(sc, fn, depth + 1);
        return { ...e, s: `(${e.s})` };
      }
      default:
        return this.intLit();
    }
  }

  private binaryInt(sc: Scope, fn: FnCtx, depth: number): Expr {
    const op = ['+', '-', '*', '/', '%', '&', '|', '^', '&^', '<<', '>>'][this.c.int(11)]!;
    let x = this.intExpr(sc, fn, depth + 1);
    let y: Expr;
    if (op === '<<' || op === '>>') {
      if (x.c !== undefined) x = this.nonConstInt(sc, fn, depth + 1);
      const k = this.c.pick([3, 2, 1]);
      if (k === 0) y = { s: `${this.c.int(this.bits + 8)}` };
      else if (k === 1) y = { s: `(${this.nonConstInt(sc, fn, depth + 1).s} & ${this.bits * 2 - 1})` };
      else y = this.nonConstInt(sc, fn, depth + 1); // may be negative: panics
      return { s: `(${x.s} ${op} ${y.s})` };
    }
    if (op === '/' || op === '%') {
      const k = this.c.pick([3, 3, 1]);
      if (k === 0) {
        let v = this.intLit().c as bigint;
        if (v === 0n) v = -1n;
        y = { s: fmtInt(v), c: v };
        if (x.c !== undefined) x = this.nonConstInt(sc, fn, depth + 1);
      } else if (k === 1) y = { s: `(${this.nonConstInt(sc, fn, depth + 1).s} | 1)` };
      else y = this.nonConstInt(sc, fn, depth + 1); // may be zero: panics
      return { s: `(${x.s} ${op} ${y.s})` };
    }
    y = x.c !== undefined ? this.nonConstInt(sc, fn, depth + 1) : this.intExpr(sc, fn, depth + 1);
    return { s: `(${x.s} ${op} ${y.s})` };
  }

  boolExpr(sc: Scope, fn: FnCtx, depth: number): Expr {
    const vars = this.visible(sc, (v) => v.kind === 'bool');
    const deep = depth >= 3;
    const k = this.c.pick([2, 2, 5, deep ? 0 : 2, deep ? 0 : 1, deep ? 0 : 1]);
    switch (k) {
      case 1:
        if (vars.length) return { s: this.use(vars[this.c.int(vars.length)]!, fn) };
        return { s: 'true', c: true };
      case 2: {
        const op = ['==', '!=', '<', '<=', '>', '>='][this.c.int(6)]!;
        const x = this.intExpr(sc, fn, depth + 1);
        const y = x.c !== undefined ? this.nonConstInt(sc, fn, depth + 1) : this.intExpr(sc, fn, depth + 1);
        return { s: `${x.s} ${op} ${y.s}` };
      }
      case 3: {
        const op = ['&&', '||'][this.c.int(2)]!;
        const x = this.boolExpr(sc, fn, depth + 1);
        const y = this.boolExpr(sc, fn, depth + 1);
        return { s: `(${x.s} ${op} ${y.s})`, ...(x.c !== undefined && y.c !== undefined ? { c: true } : {}) };
      }
      case 4: {
        const x = this.boolExpr(sc, fn, depth + 1);
        return { s: `!(${x.s})`, ...(x.c !== undefined ? { c: true } : {}) };
      }
      case 5:
        return this.callExpr(sc, fn, depth, 'bool') ?? { s: 'false', c: false };
      default:
        return { s: this.c.int(2) ? 'true' : 'false', c: true };
    }
  }

  /** A non-constant boolean (for switch cases, where constant duplicates are errors). */
  private condExpr(sc: Scope, fn: FnCtx): Expr {
    const e = this.boolExpr(sc, fn, 1);
    if (e.c === undefined) return e;
    const x = this.nonConstInt(sc, fn, 2);
    return { s: `${x.s} ${['<', '>', '==', '!='][this.c.int(4)]} ${this.intLit().s}` };
  }

  private expr(t: T, sc: Scope, fn: FnCtx, depth: number): Expr {
    return t === 'int' ? this.intExpr(sc, fn, depth) : this.boolExpr(sc, fn, depth);
  }

  /** A call of an earlier function or a func variable with exactly one result of type t. */
  private callExpr(sc: Scope, fn: FnCtx, depth: number, t: T): Expr | undefined {
    const cands: { name: string; sig: Sig; info?: FuncInfo; v?: Var }[] = [];
    for (const f of this.callable(fn)) if (f.sig.results.length === 1 && f.sig.results[0] === t) cands.push({ name: f.name, sig: f.sig, info: f });
    for (const v of this.visible(sc, (v) => v.kind === 'func')) if (v.sig!.results.length === 1 && v.sig!.results[0] === t) cands.push({ name: v.name, sig: v.sig!, v });
    if (!cands.length) return undefined;
    const f = cands[this.c.int(cands.length)]!;
    if (f.v) this.use(f.v, fn);
    if (f.info) fn.owner?.calls.add(f.info);
    return { s: `${f.name}(${this.args(f.sig.params, sc, fn, depth + 1)})` };
  }

  private args(params: T[], sc: Scope, fn: FnCtx, depth: number): string {
    return params.map((p) => this.expr(p, sc, fn, depth).s).join(', ');
  }

  /** Functions the current code may call: declared earlier, and while initializing globals only those touching earlier globals. */
  private callable(fn: FnCtx): FuncInfo[] {
    const limit = fn.owner ? this.funcs.indexOf(fn.owner) : this.funcs.length;
    const fs = this.funcs.slice(0, limit < 0 ? this.funcs.length : limit);
    if (this.globalLimit === Infinity) return fs;
    return fs.filter((f) => [...f.globals].every((g) => g < this.globalLimit));
  }

  // ---- function literals and bodies ----------------------------------------------------

  private sigText(sig: Sig, named: string[] | null): string {
    const ps = sig.params.map((t, i) => `p${i} ${t}`).join(', ');
    let rs = '';
    if (named) rs = ` (${named.map((n, i) => `${n} ${sig.results[i]}`).join(', ')})`;
    else if (sig.results.length === 1) rs = ` ${sig.results[0]}`;
    else if (sig.results.length > 1) rs = ` (${sig.results.join(', ')})`;
    return `(${ps})${rs}`;
  }

  /** The text of `func(...) ... { body }` with the body generated at the current indentation + 1. */
  private funcLitText(sc: Scope, outer: FnCtx, sig: Sig): string {
    const saved = this.lines;
    const savedIndent = this.indent;
    this.lines = [];
    this.indent = savedIndent + 1;
    const params: Var[] = sig.params.map((t, i) => ({ name: `p${i}`, kind: t, used: true }));
    const fnc: FnCtx = { results: sig.results, named: null, targets: [], owner: outer.owner, patterns: false, budget: Math.max(1, Math.floor(outer.budget / 2)) };
    this.body({ vars: params, parent: sc }, fnc, 2);
    const body = this.lines;
    this.lines = saved;
    this.indent = savedIndent;
    return `func${this.sigText(sig, null)} {\n${body.join('\n')}\n${'\t'.repeat(savedIndent)}}`;
  }

  /** A function body: statements, `_ = x` for what nothing read, then a return when there are results. */
  private body(sc: Scope, fn: FnCtx, maxStmts: number): void {
    this.stmts(sc, fn, maxStmts, 0);
    this.closeScope(sc);
    this.ret(sc, fn);
  }

  private ret(sc: Scope, fn: FnCtx): void {
    if (!fn.results.length) return;
    if (fn.named && this.c.chance(50)) this.emit('return');
    else this.emit(`return ${fn.results.map((t) => this.expr(t, sc, fn, 1).s).join(', ')}`);
  }

  // ---- statements -------------------------------------------------------------------------

  private stmts(sc: Scope, fn: FnCtx, max: number, depth: number): void {
    for (let k = 0; k < max && this.stmtsLeft > 0 && !this.endedHard; k++) {
      if (k > 0 && !this.c.chance(75)) break;
      this.stmtsLeft--;
      this.stmt(sc, fn, depth);
    }
  }

  private block(sc: Scope, fn: FnCtx, depth: number, max = 3, pre?: (sc: Scope) => void): void {
    const inner: Scope = { vars: [], parent: sc };
    this.indent++;
    pre?.(inner);
    this.stmts(inner, fn, max, depth + 1);
    this.closeScope(inner);
    this.indent--;
  }

  private writableInts(sc: Scope): Var[] {
    return this.visible(sc, (v) => v.kind === 'int' && !v.ro);
  }

  private stmt(sc: Scope, fn: FnCtx, depth: number): void {
    const deep = depth >= 3;
    const loopsOk = fn.budget >= 2 && !deep;
    const w = [
      6, // 0 println
      5, // 1 new int var
      2, // 2 new bool var
      4, // 3 assign int
      1, // 4 assign bool / swap
      deep ? 0 : 3, // 5 if
      loopsOk ? 3 : 0, // 6 for
      deep ? 0 : 2, // 7 switch
      deep ? 0 : 1, // 8 block
      deep ? 0 : 2, // 9 closure variable
      3, // 10 call statement / multi-value
      1, // 11 defer
      fn.patterns && this.patternsLeft > 0 && depth <= 1 ? (fn.owner ? 2 : 5) : 0, // 12 goroutine pattern
      fn.targets.length ? 2 : 0, // 13 break/continue
      fn.results.length && depth > 0 ? 1 : 0, // 14 early return
      loopsOk && depth <= 1 ? 1 : 0, // 15 labeled nested loops
      1, // 16 print
    ];
    switch (this.c.pick(w)) {
      case 0: {
        const n = this.c.int(4) + (this.c.exhausted ? 1 : 0);
        const args: string[] = [];
        for (let i = 0; i < n; i++) {
          const k = this.c.pick([3, 2, 1]);
          args.push(k === 0 ? this.intExpr(sc, fn, 0).s : k === 1 ? this.boolExpr(sc, fn, 0).s : JSON.stringify(['x', 'ok', 'a b', 'tab\there', 'é', ''][this.c.int(6)]));
        }
        this.emit(`println(${args.join(', ')})`);
        return;
      }
      case 1:
      case 2: {
        const t: T = this.c.int(3) === 0 || w[1] === 0 ? 'bool' : 'int';
        const name = this.fresh(t === 'int' ? 'x' : 'b');
        const form = this.c.int(4);
        if (form === 3) this.emit(`var ${name} ${t}`);
        else {
          const e = this.expr(t, sc, fn, 0);
          if (form === 0) this.emit(`${name} := ${e.s}`);
          else if (form === 1) this.emit(`var ${name} ${t} = ${e.s}`);
          else this.emit(`var ${name} = ${e.s}`);
        }
        sc.vars.push({ name, kind: t, used: false });
        return;
      }
      case 3: {
        const vs = this.writableInts(sc);
        if (!vs.length) return this.stmtFallback(sc, fn);
        const v = vs[this.c.int(vs.length)]!;
        if (v.global !== undefined) fn.owner?.globals.add(v.global);
        const k = this.c.pick([3, 4, 2]);
        if (k === 0) this.emit(`${v.name} = ${this.intExpr(sc, fn, 0).s}`);
        else if (k === 1) {
          const op = ['+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '&^=', '<<=', '>>='][this.c.int(11)]!;
          let rhs: string;
          if (op === '/=' || op === '%=') rhs = `(${this.nonConstInt(sc, fn, 1).s} | 1)`;
          else if (op === '<<=' || op === '>>=') rhs = `${this.c.int(this.bits + 4)}`;
          else rhs = this.intExpr(sc, fn, 0).s;
          this.emit(`${v.name} ${op} ${rhs}`);
        } else this.emit(`${v.name}${this.c.int(2) ? '--' : '++'}`);
        return;
      }
      case 4: {
        const bs = this.visible(sc, (v) => v.kind === 'bool' && !v.ro);
        const is = this.writableInts(sc);
        if (is.length >= 2 && this.c.int(2)) {
          const a = is[this.c.int(is.length)]!;
          const b = is[this.c.int(is.length)]!;
          if (a !== b) {
            for (const v of [a, b]) if (v.global !== undefined) fn.owner?.globals.add(v.global);
            this.emit(`${a.name}, ${b.name} = ${this.use(b, fn)}, ${this.use(a, fn)}`);
            return;
          }
        }
        if (!bs.length) return this.stmtFallback(sc, fn);
        const v = bs[this.c.int(bs.length)]!;
        if (v.global !== undefined) fn.owner?.globals.add(v.global);
        this.emit(`${v.name} = ${this.boolExpr(sc, fn, 0).s}`);
        return;
      }
      case 5:
        return this.ifStmt(sc, fn, depth);
      case 6:
        return this.forStmt(sc, fn, depth);
      case 7:
        return this.switchStmt(sc, fn, depth);
      case 8:
        this.emit('{');
        this.block(sc, fn, depth);
        this.emit('}');
        return;
      case 9: {
        const sig = this.randomSig(2, 1);
        const name = this.fresh('fn');
        const text = this.funcLitText(sc, fn, sig);
        this.emit(`${name} := ${text}`);
        const v: Var = { name, kind: 'func', sig, used: false };
        sc.vars.push(v);
        if (!this.c.chance(20)) this.callStmt(sc, fn, { name, sig, v });
        return;
      }
      case 10: {
        const fs = this.callable(fn);
        if (!fs.length) return this.stmtFallback(sc, fn);
        const f = fs[this.c.int(fs.length)]!;
        fn.owner?.calls.add(f);
        return this.callStmt(sc, fn, { name: f.name, sig: f.sig });
      }
      case 11:
        return this.deferStmt(sc, fn);
      case 12:
        this.patternsLeft--;
        return this.pattern(sc, fn);
      case 13: {
        const t = fn.targets[fn.targets.length - 1]!;
        const loops = fn.targets.filter((x) => x.loop);
        const cont = loops.length > 0 && loops[loops.length - 1]!.continueSafe && this.c.int(2) === 1;
        if (!t.loop && !cont && this.c.int(2)) return this.stmtFallback(sc, fn);
        this.emit(`if ${this.condExpr(sc, fn).s} {`);
        this.indent++;
        this.emit(cont ? 'continue' : 'break');
        this.indent--;
        this.emit('}');
        return;
      }
      case 14: {
        this.emit(`if ${this.condExpr(sc, fn).s} {`);
        this.indent++;
        this.ret(sc, fn);
        this.indent--;
        this.emit('}');
        return;
      }
      case 15:
        return this.labeledLoops(sc, fn, depth);
      case 16: {
        const n = 1 + this.c.int(4);
        const args = [() => this.intExpr(sc, fn, 0).s, () => JSON.stringify(' '), () => this.boolExpr(sc, fn, 0).s, () => JSON.stringify('\n')];
        this.emit(`print(${args.slice(0, n).map((a) => a()).join(', ')})`);
        return;
      }
    }
  }

  private stmtFallback(sc: Scope, fn: FnCtx): void {
    this.emit(`println(${this.intExpr(sc, fn, 1).s})`);
  }

  private randomSig(maxParams: number, maxResults: number): Sig {
    const params: T[] = [];
    const np = this.c.int(maxParams + 1);
    for (let i = 0; i < np; i++) params.push(this.c.int(3) ? 'int' : 'bool');
    const results: T[] = [];
    const nr = this.c.int(maxResults + 1);
    for (let i = 0; i < nr; i++) results.push(this.c.int(3) ? 'int' : 'bool');
    return { params, results };
  }

  private callStmt(sc: Scope, fn: FnCtx, f: { name: string; sig: Sig; v?: Var }): void {
    if (f.v) this.use(f.v, fn);
    const call = `${f.name}(${this.args(f.sig.params, sc, fn, 1)})`;
    const rs = f.sig.results;
    if (rs.length === 0 || this.c.int(4) === 0) {
      this.emit(call);
      return;
    }
    if (rs.length > 1 && this.c.int(3) === 0) {
      this.emit(`println(${call})`);
      return;
    }
    const names = rs.map((t) => (this.c.int(5) === 0 ? '_' : this.fresh(t === 'int' ? 'r' : 'q')));
    if (names.every((n) => n === '_')) {
      this.emit(`${names.join(', ')} = ${call}`);
      return;
    }
    this.emit(`${names.join(', ')} := ${call}`);
    names.forEach((n, i) => {
      if (n !== '_') sc.vars.push({ name: n, kind: rs[i]!, used: false });
    });
  }

  private deferStmt(sc: Scope, fn: FnCtx): void {
    const k = this.c.pick([2, 2, 1, fn.named ? 2 : 0]);
    if (k === 0) {
      this.emit(`defer println(${JSON.stringify('deferred')}, ${this.intExpr(sc, fn, 1).s})`);
    } else if (k === 1 || k === 3) {
      this.emit('defer func() {');
      const inner: Scope = { vars: [], parent: sc };
      this.indent++;
      const fnc: FnCtx = { results: [], named: null, targets: [], owner: fn.owner, patterns: false, budget: Math.max(1, Math.floor(fn.budget / 2)) };
      if (k === 3 && fn.named) {
        const r = fn.named.findIndex((_, i) => fn.results[i] === 'int');
        if (r >= 0) this.emit(`${fn.named[r]} = ${fn.named[r]} * 2 + ${this.c.int(10)}`);
      }
      this.stmts(inner, fnc, 2, 2);
      this.closeScope(inner);
      this.indent--;
      this.emit('}()');
    } else {
      const fs = this.callable(fn);
      if (!fs.length) return this.emit(`defer println(${JSON.stringify('deferred')})`);
      const f = fs[this.c.int(fs.length)]!;
      fn.owner?.calls.add(f);
      this.emit(`defer ${f.name}(${this.args(f.sig.params, sc, fn, 1)})`);
    }
  }

  private ifStmt(sc: Scope, fn: FnCtx, depth: number): void {
    let head: string;
    let scope = sc;
    if (!this.c.chance(20)) head = `if ${this.boolExpr(sc, fn, 0).s} {`;
    else {
      // if with an init statement
      const name = this.fresh('v');
      const e = this.intExpr(sc, fn, 1);
      scope = { vars: [{ name, kind: 'int', used: true, ro: true }], parent: sc };
      head = `if ${name} := ${e.s}; ${name} ${['<', '>', '==', '!='][this.c.int(4)]} ${this.intLit().s} {`;
    }
    this.emit(head);
    this.block(scope, fn, depth);
    let chain = this.c.int(4);
    while (chain-- > 0 && this.stmtsLeft > 0) {
      if (chain > 0 && this.c.int(2)) {
        this.emit(`} else if ${this.boolExpr(scope, fn, 0).s} {`);
        this.block(scope, fn, depth);
      } else {
        this.emit('} else {');
        this.block(scope, fn, depth);
        break;
      }
    }
    this.emit('}');
  }

  private loopBound(fn: FnCtx): number {
    return 1 + this.c.int(Math.min(5, fn.budget));
  }

  private forStmt(sc: Scope, fn: FnCtx, depth: number): void {
    const n = this.loopBound(fn);
    const inner: FnCtx = { ...fn, budget: Math.floor(fn.budget / (n + 1)) };
    const i = this.fresh('i');
    const form = this.c.pick([3, 1, 1, 1]);
    if (form === 0) {
      const down = this.c.int(3) === 0;
      this.emit(down ? `for ${i} := ${n}; ${i} > 0; ${i}-- {` : `for ${i} := 0; ${i} < ${n}; ${i}++ {`);
      inner.targets = [...fn.targets, { label: null, loop: true, continueSafe: true }];
      this.block(sc, inner, depth, 3, (s) => s.vars.push({ name: i, kind: 'int', used: true, ro: true }));
      this.emit('}');
    } else if (form === 1) {
      // condition-only: the counter moves first, so continue cannot skip it
      this.emit(`${i} := 0`);
      this.emit(`for ${i} < ${n} {`);
      this.indent++;
      this.emit(`${i}++`);
      this.indent--;
      inner.targets = [...fn.targets, { label: null, loop: true, continueSafe: true }];
      this.block(sc, inner, depth, 3, (s) => s.vars.push({ name: i, kind: 'int', used: true, ro: true }));
      this.emit('}');
    } else if (form === 2) {
      this.emit(`${i} := 0`);
      this.emit('for {');
      this.indent++;
      this.emit(`if ${i} >= ${n} {`);
      this.emit('\tbreak');
      this.emit('}');
      this.emit(`${i}++`);
      this.indent--;
      inner.targets = [...fn.targets, { label: null, loop: true, continueSafe: true }];
      this.block(sc, inner, depth, 3, (s) => s.vars.push({ name: i, kind: 'int', used: true, ro: true }));
      this.emit('}');
    } else {
      // a loop whose closure captures the (Go 1.19: shared) loop variable
      const fs = this.fresh('fs');
      this.emit(`${fs} := 0`);
      this.emit(`${fs}f := func() int { return -1 }`);
      this.emit(`for ${i} := 0; ${i} < ${n}; ${i}++ {`);
      this.indent++;
      this.emit(`if ${i} == 0 {`);
      this.emit(`\t${fs}f = func() int { return ${i} * ${this.c.int(9) + 1} }`);
      this.emit('}');
      this.emit(`${fs} += ${fs}f()`);
      this.indent--;
      inner.targets = [...fn.targets, { label: null, loop: true, continueSafe: true }];
      this.block(sc, inner, depth, 2, (s) => s.vars.push({ name: i, kind: 'int', used: true, ro: true }));
      this.emit('}');
      this.emit(`println(${JSON.stringify('captured')}, ${fs}, ${fs}f())`);
    }
  }

  private labeledLoops(sc: Scope, fn: FnCtx, depth: number): void {
    const l = this.fresh('L');
    const i = this.fresh('i');
    const j = this.fresh('j');
    const n = this.loopBound(fn);
    const m = this.loopBound(fn);
    const inner: FnCtx = { ...fn, budget: Math.floor(fn.budget / ((n + 1) * (m + 1))) };
    this.emit(`${l}:`);
    this.emit(`for ${i} := 0; ${i} < ${n}; ${i}++ {`);
    this.indent++;
    this.emit(`for ${j} := 0; ${j} < ${m}; ${j}++ {`);
    this.indent++;
    const sc2: Scope = { vars: [{ name: i, kind: 'int', used: true, ro: true }, { name: j, kind: 'int', used: true, ro: true }], parent: sc };
    inner.targets = [...fn.targets, { label: l, loop: true, continueSafe: true }, { label: null, loop: true, continueSafe: true }];
    this.emit(`if ${this.condExpr(sc2, fn).s} {`);
    this.emit(`\t${this.c.int(2) ? 'continue' : 'break'} ${l}`);
    this.emit('}');
    this.indent--;
    this.block(sc2, inner, depth + 1, 2);
    this.emit('}');
    this.indent--;
    this.emit('}');
  }

  private switchStmt(sc: Scope, fn: FnCtx, depth: number): void {
    const tagged = this.c.int(3) !== 0;
    const inner: FnCtx = { ...fn, targets: [...fn.targets, { label: null, loop: false, continueSafe: false }] };
    let scope = sc;
    let head: string;
    if (tagged) {
      let tag = this.nonConstInt(sc, fn, 1).s;
      if (this.c.chance(20)) {
        const v = this.fresh('s');
        scope = { vars: [{ name: v, kind: 'int', used: true, ro: true }], parent: sc };
        this.emit(`switch ${v} := ${tag}; ${v} % ${this.c.int(4) + 2} {`);
        tag = '';
      } else this.emit(`switch ${tag} % ${this.c.int(4) + 2} {`);
      head = tag;
    } else {
      this.emit('switch {');
      head = '';
    }
    void head;
    const nCases = 1 + this.c.int(4);
    const defaultAt = this.c.chance(60) ? this.c.int(nCases + 1) : -1;
    const usedVals = new Set<string>();
    const clauses: string[] = [];
    for (let k = 0; k <= nCases; k++) {
      if (k === defaultAt) clauses.push('default');
      if (k === nCases) break;
      if (tagged) {
        const vals: string[] = [];
        const nv = 1 + this.c.int(2);
        for (let q = 0; q < nv; q++) {
          const v = `${this.c.int(7) - 2}`;
          if (!usedVals.has(v)) {
            usedVals.add(v);
            vals.push(v);
          }
        }
        if (vals.length) clauses.push(`case ${vals.join(', ')}`);
      } else clauses.push(`case ${this.condExpr(scope, fn).s}`);
    }
    clauses.forEach((cl, idx) => {
      this.emit(`${cl}:`);
      const last = idx === clauses.length - 1;
      this.block(scope, inner, depth, 2);
      if (!last && this.c.chance(20)) {
        this.indent++;
        this.emit('fallthrough');
        this.indent--;
      }
    });
    this.emit('}');
  }

  // ---- goroutines and channels -----------------------------------------------------------------

  /** Statements for a goroutine's body: simple code, no channels of its own. */
  private goBody(sc: Scope, fn: FnCtx, extra: Var[] = []): void {
    const inner: Scope = { vars: extra, parent: sc };
    const fnc: FnCtx = { results: [], named: null, targets: [], owner: fn.owner, patterns: false, budget: Math.max(1, Math.floor(fn.budget / 4)) };
    this.indent++;
    if (this.c.chance(30)) {
      this.usesRuntime = true;
      this.usesGosched = true;
      this.emit('runtime.Gosched()');
    }
    this.stmts(inner, fnc, 2, 2);
    this.closeScope(inner);
    this.indent--;
  }

  private pattern(sc: Scope, fn: FnCtx): void {
    const k = this.c.pick([3, 3, 2, 2, 2, 2, 1, 1, 1]);
    const n = 1 + this.c.int(5);
    const id = this.n++;
    const ch = `ch${id}`;
    const i = `i${id}`;
    switch (k) {
      case 0: {
        // fan-in
        this.emit(`${ch} := make(chan int${this.c.int(2) ? `, ${this.c.int(n + 1)}` : ''})`);
        this.emit(`for ${i} := 0; ${i} < ${n}; ${i}++ {`);
        this.emit(`\tgo func(p int) {`);
        this.indent++;
        this.goBody(sc, fn, [{ name: 'p', kind: 'int', used: true, ro: true }]);
        this.emit(`\t${ch} <- p * ${this.c.int(100)}`);
        this.emit(`}(${i})`);
        this.indent--;
        this.emit('}');
        this.emit(`for ${i} := 0; ${i} < ${n}; ${i}++ {`);
        this.emit(`\tprintln(${JSON.stringify('recv')}, <-${ch})`);
        this.emit('}');
        return;
      }
      case 1: {
        // worker group
        this.usesSync = true;
        const wg = `wg${id}`;
        this.emit(`var ${wg} sync.WaitGroup`);
        this.emit(`for ${i} := 0; ${i} < ${n}; ${i}++ {`);
        this.emit(`\t${wg}.Add(1)`);
        this.emit(`\tgo func(p int) {`);
        this.emit(`\t\tdefer ${wg}.Done()`);
        this.indent++;
        this.goBody(sc, fn, [{ name: 'p', kind: 'int', used: true, ro: true }]);
        this.emit(`\tprintln(${JSON.stringify('worker')}, p)`);
        this.emit(`}(${i})`);
        this.indent--;
        this.emit('}');
        this.emit(`${wg}.Wait()`);
        return;
      }
      case 2: {
        // producer / consumer with close and range
        this.emit(`${ch} := make(chan int, ${this.c.int(4)})`);
        this.emit('go func() {');
        this.emit(`\tfor ${i} := 0; ${i} < ${n}; ${i}++ {`);
        this.emit(`\t\t${ch} <- ${i} * ${this.c.int(20) - 10}`);
        this.emit('\t}');
        this.emit(`\tclose(${ch})`);
        this.emit('}()');
        const v = `v${id}`;
        this.emit(`for ${v} := range ${ch} {`);
        this.indent++;
        this.emit(`println(${JSON.stringify('got')}, ${v})`);
        this.indent--;
        this.block(sc, { ...fn, patterns: false, budget: Math.max(1, Math.floor(fn.budget / (n + 1))) }, 2, 1, (s) => s.vars.push({ name: v, kind: 'int', used: true, ro: true }));
        this.emit('}');
        return;
      }
      case 3: {
        // ping-pong over two unbuffered channels
        const pong = `pong${id}`;
        this.emit(`${ch} := make(chan int)`);
        this.emit(`${pong} := make(chan int)`);
        this.emit('go func() {');
        this.emit(`\tfor v := range ${ch} {`);
        this.emit(`\t\t${pong} <- v ${['+', '-', '*', '^'][this.c.int(4)]} ${this.c.int(50)}`);
        this.emit('\t}');
        this.emit(`\tclose(${pong})`);
        this.emit('}()');
        this.emit(`for ${i} := 0; ${i} < ${n}; ${i}++ {`);
        this.indent++;
        this.emit(`${ch} <- ${i}`);
        this.emit(`println(${JSON.stringify('pong')}, <-${pong})`);
        this.indent--;
        this.emit('}');
        this.emit(`close(${ch})`);
        this.emit(`_, ok${id} := <-${pong}`);
        this.emit(`println(ok${id})`);
        return;
      }
      case 4: {
        // receives from a closed buffered channel
        const elem: ChanElem = this.c.int(2) ? 'int' : 'bool';
        const cap = 1 + this.c.int(3);
        this.emit(`${ch} := make(chan ${elem}, ${cap})`);
        const sent = this.c.int(cap + 1);
        for (let q = 0; q < sent; q++) this.emit(`${ch} <- ${elem === 'int' ? this.intLit().s : this.c.int(2) ? 'true' : 'false'}`);
        this.emit(`println(len(${ch}), cap(${ch}))`);
        this.emit(`close(${ch})`);
        for (let q = 0; q <= sent; q++) {
          this.emit(`{`);
          this.emit(`\tv, ok := <-${ch}`);
          this.emit(`\tprintln(v, ok, len(${ch}))`);
          this.emit(`}`);
        }
        return;
      }
      case 5: {
        // completion signal over chan struct{}
        const done = `done${id}`;
        this.emit(`${done} := make(chan struct{})`);
        this.emit('go func() {');
        this.goBody(sc, fn);
        this.emit(this.c.int(2) ? `\tclose(${done})` : `\t${done} <- struct{}{}`);
        this.emit('}()');
        this.emit(`<-${done}`);
        return;
      }
      case 6: {
        // runtime.Goexit runs the goroutine's deferred calls
        this.usesRuntime = true;
        const done = `done${id}`;
        this.emit(`${done} := make(chan bool)`);
        this.emit('go func() {');
        this.emit(`\tdefer func() { ${done} <- true }()`);
        this.emit(`\tdefer println(${JSON.stringify('goexit')}, ${id})`);
        this.goBody(sc, fn);
        this.emit('\truntime.Goexit()');
        this.emit('}()');
        this.emit(`println(<-${done})`);
        return;
      }
      case 7: {
        this.usesRuntime = true;
        this.emit(`println(${JSON.stringify('goroutines')}, runtime.NumGoroutine())`);
        return;
      }
      default: {
        // an ending on purpose: a deadlock, a panic from the runtime, or Goexit in main
        const e = this.c.int(5);
        if (e === 0) this.emit(`<-make(chan int)`);
        else if (e === 1) {
          this.emit(`${ch} := make(chan bool, 1)`);
          this.emit(`close(${ch})`);
          this.emit(`${ch} <- true`);
        } else if (e === 2) {
          this.emit(`var ${ch} chan int`);
          this.emit(`close(${ch})`);
        } else if (e === 3) {
          this.emit(`z${id} := ${this.c.int(2)}`);
          this.emit(`z${id}--`);
          this.emit(`z${id} = z${id} * z${id} - 1`);
          this.emit(`println(${this.c.int(100)} / z${id})`);
          return;
        } else {
          this.usesRuntime = true;
          this.emit('runtime.Goexit()');
        }
        this.endedHard = true;
        return;
      }
    }
  }

  // ---- the file -----------------------------------------------------------------------------------

  /** The lines of a top-level body generated by `fill` with a statement budget; restores nothing (bodies come one after another). */
  private topBody(stmts: number, fill: () => void): string[] {
    this.lines = [];
    this.indent = 1;
    this.stmtsLeft = stmts;
    fill();
    return this.lines;
  }

  generate(): string {
    // declarations first: package-level variables (name, type) and function
    // signatures, so that main and every body can refer to them
    const nGlobals = this.c.int(4);
    for (let k = 0; k < nGlobals; k++) this.globals.push({ name: `g${k}`, t: this.c.int(4) ? 'int' : 'bool' });
    const pkg: Scope = { vars: this.globals.map((g, k) => ({ name: g.name, kind: g.t, used: true, global: k })), parent: null };
    const nFuncs = this.c.int(5);
    for (let k = 0; k < nFuncs; k++) {
      const recursive = this.c.chance(15);
      const sig = recursive ? { params: ['int' as T], results: ['int' as T] } : this.randomSig(3, 3);
      const named = sig.results.length && this.c.chance(30) ? sig.results.map((_, i) => `r${i}`) : null;
      this.funcs.push({ name: `f${k}`, sig, named, recursive, globals: new Set(), calls: new Set() });
    }

    // main (goroutine patterns live here)
    const mainBody = this.topBody(50, () => {
      const mainFn: FnCtx = { results: [], named: null, targets: [], owner: null, patterns: true, budget: 40 };
      const mainScope: Scope = { vars: [], parent: pkg };
      this.stmts(mainScope, mainFn, 14, 0);
      if (this.lines.length === 0) this.emit(`println(${JSON.stringify('done')})`);
      this.closeScope(mainScope);
    });
    this.endedHard = false;

    // function bodies, each calling only earlier functions (and maybe itself, counting down)
    const funcTexts: string[] = [];
    for (const info of this.funcs) {
      const { sig, named, recursive } = info;
      this.topBody(12, () => {});
      const params: Var[] = sig.params.map((t, i) => ({ name: `p${i}`, kind: t, used: true, ro: recursive }));
      const scope: Scope = { vars: [...params, ...(named ?? []).map((n, i): Var => ({ name: n, kind: sig.results[i]!, used: true }))], parent: pkg };
      // functions start goroutines too (not recursive ones: a pattern per level would multiply)
      const fn: FnCtx = { results: sig.results, named, targets: [], owner: info, patterns: !recursive, budget: 12 };
      if (recursive) {
        this.emit(`if p0 <= 0 || p0 > 20 {`);
        this.emit(`\treturn ${this.intLit().s}`);
        this.emit('}');
        this.stmts(scope, fn, 2, 1);
        this.closeScope(scope);
        this.emit(`return ${info.name}(p0-1) ${['+', '-', '^', '*'][this.c.int(4)]} ${this.intExpr(scope, fn, 2).s}`);
      } else this.body(scope, fn, 4);
      funcTexts.push(`func ${info.name}${this.sigText(sig, named)} {\n${this.lines.join('\n')}\n}`);
    }

    let initText = '';
    if (this.c.chance(20)) {
      const body = this.topBody(8, () => {
        const fn: FnCtx = { results: [], named: null, targets: [], owner: null, patterns: false, budget: 8 };
        const sc: Scope = { vars: [], parent: pkg };
        this.stmts(sc, fn, 3, 0);
        this.closeScope(sc);
      });
      initText = `func init() {\n${body.join('\n')}\n}`;
    }

    // what each function touches through its calls (callees come first)
    for (const f of this.funcs) for (const c of f.calls) for (const g of c.globals) f.globals.add(g);

    // initializers of the globals, each using only earlier ones
    const globalTexts: string[] = [];
    for (let k = 0; k < this.globals.length; k++) {
      this.globalLimit = k;
      this.stmtsLeft = 4;
      const g = this.globals[k]!;
      const fn: FnCtx = { results: [], named: null, targets: [], owner: null, patterns: false, budget: 1 };
      const e = this.c.chance(30) ? null : this.expr(g.t, pkg, fn, 1);
      globalTexts.push(e ? `var ${g.name}${this.c.int(2) ? ` ${g.t}` : ''} = ${e.s}` : `var ${g.name} ${g.t}`);
    }
    this.globalLimit = Infinity;

    const imports = [this.usesRuntime && '"runtime"', this.usesSync && '"sync"'].filter(Boolean) as string[];
    const parts = ['package main'];
    if (imports.length === 1) parts.push(`import ${imports[0]}`);
    else if (imports.length > 1) parts.push(`import (\n${imports.map((i) => `\t${i}`).join('\n')}\n)`);
    // declaration order of the globals: shuffled (initialization follows dependencies, not order)
    const order = globalTexts.map((_, k) => k);
    for (let k = order.length - 1; k > 0; k--) {
      const j = this.c.int(k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const k of order) parts.push(globalTexts[k]!);
    if (this.usesOne) parts.push('var one = 1');
    parts.push(...funcTexts);
    if (initText) parts.push(initText);
    parts.push(`func main() {\n${mainBody.join('\n')}\n}`);
    return `${parts.join('\n\n')}\n`;
  }
}

/** The Go program for a choice sequence, for an int of `bits` bits (64 on amd64, 32 on arm). */
export function generateProgram(choices: readonly number[], bits: number): string {
  return new Gen(choices, bits).generate();
}

/** fast-check arbitrary of choice sequences; `generateProgram` turns one into a program. */
export function choicesArb(maxLength = 800): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength, size: 'max' });
}
