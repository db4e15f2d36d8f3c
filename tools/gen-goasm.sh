#!/usr/bin/env bash
# Regenerates src/go119/goasm/<arch>.json: the integer constants of the Go
# 1.19 compiler's go_asm.h for package runtime (struct field offsets and sizes
# such as g_sched, gobuf_sp, m_tls, g__size, and runtime constants), for amd64
# and arm (GOARM=7). The runtime layout (src/go119/specs.ts) and the stubs in
# asm/<arch>/ use these names exactly as Go's own assembly does.
# Needs golang-1.19-go (installed when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=/usr/lib/go-1.19/bin/go
if [ ! -x "$GO" ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq golang-1.19-go >/dev/null
  else echo "golang-1.19-go is missing; run: sudo apt-get install -y golang-1.19-go" >&2; exit 1; fi
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for arch in amd64 arm; do
  # -work keeps the build directory, where the compiler wrote go_asm.h for runtime.
  work=$(cd "$tmp" && GOARCH=$arch GOARM=7 GOOS=linux CGO_ENABLED=0 GOFLAGS= "$GO" build -a -work runtime 2>&1 | sed -n 's/^WORK=//p')
  hdr=$(grep -l '^#define g_sched ' "$work"/*/go_asm.h | head -1)
  node -e '
    const fs = require("fs");
    const out = {};
    for (const line of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
      const m = /^#define (\S+) (\S+)$/.exec(line);
      if (!m) continue;
      let v;
      try { v = BigInt(m[2]); } catch { continue; }          // floats and expressions are skipped
      out[m[1]] = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : "0x" + BigInt.asUintN(64, v).toString(16);
    }
    const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    fs.writeFileSync(process.argv[2], JSON.stringify(sorted, null, 0).replace(/,"/g, ",\n\"") + "\n");
  ' "$hdr" "src/go119/goasm/$arch.json"
  rm -rf "$work"
  echo "wrote src/go119/goasm/$arch.json ($(wc -l < src/go119/goasm/$arch.json) entries)"
done
