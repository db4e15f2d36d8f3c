#!/usr/bin/env bash
# Writes fixtures/oracle/offsets-amd64.json and offsets-arm.json: flat
# name -> number maps of every integer constant in the go1.19 compiler's
# go_asm.h for package runtime (g_sched, gobuf_sp, m_tls, p_runq, g__size,
# const__StackMin, const_stackPreempt...), plus those of internal/goarch with
# a goarch_ prefix (goarch_const_PtrSize, goarch_const_PCQuantum...).
# amd64 values beyond 2^53 (stackPreempt, stackFork) are hex strings.
#
# Same build as tools/gen-goasm.sh (tools/lib/goasm.sh); that one writes the
# runtime's constants only, compactly, to src/go119/goasm/<arch>.json.
#
# With CHECK_DWARF=1 it also links a small program per arch and compares
# every <struct>_<field> offset and <struct>__size of the JSON that names a
# DWARF struct runtime.<struct> with what gdb-multiarch reads from the binary's
# DWARF (needs gdb-multiarch); it prints the count and exits 1 on a mismatch.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tools/lib/goasm.sh"
goasm_need_go
out="$root/fixtures/oracle"
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for arch in amd64 arm; do
  goasm_headers "$arch" "$tmp/$arch"
  goasm_json "$out/offsets-$arch.json" indent "$tmp/$arch/runtime.h" "$tmp/$arch/goarch.h"
  echo "wrote fixtures/oracle/offsets-$arch.json ($(grep -c '": ' "$out/offsets-$arch.json") constants)"
  if [ "${CHECK_DWARF:-0}" = 1 ]; then
    (cd "$tmp/$arch" && GOROOT="$GOROOT_119" GOARCH=$arch GOARM=7 GOOS=linux CGO_ENABLED=0 GOFLAGS= GO111MODULE=off \
      "$GO119" build -o prog "$root/fixtures/oracle/pingpong.go")
    OFFSETS="$out/offsets-$arch.json" gdb-multiarch -q -batch -nx -iex "set auto-load python-scripts off" "$tmp/$arch/prog" -x "$here/dwarf_offsets.py"
  fi
done
