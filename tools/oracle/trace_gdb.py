# Records register-level traces of the real go1.19 runtime's goroutine-switch
# stubs. Run by tools/oracle/trace.sh inside gdb-multiarch (batch mode), with a
# Go program waiting under qemu-user's gdbstub (qemu-<arch> -g <unix socket>).
#
# Environment (all set by trace.sh):
#   ORACLE_ARCH     amd64 | arm
#   ORACLE_BIN      the binary (gdb loads its symbols: on arm gdb single-steps
#                   in software and cannot without them)
#   ORACLE_SOCK     the gdbstub's unix socket
#   ORACLE_SYMS     `go tool nm -n -size` of the binary
#   ORACLE_OFFSETS  fixtures/oracle/offsets-<arch>.json (go_asm.h constants)
#   ORACLE_OUT      the .jsonl to write; ORACLE_SUMMARY the .summary.txt
#
# One JSON record per hit of a breakpoint at a stub's entry: rt0_go, mstart
# (m0 only), gogo, mcall, systemstack, systemstack_ret (the instruction after
# systemstack's call of fn), morestack, morestack_noctxt, goexit_ret
# (goexit+PCQuantum) and asyncPreempt. At each hit the thread that hit it is
# single-stepped (stepi) until its pc leaves the stub and its helpers; every
# step keeps the registers it changed. The record format is documented in
# tools/oracle/README.md ("trace-<arch>.jsonl").
#
# sysmon is kept from starting: runtime.main's systemstack(newm(sysmon)) call
# (fn = runtime.main.func1) is answered by emulating an immediate return from
# systemstack (pc = return address, and the return address popped on amd64);
# the record says path "skipped". Single-stepping under gdb is slow enough
# that sysmon would otherwise see long-running goroutines and preempt them.
import bisect
import json
import os
import re
import struct
import sys

import gdb

ARCH = os.environ["ORACLE_ARCH"]
OFF = json.load(open(os.environ["ORACLE_OFFSETS"]))
AMD64 = ARCH == "amd64"
W = 8 if AMD64 else 4
MASK = (1 << (8 * W)) - 1
PCQ = OFF["goarch_const_PCQuantum"]
REGS = (
    ["rip", "rsp", "rbp", "r14", "rax", "rbx", "rcx", "rdx", "rdi", "rsi", "r8", "r9", "r10", "r11", "r12", "r13", "r15", "eflags", "fs_base"]
    if AMD64
    else ["pc", "sp", "lr"] + ["r%d" % i for i in range(13)] + ["cpsr"]
)
PC, SP = ("rip", "rsp") if AMD64 else ("pc", "sp")
GREG = "r14" if AMD64 else "r10"
CTXT = "rdx" if AMD64 else "r7"
MAX_STEPS = 400


def sconst(name):
    v = OFF[name]
    return int(v, 16) if isinstance(v, str) else v


STACK_PREEMPT = sconst("const_stackPreempt") & MASK
STACK_GUARD = OFF["const__StackGuard"]
GRUNNING = OFF["const__Grunning"]


def hx(v):
    return None if v is None else "0x%x" % v


# ---- symbols -------------------------------------------------------------------

TEXT = []  # (addr, size, name), sorted
ADDR = {}
for line in open(os.environ["ORACLE_SYMS"]):
    f = line.split()
    if len(f) < 4:
        continue
    addr, size, typ, name = int(f[0], 16), int(f[1]), f[2], " ".join(f[3:])
    ADDR.setdefault(name, addr)
    if typ in ("T", "t"):
        TEXT.append((addr, size, name))
TEXT.sort()
TEXT_ADDRS = [t[0] for t in TEXT]


def sym(pc):
    i = bisect.bisect_right(TEXT_ADDRS, pc) - 1
    if i < 0:
        return hx(pc)
    a, size, name = TEXT[i]
    if size and pc >= a + size:
        return hx(pc)
    return "%s+%d" % (name, pc - a)


def func(name):
    """A text symbol by Go name: runtime.X.abi0 on amd64 (ABI0 asm), else runtime.X or the file-local label."""
    for n in ("runtime.%s.abi0" % name, "runtime.%s" % name, name):
        for t in TEXT:
            if t[2] == n:
                return t
    raise KeyError(name)


def exact(*names):
    return [t for t in TEXT if t[2] in names]


