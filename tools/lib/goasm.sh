# Shared by tools/gen-goasm.sh and tools/oracle/offsets.sh (source it; bash).
#
# The Go 1.19 compiler writes go_asm.h for every package with assembly: the
# integer constants, struct field offsets and sizes the .s files use
# (g_sched, gobuf_sp, m_tls, g__size, const__Grunning, const_stackPreempt...).
# goasm_headers builds package runtime for an arch and keeps the headers;
# goasm_json turns them into a flat, sorted name -> number JSON map.

GOROOT_119=${GOROOT_119:-/usr/lib/go-1.19}
GO119="$GOROOT_119/bin/go"

# Exit unless go1.19 is installed (installs golang-1.19-go when running as root).
goasm_need_go() {
  [ -x "$GO119" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-1.19-go >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-1.19-go >/dev/null; }
  fi
  [ -x "$GO119" ] || { echo "golang-1.19-go is missing; run: sudo apt-get install -y golang-1.19-go" >&2; exit 1; }
}

# goasm_headers ARCH DIR: build package runtime for linux/ARCH (GOARM=7 on arm,
# CGO_ENABLED=0) from scratch and copy the compiler's headers to DIR:
#   DIR/runtime.h  go_asm.h of package runtime (written because runtime has .s files)
#   DIR/goarch.h   the same for internal/goarch (PtrSize, PCQuantum, MinFrameSize,
#                  StackAlign, Int64Align...), asked for with -asmhdr
goasm_headers() {
  local arch=$1 dir=$2 work hdr
  mkdir -p "$dir"
  work=$(cd "$dir" && GOROOT="$GOROOT_119" GOARCH=$arch GOARM=7 GOOS=linux CGO_ENABLED=0 GOFLAGS= GO111MODULE=off \
    "$GO119" build -a -work -gcflags="internal/goarch=-asmhdr=$dir/goarch.h" runtime 2>&1 | sed -n 's/^WORK=//p')
  # -work kept the build directory; the runtime's header is the one defining g_sched
  hdr=$(grep -l '^#define g_sched ' "$work"/*/go_asm.h | head -1)
  cp "$hdr" "$dir/runtime.h"
  rm -rf "$work"
  [ -s "$dir/runtime.h" ] && [ -s "$dir/goarch.h" ] || { echo "goasm_headers: no go_asm.h for $arch" >&2; return 1; }
}

# goasm_json OUT STYLE HEADER...: every integer #define of the headers, sorted
# by name. Names from package runtime are kept as they are; other packages'
# get their package name as prefix (goarch_const_PtrSize). Values beyond
# +-(2^53-1) (stackPreempt, stackFork on amd64) become "0x..." strings of their
# 64-bit two's complement. Strings, bools and floats are skipped.
# STYLE: compact (one entry per line, {"a":1,\n"b":2}) or indent (JSON with a
# one-space indent).
goasm_json() {
  local out=$1 style=$2
  shift 2
  node -e '
    const fs = require("fs");
    const [out, style, ...hdrs] = process.argv.slice(1);
    const all = {};
    for (const h of hdrs) {
      const text = fs.readFileSync(h, "utf8");
      const pkg = (/from package (\S+)/.exec(text) || [])[1];
      const prefix = pkg && pkg !== "runtime" ? pkg + "_" : "";
      for (const line of text.split("\n")) {
        const m = /^#define (\S+) (\S+)$/.exec(line);
        if (!m) continue;
        let v;
        try { v = BigInt(m[2]); } catch { continue; }
        all[prefix + m[1]] = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : "0x" + BigInt.asUintN(64, v).toString(16);
      }
    }
    const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const text = style === "indent" ? JSON.stringify(sorted, null, 1) : JSON.stringify(sorted).replace(/,"/g, ",\n\"");
    fs.writeFileSync(out, text + "\n");
  ' "$out" "$style" "$@"
}
