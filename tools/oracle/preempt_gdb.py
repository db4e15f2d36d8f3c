# Records real asynchronous preemptions of the go1.19 runtime: run by
# tools/oracle/preempt.sh inside gdb-multiarch (batch mode), with
# fixtures/oracle/preempt.go waiting under qemu-user's gdbstub. qemu-user
# delivers the SIGURG that sysmon sends and writes the rt_sigframe itself
# (linux-user/<arch>/signal.c, in the kernel's layout).
#
# Environment (set by preempt.sh): ORACLE_ARCH, ORACLE_BIN, ORACLE_SOCK,
# ORACLE_SYMS (`go tool nm -n -size`), ORACLE_OUT (the .jsonl to write).
#
# Breakpoints that never stop the program (their stop() records and returns
# False):
#   runtime.sigtramp (entry)   "signal": the handler's registers, and the
#       interrupted state read from the frame: the mcontext (every general
#       register, the flags, PC, SP) and the FP area (amd64: fpstate's XMM0-15
#       and MXCSR; arm: the VFP frame's D0-D31 and FPSCR), the frame's
#       addresses, siginfo (signo, code, pid), uc_stack and uc_sigmask.
#   runtime.asyncPreempt (entry)   "asyncPreempt": the registers (also the
#       state right after rt_sigreturn, which jumped there) and FP registers.
#   asyncPreempt's return instruction   "asyncPreempt_ret": the registers as
#       the return leaves them: every register is restored at that point; PC
#       and SP are what the return instruction makes of them (amd64 RET:
#       PC = [SP], SP + 8; arm MOVW.P 192(R13), R15: PC = [SP], SP + 192).
# Every record carries the goroutine (g: TLS on amd64, R10 on arm) so that
# the loader (src/trace/oracle-preempt.ts) can pair each asyncPreempt with
# its signal. SIGURG is passed to the program without stopping gdb.
import json
import os
import struct

import gdb

ARCH = os.environ["ORACLE_ARCH"]
AMD64 = ARCH == "amd64"
W = 8 if AMD64 else 4
out = open(os.environ["ORACLE_OUT"], "w")

ADDR = {}
SIZE = {}
for line in open(os.environ["ORACLE_SYMS"]):
    f = line.split()
    if len(f) >= 4:
        name = f[3][: -len(".abi0")] if f[3].endswith(".abi0") else f[3]  # assembly functions are ABI0 symbols
        ADDR.setdefault(name, int(f[0], 16))
        SIZE.setdefault(name, int(f[1]))

GPRS = (
    ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi", "rbp", "rbx", "rdx", "rax", "rcx", "rsp", "rip", "eflags"]
    if AMD64
    else ["r%d" % i for i in range(13)] + ["sp", "lr", "pc", "cpsr"]
)
FPR = ["xmm%d" % i for i in range(16)] + ["mxcsr"] if AMD64 else ["d%d" % i for i in range(32)] + ["fpscr"]
inferior = None


def mem(addr, n):
    return bytes(inferior.read_memory(addr, n))


def word(addr):
    return struct.unpack("<Q" if AMD64 else "<I", mem(addr, W))[0]


def reg(name):
    v = gdb.parse_and_eval("$" + name)
    if name.startswith("xmm"):
        return int(v["uint128"]) & ((1 << 128) - 1)
    if name.startswith("d") and not AMD64:
        return int(v["u64"]) if v.type.code == gdb.TYPE_CODE_UNION else int(v.cast(gdb.lookup_type("long long")))
    return int(v) & ((1 << (8 * W)) - 1) if name not in ("eflags",) else int(v)


def regs():
    return {r: "0x%x" % reg(r) for r in GPRS}


def fpregs():
    out = {}
    for r in FPR:
        try:
            out[r] = "0x%x" % (reg(r) & ((1 << 128) - 1))
        except gdb.error:
            pass
    return out


def curg():
    if AMD64:
        return word(reg("fs_base") - 8)
    return reg("r10")


def thread():
    return gdb.selected_thread().ptid[1]


def emit(rec):
    out.write(json.dumps(rec) + "\n")
    out.flush()


