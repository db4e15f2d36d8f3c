#!/usr/bin/env bash
# Record what real go1.19's `go build` (vet-free, as the fuzz harness runs it)
# prints for each program of test/compile/multi-errors, for amd64 and for
# 32-bit ARM (GOARCH=arm GOARM=7): its error lines, with the file named
# prog.go as gogo-emu names it in the tests (the `# command-line-arguments`
# heading and the `./` prefix dropped). Builds several times and fails if
# the output ever differs.
#
# Usage: tools/record-compile-errors.sh [name ...]   (default: every program)
# Output: test/compile/multi-errors/<name>.<arch>.txt
set -euo pipefail
GO=/usr/lib/go-1.19/bin/go
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir="$here/../test/compile/multi-errors"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOPATH="$work/gopath" GOCACHE="$work/cache" GOFLAGS=-mod=mod GO111MODULE=off
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for f in "$dir"/*.go; do names+=("$(basename "$f" .go)"); done
fi
for name in "${names[@]}"; do
  for arch in amd64 arm; do
    first=""
    for run in 1 2 3; do
      rm -rf "$work/p" && mkdir -p "$work/p" && cp "$dir/$name.go" "$work/p/prog.go"
      out=$(cd "$work/p" && GOARCH=$arch GOARM=7 "$GO" build -o /dev/null prog.go 2>&1 || true)
      out=$(printf '%s\n' "$out" | grep -v '^# ' | sed -E 's#^(\t?)\./prog\.go:#\1prog.go:#')
      if [[ $run == 1 ]]; then first=$out; elif [[ "$out" != "$first" ]]; then
        echo "record-compile-errors: $name ($arch): go build printed different errors on run $run" >&2; exit 1
      fi
    done
    if [[ -z "$first" ]]; then echo "record-compile-errors: $name ($arch): go build accepted it" >&2; exit 1; fi
    printf '%s\n' "$first" > "$dir/$name.$arch.txt"
    echo "$name.$arch: $(wc -l < "$dir/$name.$arch.txt") lines"
  done
done
