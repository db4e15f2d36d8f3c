#!/usr/bin/env bash
# Regenerates src/go119/goasm/<arch>.json: the integer constants of the Go
# 1.19 compiler's go_asm.h for package runtime (struct field offsets and sizes
# such as g_sched, gobuf_sp, m_tls, g__size, and runtime constants), for amd64
# and arm (GOARM=7). The runtime layout (src/go119/specs.ts) and the stubs in
# asm/<arch>/ use these names exactly as Go's own assembly does.
# Needs golang-1.19-go (installed when missing and running as root).
# The build and conversion are shared with tools/oracle/offsets.sh
# (tools/lib/goasm.sh), which writes the same constants plus internal/goarch's
# to fixtures/oracle/offsets-<arch>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib/goasm.sh
goasm_need_go
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for arch in amd64 arm; do
  goasm_headers "$arch" "$tmp/$arch"
  goasm_json "src/go119/goasm/$arch.json" compact "$tmp/$arch/runtime.h"
  echo "wrote src/go119/goasm/$arch.json ($(wc -l < src/go119/goasm/$arch.json) entries)"
done
