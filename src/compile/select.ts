// The select statement: its checks (types2's rules: one default, each case a
// send or a receive, possibly with := or =) and its lowering, which follows
// go1.19 cmd/compile walk/select.go walkSelectCases:
//   - `select {}`: runtime.block();
//   - one case (no default): the communication itself (chansend1,
//     chanrecv1/chanrecv2), then the body; a lone default: its body;
//   - one case and a default: selectnbsend(c, &v) / selectnbrecv(&v, c);
//   - otherwise an array of scase{c, elem} in the frame (sends first in
//     source order, receives from the end backwards), an order array of
//     2*n uint16 and runtime.selectgo(&cases[0], &order[0], nil, nsends,
//     nrecvs, block); then the chosen case's body (-1: default).
// So fastrand is consumed exactly where Go consumes it (selectgo's
// pollorder, and only there). As in order.go, every case's channel and every
// sent value is evaluated once, in source order, before the select runs; a
// received value goes to a frame temporary (or a new object for a memory
// value) that the case then assigns or declares.
//
// check.ts and lower.ts reach this file through small hook objects.
import type { CommClause, Expr, SelectStmt, Stmt } from './ast.ts';
import { ENTRY, type RuntimeEntry } from '../abi/index.ts';
import { fail } from './errors.ts';
import { frame, imm, type InstBody, type Operand, slot } from './ir.ts';
import { isMem, leaves, sizeOf, type Type, under } from './types.ts';

// ---- checking ----------------------------------------------------------------------------------

export interface SelectCheckHooks {
  /** check a statement in the current scope */
  stmt(s: Stmt): void;
  /** run f in a new scope, with s as the innermost statement `break` leaves */
  clause(s: SelectStmt, f: () => void): void;
}

export function checkSelect(h: SelectCheckHooks, s: SelectStmt): void {
  let dflt: CommClause | null = null;
  for (const c of s.clauses) {
    if (!c.comm) {
      if (dflt) fail(c.pos, `multiple defaults (first at ${dflt.pos.line}:${dflt.pos.col})`);
      dflt = c;
    }
    h.clause(s, () => {
      if (c.comm) h.stmt(c.comm);
      for (const st of c.body) h.stmt(st);
    });
  }
}

// ---- lowering ------------------------------------------------------------------------------------

type Val = Operand[];

export interface SelectLowerHooks {
  readonly W: number;
  setLine(line: number): void;
  newVar(): number;
  newBlock(n: number): number;
  label(): number;
  place(id: number): void;
  jmp(id: number): void;
  emit(i: InstBody): void;
  rtcall(e: RuntimeEntry, args: Operand[], dsts?: number[]): void;
  prepare(e: Expr): void;
  expr(e: Expr): Val;
  exprTo(e: Expr, t: Type): Val;
  /** the address of a value laid out in memory, for the duration of the next call */
  elemAddr(et: Type, v: Val): Operand;
  elemIsWord(et: Type): boolean;
  loadMem(base: Operand, off: number, t: Type): Val;
  newObject(t: Type): Operand;
  zeroVal(t: Type): Val;
  /** the received value (and ok) the receive expression `x` stands for in the next statement */
  setReceived(x: Expr, vals: Val[]): void;
  stmt(s: Stmt): void;
  stmts(list: Stmt[]): void;
  /** the labels `break` jumps to */
  setBreak(s: SelectStmt, brk: number): void;
}

/** A case's communication, taken apart. */
interface Comm {
  clause: CommClause;
  send: boolean;
  /** the channel expression */
  ch: Expr;
  /** the value sent */
  value?: Expr;
  /** the receive expression `<-ch` (receives) */
  recv?: Expr;
  /** the received value is assigned or declared (not `<-c` alone, nor `_ = <-c`, ...) */
  wantsValue: boolean;
  elemType: Type;
}

function unparen(e: Expr): Expr {
  while (e.kind === 'paren') e = e.x;
  return e;
}

function commOf(c: CommClause): Comm {
  const s = c.comm!;
  if (s.kind === 'send') return { clause: c, send: true, ch: s.ch, value: s.value, wantsValue: false, elemType: chanElem(s.ch) };
  let recv: Expr;
  let lhs: Expr[] = [];
  if (s.kind === 'expr') recv = s.x;
  else if (s.kind === 'define' || s.kind === 'assign') {
    recv = s.rhs[0]!;
    lhs = s.lhs;
  } else throw new Error(`lower: select case ${s.kind}`);
  const r = unparen(recv) as Extract<Expr, { kind: 'unary' }>;
  const first = lhs[0] ? unparen(lhs[0]) : null;
  const wantsValue = !!first && !(first.kind === 'ident' && first.name === '_');
  return { clause: c, send: false, ch: r.x, recv: r, wantsValue, elemType: chanElem(r.x) };
}

function chanElem(ch: Expr): Type {
  return (under(ch.t!) as Extract<Type, { k: 'chan' }>).elem;
}

/** Has the case an assignment of the receive (`v := <-c`, `v, ok = <-c`)? */
function assigns(c: CommClause): boolean {
  return !!c.comm && (c.comm.kind === 'define' || c.comm.kind === 'assign');
}

