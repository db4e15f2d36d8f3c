#!/usr/bin/env bash
# Re-records everything in fixtures/oracle/ from the real go1.19 toolchain:
#   offsets.sh     offsets-<arch>.json           (go_asm.h constants)
#   trace.sh       trace-<arch>.jsonl/.summary.txt (switch stubs under qemu + gdb)
#   schedtrace.sh  schedtrace-*.txt               (GODEBUG=schedtrace output)
# See tools/oracle/README.md. Needs golang-1.19-go, qemu-user, gdb-multiarch
# (installed when missing and running as root). About 30 s in all.
# CHECK_DWARF=1 also cross-checks the offsets against a binary's DWARF.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
oracle_need go qemu gdb
start=$(date +%s)
"$here/offsets.sh"
"$here/trace.sh"
"$here/schedtrace.sh"
echo "record-all: done in $(( $(date +%s) - start )) s"
