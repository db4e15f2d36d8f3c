#!/usr/bin/env bash
# Records fixtures/oracle/schedtrace-<prog>[-summary]-gomaxprocs<N>.txt: what
# the real go1.19 runtime prints with GODEBUG=schedtrace=1 (the "-summary"
# files: one SCHED line per sample) and schedtrace=1,scheddetail=1 (a SCHED
# line plus P, M and G lines) for fixtures/oracle/pingpong.go and
# cpubound.go, at GOMAXPROCS=1 and 4. Native linux/amd64 binaries.
#
# Each file is the program's whole stderr (the samples, printed by sysmon,
# and the program's println line), as written; stdout is empty.
# Environment: env -i PATH=/usr/bin:/bin GOMAXPROCS=N GODEBUG=...
# pingpong finishes in well under a millisecond, so sysmon prints at most its
# first sample ("SCHED 0ms") and sometimes none: a run without a SCHED line
# is repeated (up to 50 times). Values differ from run to run (timing);
# the line formats are what the files are for.
#
# Usage: tools/oracle/schedtrace.sh            Needs golang-1.19-go. ~5 s.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
oracle_need go
out="$root/fixtures/oracle"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for prog in pingpong cpubound; do
  oracle_build amd64 "$root/fixtures/oracle/$prog.go" "$tmp/$prog"
  for procs in 1 4; do
    for mode in summary detail; do
      godebug=schedtrace=1
      name=schedtrace-$prog-summary-gomaxprocs$procs.txt
      if [ $mode = detail ]; then godebug=schedtrace=1,scheddetail=1; name=schedtrace-$prog-gomaxprocs$procs.txt; fi
      for try in $(seq 50); do
        (cd "$tmp" && env -i PATH=/usr/bin:/bin GOMAXPROCS=$procs GODEBUG=$godebug timeout 60 "./$prog" \
          > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null)
        grep -q '^SCHED ' "$tmp/stderr" && break
      done
      grep -q '^SCHED ' "$tmp/stderr" || { echo "schedtrace.sh: $prog printed no SCHED line in 50 runs" >&2; exit 1; }
      [ ! -s "$tmp/stdout" ] || { echo "schedtrace.sh: $prog wrote to stdout" >&2; exit 1; }
      cp "$tmp/stderr" "$out/$name"
      echo "wrote fixtures/oracle/$name ($(grep -c '^SCHED ' "$out/$name") samples, run $try)"
    done
  done
done
