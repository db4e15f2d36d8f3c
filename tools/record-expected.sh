#!/usr/bin/env bash
# Record the output of the real Go 1.19 toolchain for every fixture program,
# on amd64 (native) and 32-bit ARM (GOARCH=arm GOARM=7, run under qemu-arm).
#
# Usage: tools/record-expected.sh [name ...]      (default: all programs)
#   name is a program's base name (fib) or file name (fib.go).
#
# Environment:
#   ARCHES   architectures to record, default "amd64 arm"
#   TIMEOUT  seconds each run may take, default 60
#   RUNS     run each binary this many times (default 1); with RUNS>1 the
#            runs are compared and the script fails if any run differs from
#            the first in what the tests compare: stdout, exit and
#            stderr_head (so not in the rest of a goroutine dump, whose
#            goroutine ids and addresses may vary); the first run is written
#   CHECK=1  compare with the existing expected files (stdout, exit and
#            stderr_head, as above) instead of writing them; exits 1 if any differ
#   PREFER=amd64  with RUNS>1, for arm only: when the runs differ, keep the
#            run whose output equals the amd64 recording (exit 1 if none
#            does) instead of failing; for programs whose order depends on
#            the scheduling count at main.main, which under qemu is often one
#            more than natively (fixtures/README.md, "The scheduler's tick
#            phase"); the other outcomes are listed
#
#   SET      the set of programs: "programs" (default: fixtures/programs,
#            written to fixtures/expected) or "tutorial" (fixtures/tutorial,
#            written to fixtures/tutorial/expected)
#
# GOMAXPROCS: a program runs with GOMAXPROCS=N when one of its first lines is
# `// GOMAXPROCS=N`, else with GOMAXPROCS=1.
#
# Output: fixtures/expected/<name>.<arch>.json =
#   {"stdout": "...", "stderr": "...", "exit": N, "stderr_head": "..."}
# See fixtures/README.md for the exact meaning of stderr_head.
set -euo pipefail

GOROOT_119=/usr/lib/go-1.19
GO="$GOROOT_119/bin/go"
ARCHES=${ARCHES:-"amd64 arm"}
TIMEOUT=${TIMEOUT:-60}
RUNS=${RUNS:-1}
CHECK=${CHECK:-0}
PREFER=${PREFER:-}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
case ${SET:-programs} in
  programs) progdir="$root/fixtures/programs"; outdir="$root/fixtures/expected" ;;
  tutorial) progdir="$root/fixtures/tutorial"; outdir="$root/fixtures/tutorial/expected" ;;
  *) echo "record-expected: unknown SET ${SET}" >&2; exit 1 ;;
esac

# ---- prerequisites ---------------------------------------------------------
need_pkgs=()
[[ -x "$GO" ]] || need_pkgs+=(golang-1.19-go)
if [[ " $ARCHES " == *" arm "* ]] && ! command -v qemu-arm >/dev/null 2>&1; then
  need_pkgs+=(qemu-user)
