#!/usr/bin/env bash
# Records fixtures/oracle/trace-<arch>.jsonl and trace-<arch>.summary.txt:
# every hit of the real go1.19 runtime's switch stubs (rt0_go, mstart, gogo,
# mcall, systemstack and its return, morestack(_noctxt), goexit+PCQuantum)
# while fixtures/oracle/pingpong.go runs, with entry/exit registers and every
# single step. The binary runs under qemu-user's gdbstub; gdb-multiarch
# drives it with tools/oracle/trace_gdb.py (see there and README.md).
#
# Usage: tools/oracle/trace.sh [amd64] [arm]     (default: both)
# Needs golang-1.19-go, qemu-user, gdb-multiarch, and the offsets files
# (tools/oracle/offsets.sh). Takes 5-15 s per arch.
# KEEP_TMP=1 keeps the temporary directory (binary, nm output, gdb log).
#
# Environment of the program: only GOMAXPROCS=1 and
# GODEBUG=asyncpreemptoff=1 (env -i), argv[0] "./pingpong", so that the
# initial stack, and with it every g0 stack address, is the same on every run.
# The gdbstub listens on a unix socket in a private temporary directory (qemu
# 7.2's TCP gdbstub would listen on all interfaces), so nothing is reachable
# from the network. qemu and gdb are killed on exit.
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
  [ -s "$out/offsets-$arch.json" ] || { echo "trace.sh: $out/offsets-$arch.json missing; run tools/oracle/offsets.sh first" >&2; exit 1; }
  dir="$tmp/$arch"
  mkdir -p "$dir"
  oracle_build "$arch" "$root/fixtures/oracle/pingpong.go" "$dir/pingpong"
  "$GO119" tool nm -n -size "$dir/pingpong" > "$dir/syms.txt"
  start=$(date +%s)
  oracle_qemu_gdbstub "$arch" "$dir" pingpong GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1
  sock="$dir/gdb.sock"
  status=0
  ORACLE_ARCH=$arch ORACLE_BIN="$dir/pingpong" ORACLE_SOCK=$sock ORACLE_SYMS="$dir/syms.txt" ORACLE_OFFSETS="$out/offsets-$arch.json" \
    ORACLE_OUT="$dir/trace.jsonl" ORACLE_SUMMARY="$dir/summary.txt" \
    timeout -k 5 "${TRACE_TIMEOUT:-900}" gdb-multiarch -q -batch -nx -iex "set auto-load python-scripts off" -x "$here/trace_gdb.py" \
    > "$dir/gdb.log" 2>&1 || status=$?
  # the program has exited when gdb is done; if gdb gave up, qemu may still wait
  oracle_stop_qemu
  grep "^trace_gdb\|^  FAILED" "$dir/gdb.log" >&2 || true
  if [ $status -ne 0 ]; then
    echo "trace.sh: $arch: gdb failed (status $status); the end of its log:" >&2
    grep -v '^0x[0-9a-f]* in \|^[0-9]\+\s\|^$' "$dir/gdb.log" | tail -25 >&2
    exit 1
  fi
  if ! grep -q '^pingpong sum ' "$dir/prog.err"; then
    echo "trace.sh: $arch: pingpong did not finish normally:" >&2; cat "$dir/prog.err" >&2; exit 1
  fi
  cp "$dir/trace.jsonl" "$out/trace-$arch.jsonl"
  cp "$dir/summary.txt" "$out/trace-$arch.summary.txt"
  echo "wrote fixtures/oracle/trace-$arch.jsonl ($(wc -l < "$out/trace-$arch.jsonl") records, $(( $(date +%s) - start )) s; program printed: $(cat "$dir/prog.err"))"
done