class Rec(gdb.Breakpoint):
    def __init__(self, addr, kind):
        super().__init__("*0x%x" % addr, internal=True)
        self.kind = kind

    def stop(self):
        try:
            r = {"kind": self.kind, "thread": thread(), "g": "0x%x" % curg(), "regs": regs(), "fp": fpregs()}
            if self.kind == "signal":
                r.update(frame_of())
            if self.kind == "asyncPreempt_ret":
                sp = reg("rsp" if AMD64 else "sp")
                pcname, spname = ("rip", "rsp") if AMD64 else ("pc", "sp")
                r["regs"][pcname] = "0x%x" % word(sp)
                r["regs"][spname] = "0x%x" % (sp + (8 if AMD64 else 192))
            emit(r)
        except Exception as e:  # never let a recording problem stop the program
            emit({"kind": "error", "where": self.kind, "error": str(e)})
        return False


def frame_of():
    if AMD64:
        info, uc = reg("rsi"), reg("rdx")
        frame = reg("rsp")
        mc = uc + 40
        inter = {r: "0x%x" % word(mc + 8 * i) for i, r in enumerate(GPRS)}
        fpp = word(mc + 8 * 23)
        fp = {}
        if fpp:
            raw = mem(fpp, 512)
            for i in range(16):
                lo, hi = struct.unpack_from("<QQ", raw, 160 + 16 * i)
                fp["xmm%d" % i] = "0x%x" % ((hi << 64) | lo)
            fp["mxcsr"] = "0x%x" % struct.unpack_from("<I", raw, 24)[0]
        stack = {"sp": word(uc + 16), "flags": struct.unpack("<I", mem(uc + 24, 4))[0], "size": word(uc + 32)}
        sigmask = struct.unpack("<Q", mem(uc + 40 + 256, 8))[0]
        pid = struct.unpack("<i", mem(info + 16, 4))[0]
    else:
        info, uc = reg("r1"), reg("r2")
        frame = reg("sp")
        mc = uc + 20 + 12
        inter = {r: "0x%x" % word(mc + 4 * i) for i, r in enumerate(GPRS)}
        vfp = uc + 232
        fp = {}
        if word(vfp) == 0x56465001:
            raw = mem(vfp, 288)
            for i in range(32):
                fp["d%d" % i] = "0x%x" % struct.unpack_from("<Q", raw, 8 + 8 * i)[0]
            fp["fpscr"] = "0x%x" % struct.unpack_from("<I", raw, 264)[0]
        stack = {"sp": word(uc + 8), "flags": word(uc + 12), "size": word(uc + 16)}
        sigmask = struct.unpack("<Q", mem(uc + 104, 8))[0]
        pid = struct.unpack("<i", mem(info + 12, 4))[0]
    signo, _errno, code = struct.unpack("<iii", mem(info, 12))
    return {
        "sig": reg("rdi" if AMD64 else "r0"),
        "interrupted": inter,
        "interruptedFp": fp,
        "frame": {"frame": frame, "info": info, "uc": uc, "siginfo": {"signo": signo, "code": code, "pid": pid}, "ucStack": stack, "sigmask": "0x%x" % sigmask},
    }


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("file " + os.environ["ORACLE_BIN"])
gdb.execute("target remote " + os.environ["ORACLE_SOCK"])
gdb.execute("handle SIGURG nostop noprint pass")
inferior = gdb.selected_inferior()
Rec(ADDR["runtime.sigtramp"], "signal")
ap = ADDR["runtime.asyncPreempt"]
Rec(ap, "asyncPreempt")
# the return: amd64 RET (0xc3) is asyncPreempt's last byte; arm MOVW.P (a word) comes before the final UNDEF word
end = ap + SIZE["runtime.asyncPreempt"]
code = mem(ap, end - ap)
ret = ap + code.rindex(b"\xc3") if AMD64 else end - 8
while not AMD64 and struct.unpack("<I", mem(ret, 4))[0] & 0x0FFF0000 != 0x049D0000:  # ldr pc, [sp], #imm
    ret -= 4
Rec(ret, "asyncPreempt_ret")
gdb.execute("continue")
out.close()