# arm's helpers: the file-local label setg<> (nm "t setg"; not runtime.setg) and
# tls_arm.s's save_g/load_g, which setg<> reaches only when iscgo != 0
H = [] if AMD64 else exact("setg", "runtime.save_g", "runtime.load_g")
STUBS = {
    # gogo<> and gosave_systemstack_switch<> are file-local labels too
    "gogo": [func("gogo")] + exact("gogo") + H,
    "mcall": [func("mcall")] + H,
    "systemstack": [func("systemstack")] + exact("gosave_systemstack_switch") + H,
    "systemstack_ret": [func("systemstack")] + H,
    "morestack": [func("morestack")] + H,
    "morestack_noctxt": [func("morestack_noctxt"), func("morestack")] + H,
    "goexit_ret": [func("goexit")],
    "asyncPreempt": [func("asyncPreempt")],
}


def inside(kind, pc):
    return any(a <= pc < a + s for a, s, _ in STUBS[kind])


def disasm(fn):
    a, size, _ = fn
    return gdb.selected_inferior().architecture().disassemble(a, a + size - 1)


def after_indirect_call(name):
    """Where the stub's call of fn.fn returns to: the address after its indirect
    call through a register just loaded from [fn] (amd64 `MOVQ 0(DI), DI; CALL
    DI`, arm `MOVW 0(R0), R0; BL (R0)`); the other indirect calls are to
    badsystemstack and the like."""
    prev = None
    for ins in disasm(func(name)):
        asm = ins["asm"].split()
        if AMD64:
            call = asm[0].startswith("call") and len(asm) > 1 and asm[1].startswith("*%")
            loaded = call and prev and re.match(r"mov\s+\(%\w+\)," + re.escape(asm[1][1:]) + "$", prev)
        else:
            call = asm[0] == "blx" and len(asm) == 2
            loaded = call and prev and re.match(r"ldr\s+" + asm[1] + r", \[r\d+\]$", prev)
        if loaded:
            return ins["addr"] + ins["length"]
        prev = ins["asm"]
    raise RuntimeError("no call of fn.fn in " + name)


# ---- target access -------------------------------------------------------------


def mem(addr, n):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, n))
    except gdb.MemoryError:
        return None


def u(addr, n=W):
    b = mem(addr, n) if addr else None
    if b is None:
        return None
    return struct.unpack("<" + {1: "B", 4: "I", 8: "Q"}[n], b)[0]


def i64(addr):
    b = mem(addr, 8)
    return None if b is None else struct.unpack("<q", b)[0]


def regs():
    out = {}
    for r in REGS:
        out[r] = int(gdb.parse_and_eval("$" + r)) & MASK
    return out


def gobuf(addr):
    o = lambda f: u(addr + OFF["gobuf_" + f])
    return {k: hx(o(k)) for k in ("sp", "pc", "g", "ctxt", "ret", "lr", "bp")}


def gstate(g):
    """What a g (and its m) holds; None when g is 0 or unreadable."""
    if not g or mem(g, 8) is None:
        return None
    m = u(g + OFF["g_m"])
    d = {
        "addr": hx(g),
        "goid": i64(g + OFF["g_goid"]),
        "status": u(g + OFF["g_atomicstatus"], 4),
        "stack_lo": hx(u(g + OFF["g_stack"] + OFF["stack_lo"])),
        "stack_hi": hx(u(g + OFF["g_stack"] + OFF["stack_hi"])),
        "stackguard0": hx(u(g + OFF["g_stackguard0"])),
        "m": hx(m),
        "sched": gobuf(g + OFF["g_sched"]),
    }
    if m:
        g0 = u(m + OFF["m_g0"])
        d.update(
            m_g0=hx(g0),
            m_curg=hx(u(m + OFF["m_curg"])),
            m_gsignal=hx(u(m + OFF["m_gsignal"])),
            m_id=i64(m + OFF["m_id"]),
            m_p=hx(u(m + OFF["m_p"])),
            g0_sched_sp=hx(u(g0 + OFF["g_sched"] + OFF["gobuf_sp"]) if g0 else None),
        )
    return d


def cpu(r, with_g=True):
    d = {"pc": hx(r[PC]), "sym": sym(r[PC]), "regs": {k: hx(v) for k, v in r.items()}}
    if AMD64:
        d["tls_g"] = hx(u(r["fs_base"] - 8)) if r["fs_base"] else None
        d["ret_addr_at_sp"] = hx(u(r["rsp"]))
    else:
        d["word_at_sp"] = hx(u(r["sp"]))
        d["word_at_sp4"] = hx(u(r["sp"] + 4))
    d["g"] = gstate(r[GREG]) if with_g else None
    return d


