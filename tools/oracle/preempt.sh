#!/usr/bin/env bash
# Records fixtures/oracle/preempt-<arch>.jsonl: real asynchronous
# preemptions of go1.19 (fixtures/oracle/preempt.go at GOMAXPROCS=1, a
# goroutine spinning without calls, preempted twice) under qemu-user's
# gdbstub, driven by gdb-multiarch with tools/oracle/preempt_gdb.py: the
# handler entry with the rt_sigframe's contents, asyncPreempt's entry and
# its return. `gogo-emu validate --oracle` and test/trace/oracle-preempt.test.ts
# check them against the preemption invariants (src/trace/preemption.ts).
#
# Usage: tools/oracle/preempt.sh [amd64] [arm]     (default: both)
# Environment of the program: only GOMAXPROCS=1 (env -i). The gdbstub
# listens on a unix socket in a private temporary directory.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
oracle_need go qemu gdb
out="$root/fixtures/oracle"
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm)
oracle_tmp
for arch in "${arches[@]}"; do
  dir="$tmp/$arch"
  mkdir -p "$dir"
  oracle_build "$arch" "$root/fixtures/oracle/preempt.go" "$dir/preempt"
  "$GO119" tool nm -n -size "$dir/preempt" > "$dir/syms.txt"
  oracle_qemu_gdbstub "$arch" "$dir" preempt GOMAXPROCS=1
  sock="$dir/gdb.sock"
  status=0
  ORACLE_ARCH=$arch ORACLE_BIN="$dir/preempt" ORACLE_SOCK=$sock ORACLE_SYMS="$dir/syms.txt" ORACLE_OUT="$dir/preempt.jsonl" \
    timeout -k 5 "${TRACE_TIMEOUT:-300}" gdb-multiarch -q -batch -nx -iex "set auto-load python-scripts off" -x "$here/preempt_gdb.py" \
    > "$dir/gdb.log" 2>&1 || status=$?
  oracle_stop_qemu
  if [ $status -ne 0 ] || ! grep -q '^preempted twice' "$dir/prog.err"; then
    echo "preempt.sh: $arch: failed (gdb status $status); program printed:" >&2; cat "$dir/prog.err" >&2; tail -20 "$dir/gdb.log" >&2; exit 1
  fi
  if grep -q '"kind": "error"' "$dir/preempt.jsonl"; then echo "preempt.sh: $arch: recording errors:" >&2; grep '"error"' "$dir/preempt.jsonl" | head -5 >&2; exit 1; fi
  cp "$dir/preempt.jsonl" "$out/preempt-$arch.jsonl"
  echo "wrote fixtures/oracle/preempt-$arch.jsonl ($(wc -l < "$out/preempt-$arch.jsonl") records; program printed: $(tr '\n' ' ' < "$dir/prog.err"))"
done