fi
command -v timeout >/dev/null 2>&1 || need_pkgs+=(coreutils)
command -v node >/dev/null 2>&1 || need_pkgs+=(nodejs)
if ((${#need_pkgs[@]})); then
  cmd="apt-get update && apt-get install -y ${need_pkgs[*]}"
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "record-expected: installing ${need_pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y "${need_pkgs[@]}"; then
      apt-get update
      apt-get install -y "${need_pkgs[@]}"
    fi
  else
    echo "record-expected: missing ${need_pkgs[*]}; install with (as root):" >&2
    echo "  $cmd" >&2
    exit 1
  fi
fi

# ---- which programs --------------------------------------------------------
names=()
if (($#)); then
  for a in "$@"; do
    a=${a##*/}
    a=${a%.go}
    [[ -f "$progdir/$a.go" ]] || { echo "record-expected: no such program: $progdir/$a.go" >&2; exit 1; }
    names+=("$a")
  done
else
  for f in "$progdir"/*.go; do
    [[ -e "$f" ]] || continue
    b=${f##*/}
    names+=("${b%.go}")
  done
fi
((${#names[@]})) || { echo "record-expected: no programs in $progdir" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gogo-record.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$outdir"

# go needs a build cache; keep the user's one if there is a HOME, else a temp one.
if [[ -z "${GOCACHE:-}" && -z "${HOME:-}" && -z "${XDG_CACHE_HOME:-}" ]]; then
  export GOCACHE="$tmp/gocache"
fi

# JSON writer: node reads the three capture files and prints pretty JSON.
# stderr_head: see fixtures/README.md ("Normalization").
json_js='
const fs = require("fs");
const [outF, errF, code] = process.argv.slice(1);
const stdout = fs.readFileSync(outF, "utf8");
const stderr = fs.readFileSync(errF, "utf8");
function head(s) {
  const lines = s.split("\n");
  const out = [];
  for (const l of lines) {
    if (/^goroutine \d+ \[[^\]]*\]:$/.test(l)) { out.push(l); break; }
    if (l === "runtime stack:") break;
    out.push(l);
  }
  let h = out.join("\n");
  if (out.length < lines.length) h += "\n";
  return h.replace(/0x[0-9a-f]+/g, "0x?");
}
const obj = { stdout, stderr, exit: Number(code), stderr_head: head(stderr) };
process.stdout.write(JSON.stringify(obj, null, 2) + "\n");
'

# Do two JSON recordings agree on stdout, exit and stderr_head?
same_outcome() {
  node -e 'const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8"))); process.exit(a.stdout === b.stdout && a.stderr_head === b.stderr_head && a.exit === b.exit ? 0 : 1)' "$1" "$2"
}

fail=0
for name in "${names[@]}"; do
  src="$progdir/$name.go"
  procs=$(head -5 "$src" | sed -n 's|^// GOMAXPROCS=\([0-9][0-9]*\)$|\1|p' | head -1)
  procs=${procs:-1}
  for arch in $ARCHES; do
    w="$tmp/$name.$arch"
    mkdir -p "$w"
    # -trimpath: file names in tracebacks become "command-line-arguments/x.go"
    # and "runtime/proc.go" instead of temp-dir / GOROOT paths, so re-recording
    # gives identical files.
    case $arch in
      amd64) benv=(GOARCH=amd64); run=() ;;
      arm)   benv=(GOARCH=arm GOARM=7); run=(qemu-arm) ;;
      *) echo "record-expected: unknown arch $arch" >&2; exit 1 ;;
    esac
    if ! (cd "$w" && env GOROOT="$GOROOT_119" GOOS=linux CGO_ENABLED=0 GO111MODULE=off GOFLAGS= \
          "${benv[@]}" "$GO" build -trimpath -o "$w/prog" "$src") >"$w/build.log" 2>&1; then
      echo "record-expected: build of $name for $arch failed:" >&2
      cat "$w/build.log" >&2
      fail=1
      continue
    fi
    differs=0
    for ((i = 1; i <= RUNS; i++)); do
      set +e
      (cd "$w" && env -i PATH=/usr/bin:/bin GOMAXPROCS="$procs" \
        timeout -k 5 "$TIMEOUT" "${run[@]}" ./prog) </dev/null >"$w/out.$i" 2>"$w/err.$i"
      code=$?
      set -e
      echo "$code" >"$w/code.$i"
      node -e "$json_js" "$w/out.$i" "$w/err.$i" "$code" >"$w/json.$i"
      # runs may differ only after the head of stderr (goroutine dumps show
      # stack addresses, which move with ASLR, and with several Ps the other
      # goroutines' ids); anything else is non-determinism
      if ((i > 1)) && ! same_outcome "$w/json.1" "$w/json.$i"; then
        differs=1
        if [[ $PREFER != amd64 || $arch != arm ]]; then
          echo "record-expected: $name.$arch: run $i differs from run 1 (exit $(sed -n 1p "$w/code.1") vs $code):" >&2
          diff "$w/out.1" "$w/out.$i" | head -20 >&2 || true
          diff "$w/err.1" "$w/err.$i" | head -20 >&2 || true
          fail=1
        fi
      fi
    done
    if [[ $PREFER == amd64 && $arch == arm && $differs == 1 ]]; then
      # keep the run that printed what amd64 printed (see PREFER above)
      ref="$outdir/$name.amd64.json"
      keep=""
      for ((i = 1; i <= RUNS; i++)); do
        if [[ -z $keep ]] && same_outcome "$w/json.$i" "$ref"; then
          keep=$i
        fi
      done
      others=$(for ((i = 1; i <= RUNS; i++)); do node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(require("crypto").createHash("md5").update(j.stdout + j.stderr_head + j.exit).digest("hex").slice(0, 8))' "$w/json.$i"; echo; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
      if [[ -z $keep ]]; then
        echo "record-expected: $name.arm: no run matches $ref (outcomes: $others)" >&2
        fail=1
      else
        echo "record-expected: $name.arm: runs differ (outcomes: $others); keeping run $keep, which matches amd64" >&2
        cp "$w/json.$keep" "$w/json.1"
      fi
    fi
    dest="$outdir/$name.$arch.json"
    if [[ $CHECK == 1 ]]; then
      if ! same_outcome "$w/json.1" "$dest"; then
        echo "record-expected: $name.$arch differs from $dest:" >&2
        diff "$dest" "$w/json.1" >&2 || true
        fail=1
      else
        echo "ok    $name.$arch"
      fi
    else
      cp "$w/json.1" "$dest"
      printf '%-5s %s.%s exit=%s\n' wrote "$name" "$arch" \
        "$(node -e 'console.log(require(process.argv[1]).exit)' "$dest")"
    fi
  done
done
exit $fail