def getg(r):
    """The g the runtime sees: TLS slot [fs_base-8] on amd64, R10 on arm."""
    return (u(r["fs_base"] - 8) if r["fs_base"] else None) if AMD64 else r["r10"]


def hexval(d, k):
    """The number in a record's hex string d[k] (None when absent)."""
    v = d.get(k) if d else None
    return None if v is None else int(v, 16)


# ---- threads -------------------------------------------------------------------

THREADS = {}


def thread_no():
    t = gdb.selected_thread()
    key = t.ptid
    if key not in THREADS:
        THREADS[key] = len(THREADS) + 1
    return THREADS[key], key


class StepError(Exception):
    pass


def step_until_outside(kind, r0, ptid, extra=0):
    """stepi until pc leaves the stub (then `extra` more); returns steps, last regs, index of the first step outside."""
    steps, prev, left = [], r0, None
    for _ in range(MAX_STEPS):
        try:
            gdb.execute("stepi", to_string=True)
        except gdb.MemoryError as e:
            raise StepError("stepi after %s (%s) in %s: %s" % (hx(prev[PC]), sym(prev[PC]), kind, e))
        if gdb.selected_thread().ptid != ptid:
            raise StepError("a stop in another thread (%s) while stepping %s in %s" % (gdb.selected_thread().ptid, kind, ptid))
        r = regs()
        steps.append({"pc": hx(r[PC]), "sym": sym(r[PC]), "changed": {k: hx(v) for k, v in r.items() if k != PC and v != prev[k]}})
        prev = r
        if left is None and not inside(kind, r[PC]):
            left = len(steps) - 1
        if left is not None and len(steps) - 1 - left >= extra:
            return steps, r, left
    raise StepError("%s did not leave the stub in %d steps" % (kind, MAX_STEPS))


# ---- the recording -------------------------------------------------------------

records = []
failed = []


def emit(rec):
    records.append(rec)
    bad = [k for k, v in rec.get("checks", {}).items() if not v]
    if bad:
        failed.append((rec["seq"], rec["kind"], bad))


def checks(pairs):
    return {name: bool(ok) for name, ok in pairs}