export function lowerSelect(h: SelectLowerHooks, s: SelectStmt): void {
  const end = h.label();
  h.setBreak(s, end);
  const cases = s.clauses;
  const dflt = cases.find((c) => !c.comm) ?? null;

  if (cases.length === 0) {
    h.rtcall(ENTRY.block, []);
    h.place(end);
    return;
  }
  if (cases.length === 1) {
    // the communication itself, then the body
    const c = cases[0]!;
    if (c.comm) h.stmt(c.comm);
    body(h, c);
    h.place(end);
    return;
  }

  if (cases.length === 2 && dflt) {
    const c = cases[0] === dflt ? cases[1]! : cases[0]!;
    const k = commOf(c);
    const el = h.label();
    const ch = evalChan(h, k);
    if (k.send) {
      const elem = evalSendValue(h, k);
      const sel = h.newVar();
      h.setLine(c.pos.line);
      h.rtcall(ENTRY.selectnbsend, [slot(ch), elem], [sel]);
      h.emit({ op: 'br', cond: slot(sel), when: false, target: el });
    } else {
      const dst = recvTarget(h, k);
      const sel = h.newVar();
      const ok = h.newVar();
      h.setLine(c.pos.line);
      h.rtcall(ENTRY.selectnbrecv, [dst.addr, slot(ch)], [sel, ok]);
      h.emit({ op: 'br', cond: slot(sel), when: false, target: el });
      bindRecv(h, k, dst, ok);
    }
    body(h, c);
    h.jmp(end);
    h.place(el);
    body(h, dflt);
    h.place(end);
    return;
  }

  // the general case: scases in the frame, runtime.selectgo
  const comms = cases.filter((c) => c.comm).map(commOf);
  const ncas = comms.length;
  const nsends = comms.filter((k) => k.send).length;
  const nrecvs = ncas - nsends;
  const W = h.W;
  const casorder: { k: Comm; ch: number; elem: Operand; dst?: RecvTarget }[] = new Array(ncas);
  let si = 0;
  let ri = 0;
  for (const k of comms) {
    // source order: the channel, then the value sent
    const ch = evalChan(h, k);
    if (k.send) casorder[si++] = { k, ch, elem: evalSendValue(h, k) };
    else {
      const dst = recvTarget(h, k);
      casorder[ncas - ++ri] = { k, ch, elem: dst.addr, dst };
    }
  }
  h.setLine(s.pos.line);
  const selv = h.newBlock(2 * ncas);
  casorder.forEach((e, i) => {
    h.emit({ op: 'store', base: frame(selv), off: 2 * W * i, src: slot(e.ch) });
    h.emit({ op: 'store', base: frame(selv), off: 2 * W * i + W, src: e.elem });
  });
  const order = h.newBlock(Math.ceil((4 * ncas) / W));
  const chosen = h.newVar();
  const recvOK = h.newVar();
  h.rtcall(ENTRY.selectgo, [frame(selv), frame(order), imm(0), imm(nsends), imm(nrecvs), imm(dflt ? 0 : 1)], [chosen, recvOK]);
  if (dflt) {
    const next = h.label();
    h.setLine(dflt.pos.line);
    h.emit({ op: 'brcmp', cmp: 'ge', a: slot(chosen), b: imm(0), when: true, target: next });
    body(h, dflt);
    h.jmp(end);
    h.place(next);
  }
  casorder.forEach((e, i) => {
    const next = h.label();
    h.setLine(e.k.clause.pos.line);
    h.emit({ op: 'brcmp', cmp: 'ne', a: slot(chosen), b: imm(i), when: true, target: next });
    if (e.dst) bindRecv(h, e.k, e.dst, recvOK);
    body(h, e.k.clause);
    h.jmp(end);
    h.place(next);
  });
  h.place(end);
}

/** A case's body (its own line numbers). */
function body(h: SelectLowerHooks, c: CommClause): void {
  h.setLine(c.pos.line);
  h.stmts(c.body);
}

/** The case's channel, evaluated into a variable of its own. */
function evalChan(h: SelectLowerHooks, k: Comm): number {
  h.setLine(k.clause.pos.line);
  h.prepare(k.ch);
  const c = h.newVar();
  h.emit({ op: 'mov', dst: c, src: h.expr(k.ch)[0]! });
  return c;
}

/** The address of the value a send case sends (valid until the select's call). */
function evalSendValue(h: SelectLowerHooks, k: Comm): Operand {
  h.prepare(k.value!);
  return h.elemAddr(k.elemType, h.exprTo(k.value!, k.elemType));
}

interface RecvTarget {
  /** where the runtime stores the received value (0 when nothing wants it) */
  addr: Operand;
  /** the value, read after the select */
  val: () => Val;
}

/** Where a receive case's value goes: a frame temporary, or a new object for a memory value. */
function recvTarget(h: SelectLowerHooks, k: Comm): RecvTarget {
  const et = k.elemType;
  if (!k.wantsValue) return { addr: imm(0), val: () => h.zeroVal(et) };
  if (isMem(et)) {
    const p = h.newVar();
    h.emit({ op: 'mov', dst: p, src: h.newObject(et) });
    return { addr: slot(p), val: () => [slot(p)] };
  }
  if (h.elemIsWord(et)) {
    // elements narrower than a word are stored as bytes: start from 0
    const t = h.newVar();
    h.emit({ op: 'mov', dst: t, src: imm(0) });
    return { addr: frame(t), val: () => (leaves(et, h.W).length === 0 ? [] : [slot(t)]) };
  }
  const b = h.newBlock(Math.ceil(sizeOf(et, h.W) / h.W));
  return { addr: frame(b), val: () => h.loadMem(frame(b), 0, et) };
}

/** The chosen receive case's `v := <-c` / `v, ok = <-c`: the statement, with the receive already done. */
function bindRecv(h: SelectLowerHooks, k: Comm, dst: RecvTarget, ok: number): void {
  if (!assigns(k.clause)) return;
  const s = k.clause.comm as Extract<Stmt, { kind: 'define' | 'assign' }>;
  const v = dst.val();
  h.setReceived(k.recv!, s.lhs.length > 1 ? [v, [slot(ok)]] : [v]);
  h.stmt(s);
}