def main():
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("set architecture %s" % ("i386:x86-64" if AMD64 else "arm"), to_string=True)
    gdb.execute("file %s" % os.environ["ORACLE_BIN"], to_string=True)
    gdb.execute("target remote %s" % os.environ["ORACLE_SOCK"], to_string=True)
    gdb.execute("handle all nostop noprint pass", to_string=True)

    goexit = func("goexit")[0]
    ss_ret = after_indirect_call("systemstack")
    mcall_ret = after_indirect_call("mcall")
    ss_switch = func("systemstack_switch")[0]
    bps = {
        func("rt0_go")[0]: "rt0_go",
        func("mstart")[0]: "mstart",
        func("gogo")[0]: "gogo",
        func("mcall")[0]: "mcall",
        func("systemstack")[0]: "systemstack",
        ss_ret: "systemstack_ret",
        func("morestack")[0]: "morestack",
        func("morestack_noctxt")[0]: "morestack_noctxt",
        goexit + PCQ: "goexit_ret",
        func("asyncPreempt")[0]: "asyncPreempt",
    }
    bpnum = {}
    for a, k in bps.items():
        b = gdb.Breakpoint("*0x%x" % a, internal=True)
        bpnum[k] = b

    seq = 0
    while True:
        gdb.execute("continue", to_string=True)
        if not gdb.selected_inferior().pid or not gdb.selected_inferior().threads():
            break
        r = regs()
        kind = bps.get(r[PC])
        if kind is None:
            raise StepError("stopped at %s (%s), not a stub" % (hx(r[PC]), sym(r[PC])))
        tno, ptid = thread_no()
        rec = {"seq": seq, "arch": ARCH, "kind": kind, "thread": tno}
        entry = cpu(r, with_g=kind != "rt0_go")
        rec["entry"] = entry
        eg = entry["g"]
        gaddr = r[GREG]

        if kind == "rt0_go":
            rec["argc_reg"] = hx(r["rdi" if AMD64 else "r0"])
            rec["argv_reg"] = hx(r["rsi" if AMD64 else "r1"])
        elif kind == "mstart":
            g0, m0 = ADDR["runtime.g0"], ADDR["runtime.m0"]
            gs = gstate(g0)
            rec["runtime.g0"] = hx(g0)
            rec["runtime.m0"] = hx(m0)
            rec["g0"] = gs
            rec["g0_stackguard1"] = hx(u(g0 + OFF["g_stackguard1"]))
            rec["m0_tls0"] = hx(u(m0 + OFF["m_tls"]))
            rec["iscgo"] = hx(u(ADDR["runtime.iscgo"], 1))
            rec["g0_stack_lo_plus_StackGuard"] = hx(hexval(gs, "stack_lo") + STACK_GUARD)
            if AMD64:
                rec["fs_base-&m0.tls"] = hx(r["fs_base"] - (m0 + OFF["m_tls"]))
            # only m0's start is recorded: later Ms start at mstart too (clone)
            bpnum["mstart"].delete()
        elif kind == "gogo":
            buf = u(r[SP] + W)
            gb = gobuf(buf)
            rec["buf"] = hx(buf)
            rec["gobuf"] = gb
            rec["gobuf_pc_sym"] = sym(hexval(gb, "pc"))
            tg = hexval(gb, "g")
            rec["target_g"] = gstate(tg)
            startpc = u(tg + OFF["g_startpc"])
            steps, x, _ = step_until_outside(kind, r, ptid)
            rec["steps"] = steps
            rec["exit"] = ex = cpu(x)
            after = gobuf(buf)
            rec["gobuf_after"] = after
            fresh = hexval(gb, "pc") == startpc
            rec["fresh_goroutine"] = fresh
            B = lambda k: hexval(gb, k)
            A = lambda k: hexval(after, k)
            if AMD64:
                c = [
                    ("pc==gobuf.pc", x[PC] == B("pc")),
                    ("sp==gobuf.sp", x[SP] == B("sp")),
                    ("g_reg==gobuf.g", x[GREG] == B("g")),
                    ("tls_g(FS:-8)==gobuf.g", hexval(ex, "tls_g") == B("g")),
                    ("rbp==gobuf.bp", x["rbp"] == B("bp")),
                    ("rax==gobuf.ret", x["rax"] == B("ret")),
                    ("rdx==gobuf.ctxt", x["rdx"] == B("ctxt")),
                    ("rbx==gobuf.pc", x["rbx"] == B("pc")),
                    ("gobuf.sp,ret,ctxt,bp zeroed", A("sp") == A("ret") == A("ctxt") == A("bp") == 0),
                    ("gobuf.lr untouched", A("lr") == B("lr")),
                    ("gobuf.pc,g kept", A("pc") == B("pc") and A("g") == B("g")),
                ]
            else:
                c = [
                    ("pc==gobuf.pc", x[PC] == B("pc")),
                    ("sp==gobuf.sp", x[SP] == B("sp")),
                    ("g_reg==gobuf.g", x[GREG] == B("g")),
                    ("lr==gobuf.lr", x["lr"] == B("lr")),
                    ("r0==gobuf.ret", x["r0"] == B("ret")),
                    ("r7==gobuf.ctxt", x["r7"] == B("ctxt")),
                    ("r11==gobuf.pc", x["r11"] == B("pc")),
                    ("r1==buf", x["r1"] == buf),
                    ("Z flag set (CMP R11,R11)", bool(x["cpsr"] & (1 << 30))),
                    ("gobuf.sp,ret,lr,ctxt zeroed", A("sp") == A("ret") == A("lr") == A("ctxt") == 0),
                    ("gobuf.pc,g kept", A("pc") == B("pc") and A("g") == B("g")),
                ]
            c.append(("target g _Grunning", (rec["target_g"] or {}).get("status") == GRUNNING))
            if fresh:
                t = rec["target_g"]
                hi, lo = hexval(t, "stack_hi"), hexval(t, "stack_lo")
                if AMD64:
                    c += [("fresh: gobuf.sp==stack.hi-40", B("sp") == hi - 40), ("fresh: [gobuf.sp]==goexit+1", u(B("sp")) == goexit + 1)]
                else:
                    c += [("fresh: gobuf.sp==stack.hi-20", B("sp") == hi - 20), ("fresh: gobuf.lr==goexit+4", B("lr") == goexit + 4), ("fresh: [gobuf.sp]==0", u(B("sp")) == 0)]
                c.append(("fresh: stackguard0==stack.lo+_StackGuard", hexval(t, "stackguard0") == lo + STACK_GUARD))
            rec["checks"] = checks(c)
        elif kind in ("mcall", "systemstack"):
            fn = r["rax"] if (AMD64 and kind == "mcall") else u(r[SP] + W)
            fnfn = u(fn)
            caller = u(r[SP]) if AMD64 else r["lr"]
            rec["fn"] = hx(fn)
            rec["fn_fn"] = hx(fnfn)
            rec["fn_sym"] = sym(fnfn)
            rec["caller_pc"] = hx(caller)
            rec["caller_sym"] = sym(caller)
            m = hexval(eg, "m")
            g0 = hexval(eg, "m_g0")
            g0sp = hexval(eg, "g0_sched_sp")
            if kind == "systemstack":
                cur = getg(r)
                gsig = u(u(cur + OFF["g_m"]) + OFF["m_gsignal"]) if cur else None
                mm = u(cur + OFF["g_m"]) if cur else None
                path = "bad"
                if mm:
                    if cur == u(mm + OFF["m_g0"]):
                        path = "noswitch(g0)"
                    elif cur == gsig:
                        path = "noswitch(gsignal)"
                    elif cur == u(mm + OFF["m_curg"]):
                        path = "switch"
                if rec["fn_sym"] == "runtime.main.func1+0" and rec["caller_sym"].startswith("runtime.main+"):
                    # keep sysmon from starting: return from systemstack at once
                    rec["path"] = "skipped"
                    rec["skipped"] = "newm(sysmon) not run: tracer emulated an immediate return from systemstack"
                    if AMD64:
                        gdb.execute("set $rsp = 0x%x" % (r["rsp"] + 8))
                    gdb.execute("set $pc = 0x%x" % caller)
                    rec["exit"] = cpu(regs())
                    emit(rec)
                    seq += 1
                    continue
                rec["path"] = path
            steps, x, _ = step_until_outside(kind, r, ptid)
            rec["steps"] = steps
            rec["exit"] = ex = cpu(x)
            if kind == "systemstack" and rec["path"].startswith("noswitch"):
                c = [
                    ("pc==fn.fn", x[PC] == fnfn),
                    ("%s==fn" % CTXT, x[CTXT] == fn),
                    ("g_reg unchanged", x[GREG] == r[GREG]),
                ]
                c += [("rsp unchanged (tail JMP)", x[SP] == r[SP])] if AMD64 else [("sp,lr restored (tail B)", x[SP] == r[SP] and x["lr"] == r["lr"])]
                rec["checks"] = checks(c)
                emit(rec)
                seq += 1
                continue
            old = gstate(gaddr)
            rec["oldg_after"] = old
            S = lambda k: hexval(old["sched"], k)
            if kind == "systemstack":
                rec["return_into"] = hx(u(x[SP]) if AMD64 else x["lr"])
                rec["return_into_sym"] = sym(int(rec["return_into"], 16))
                if AMD64:
                    c = [
                        ("pc==fn.fn", x[PC] == fnfn),
                        ("rdx==fn", x["rdx"] == fn),
                        ("g_reg==m.g0", x[GREG] == g0),
                        ("tls_g(FS:-8)==g0", hexval(ex, "tls_g") == g0),
                        ("oldg.sched.pc==systemstack_switch", S("pc") == ss_switch),
                        ("oldg.sched.sp==entry_rsp", S("sp") == r["rsp"]),
                        ("oldg.sched.bp==entry_rbp", S("bp") == r["rbp"]),
                        ("oldg.sched.ret==0", S("ret") == 0),
                        ("rsp==g0.sched.sp-8", x[SP] == g0sp - 8),
                        ("[rsp]==systemstack+0x%x (ret after CALL DI)" % (ss_ret - func("systemstack")[0]), u(x[SP]) == ss_ret),
                    ]
                else:
                    c = [
                        ("pc==fn.fn", x[PC] == fnfn),
                        ("r7==fn", x["r7"] == fn),
                        ("g_reg==m.g0", x[GREG] == g0),
                        ("oldg.sched.pc==systemstack_switch+4", S("pc") == ss_switch + 4),
                        ("oldg.sched.sp==entry_sp-4 (after PUSH {lr})", S("sp") == r["sp"] - 4),
                        ("oldg.sched.lr==0,ret==0", S("lr") == 0 and S("ret") == 0),
                        ("sp==g0.sched.sp", x[SP] == g0sp),
                        ("lr==systemstack+0x%x (after BLX R0)" % (ss_ret - func("systemstack")[0]), x["lr"] == ss_ret),
                    ]
            else:  # mcall
                if AMD64:
                    c = [
                        ("pc==fn.fn", x[PC] == fnfn),
                        ("g_reg==m.g0", x[GREG] == g0),
                        ("oldg.sched.pc==caller_pc", S("pc") == caller),
                        ("oldg.sched.sp==entry_rsp+8", S("sp") == r["rsp"] + 8),
                        ("oldg.sched.bp==entry_rbp", S("bp") == r["rbp"]),
                        ("tls_g(FS:-8)==g0", hexval(ex, "tls_g") == g0),
                        ("rax==oldg", x["rax"] == gaddr),
                        ("rdx==fn", x["rdx"] == fn),
                        ("rsp==g0.sched.sp-16", x[SP] == g0sp - 16),
                        ("[rsp+8]==oldg (PUSHQ AX spill slot)", u(x[SP] + 8) == gaddr),
                        ("[rsp]==mcall+0x%x (ret after CALL R12)" % (mcall_ret - func("mcall")[0]), u(x[SP]) == mcall_ret),
                        ("rbp unchanged", x["rbp"] == r["rbp"]),
                    ]
                else:
                    c = [
                        ("pc==fn.fn", x[PC] == fnfn),
                        ("g_reg==m.g0", x[GREG] == g0),
                        ("oldg.sched.pc==caller_pc", S("pc") == caller),
                        ("oldg.sched.sp==entry_sp", S("sp") == r["sp"]),
                        ("oldg.sched.lr==0", S("lr") == 0),
                        ("r7==fn", x["r7"] == fn),
                        ("r0==fn.fn", x["r0"] == fnfn),
                        ("r1==oldg", x["r1"] == gaddr),
                        ("sp==g0.sched.sp-8", x[SP] == g0sp - 8),
                        ("[sp+4]==oldg (arg)", u(x[SP] + 4) == gaddr),
                        ("lr==mcall+0x%x (after BLX R0)" % (mcall_ret - func("mcall")[0]), x["lr"] == mcall_ret),
                    ]
            rec["checks"] = checks(c)
        elif kind == "systemstack_ret":
            curg = hexval(eg, "m_curg")
            extra = 2 if AMD64 else 0  # amd64: the ABIInternal caller's XORPS X15,X15; MOVQ FS:-8,R14
            steps, x, left = step_until_outside(kind, r, ptid, extra)
            rec["steps"] = steps
            rec["exit"] = ex = cpu(x)
            sched_sp = u(curg + OFF["g_sched"] + OFF["gobuf_sp"]) if curg else None
            if AMD64:
                r14_after_ret = r["r14"]
                for s in steps[: left + 1]:
                    r14_after_ret = int(s["changed"].get("r14", hx(r14_after_ret)), 16)
                rec["left_at_step"] = left
                rec["r14_right_after_ret"] = hx(r14_after_ret)
                c = [
                    ("r14 still g0 right after RET", r14_after_ret == hexval(eg, "m_g0")),
                    ("tls_g==curg", hexval(ex, "tls_g") == curg),
                    ("curg.sched.sp zeroed", sched_sp == 0),
                    ("r14==curg after caller reload", x["r14"] == curg),
                ]
            else:
                c = [("r10==curg", x["r10"] == curg), ("curg.sched.sp zeroed", sched_sp == 0)]
            rec["checks"] = checks(c)
        elif kind in ("morestack", "morestack_noctxt"):
            f_pc = u(r[SP]) if AMD64 else r["lr"]
            f_caller = u(r[SP] + 8) if AMD64 else r["r3"]
            rec["f_pc"] = hx(f_pc)
            rec["f_caller_pc"] = hx(f_caller)
            rec["ctxt_in"] = hx(r[CTXT])
            rec["f_sym"] = sym(f_pc)
            rec["f_caller_sym"] = sym(f_caller)
            sg0 = hexval(eg, "stackguard0")
            rec["stackguard0_in"] = hx(sg0)
            rec["preempt_request"] = sg0 == STACK_PREEMPT
            g0 = hexval(eg, "m_g0")
            g0sp = hexval(eg, "g0_sched_sp")
            m = hexval(eg, "m")
            steps, x, _ = step_until_outside(kind, r, ptid)
            rec["steps"] = steps
            rec["exit"] = ex = cpu(x)
            old = gstate(gaddr)
            rec["oldg_after"] = old
            rec["m_morebuf"] = mb = gobuf(m + OFF["m_morebuf"])
            S = lambda k: hexval(old["sched"], k)
            MB = lambda k: hexval(mb, k)
            newstack = {func("newstack")[0]} | {t[0] for t in TEXT if t[2] == "runtime.newstack"}
            ctxt_ok = ("g.sched.ctxt==0 (noctxt)", S("ctxt") == 0) if kind == "morestack_noctxt" else ("g.sched.ctxt==ctxt_in", S("ctxt") == r[CTXT])
            c = [
                ("pc==newstack", x[PC] in newstack),
                ("g.sched.pc==f_pc", S("pc") == f_pc),
                ctxt_ok,
                ("morebuf.pc==f_caller_pc", MB("pc") == f_caller),
                ("morebuf.g==g", MB("g") == gaddr),
            ]
            if AMD64:
                c += [
                    ("g.sched.sp==entry_rsp+8", S("sp") == r["rsp"] + 8),
                    ("g.sched.bp==entry_rbp", S("bp") == r["rbp"]),
                    ("morebuf.sp==entry_rsp+16", MB("sp") == r["rsp"] + 16),
                    ("tls_g==g0", hexval(ex, "tls_g") == g0),
                    ("r14 NOT switched (still old g)", x["r14"] == gaddr),
                    ("rsp==g0.sched.sp-8", x[SP] == g0sp - 8),
                ]
            else:
                c += [
                    ("g.sched.sp==entry_sp", S("sp") == r["sp"]),
                    ("g.sched.lr==r3", S("lr") == r["r3"]),
                    ("morebuf.sp==entry_sp", MB("sp") == r["sp"]),
                    ("r10==g0", x["r10"] == g0),
                    ("sp==g0.sched.sp-4, [sp]==0", x[SP] == g0sp - 4 and u(x[SP]) == 0),
                ]
            rec["checks"] = checks(c)
        elif kind == "goexit_ret":
            steps, x, _ = step_until_outside(kind, r, ptid)
            rec["steps"] = steps
            rec["exit"] = cpu(x)
        elif kind == "asyncPreempt":
            # never expected with asyncpreemptoff=1; recorded without stepping
            pass
        emit(rec)
        seq += 1

    with open(os.environ["ORACLE_OUT"], "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")
    with open(os.environ["ORACLE_SUMMARY"], "w") as f:
        for rec in records:
            f.write(summary_line(rec) + "\n")
    nchecks = sum(len(r.get("checks", {})) for r in records)
    print("trace_gdb: %d records, %d threads, %d checks, %d records with failed checks" % (len(records), len(THREADS), nchecks, len(failed)))
    for s, k, bad in failed:
        print("  FAILED seq %d %s: %s" % (s, k, ", ".join(bad)))
    if failed:
        gdb.execute("quit 1")


def summary_line(rec):
    g = (rec["entry"].get("g") or {}).get("goid")
    k = rec["kind"]
    if k == "systemstack":
        d = "%s fn=%s  from %s" % (rec["path"], rec["fn_sym"], rec["caller_sym"])
    elif k == "mcall":
        d = "fn=%s  from %s" % (rec["fn_sym"], rec["caller_sym"])
    elif k == "gogo":
        d = "-> %s  g=%s goid=%s fresh=%s" % (rec["gobuf_pc_sym"], rec["target_g"]["addr"], rec["target_g"]["goid"], rec["fresh_goroutine"])
    elif k in ("systemstack_ret", "goexit_ret"):
        d = "-> %s" % rec["exit"]["sym"]
    elif k.startswith("morestack"):
        d = "f=%s caller=%s preempt=%s" % (rec["f_sym"], rec["f_caller_sym"], rec["preempt_request"])
    else:
        d = ""
    return "%3d t%d %-16s goid=%-4s %s" % (rec["seq"], rec["thread"], k, g, d)


try:
    main()
except Exception as e:  # noqa: BLE001 - report and fail the batch run
    import traceback

    traceback.print_exc()
    print("trace_gdb: %s" % e, file=sys.stderr)
    gdb.execute("quit 2")
