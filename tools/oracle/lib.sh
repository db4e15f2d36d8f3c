# Shared by the tools/oracle/ scripts (source it; bash).
. "$(dirname "${BASH_SOURCE[0]}")/../lib/goasm.sh"

# oracle_need go|qemu|gdb...: exit with the apt-get command when a tool is
# missing (installs it when running as root).
oracle_need() {
  local pkgs=() t
  for t in "$@"; do
    case $t in
      go) [ -x "$GO119" ] || pkgs+=(golang-1.19-go) ;;
      qemu) command -v qemu-arm >/dev/null && command -v qemu-x86_64 >/dev/null || pkgs+=(qemu-user) ;;
      gdb) command -v gdb-multiarch >/dev/null || pkgs+=(gdb-multiarch) ;;
    esac
  done
  [ ${#pkgs[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${pkgs[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${pkgs[@]}" >/dev/null; }
  else
    echo "missing ${pkgs[*]}; install with: sudo apt-get install -y ${pkgs[*]}" >&2
    exit 1
  fi
}

# oracle_build ARCH SRC OUT: a static linux/ARCH binary (GOARM=7 on arm), built
# like fixtures/expected's programs (tools/record-expected.sh): -trimpath, so
# the binary does not depend on where the repository is checked out.
oracle_build() {
  local arch=$1 src=$2 bin=$3
  (cd "$(dirname "$bin")" && GOROOT="$GOROOT_119" GOOS=linux GOARCH=$arch GOARM=7 CGO_ENABLED=0 GO111MODULE=off GOFLAGS= \
    "$GO119" build -trimpath -o "$bin" "$src")
}

# oracle_qemu ARCH: the qemu-user binary for ARCH.
oracle_qemu() {
  case $1 in amd64) echo qemu-x86_64 ;; arm) echo qemu-arm ;; *) echo "unknown arch $1" >&2; return 1 ;; esac
}

# oracle_tmp: a private temporary directory in $tmp, removed on exit (kept
# with KEEP_TMP=1), and the qemu-user of oracle_qemu_gdbstub killed on exit.
qpid=
oracle_tmp() {
  tmp=$(mktemp -d)
  trap oracle_cleanup EXIT
}
oracle_cleanup() {
  [ -z "$qpid" ] || oracle_stop_qemu
  [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
# qemu-user waiting for (or talking to) gdb does not always die of SIGTERM
oracle_stop_qemu() {
  local i
  for i in $(seq 50); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
  kill "$qpid" 2>/dev/null || true
  for i in $(seq 20); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$qpid" 2>/dev/null || true
  wait "$qpid" 2>/dev/null || true
  qpid=
}

# oracle_qemu_gdbstub ARCH DIR PROG [VAR=value...]: run DIR/PROG under
# qemu-user with its gdbstub on the unix socket DIR/gdb.sock (qemu 7.2's TCP
# gdbstub would listen on all interfaces), in DIR, with only PATH and the
# given variables in its environment (env -i) and argv[0] "./PROG", so that
# the initial stack is the same on every run; stdout and stderr go to
# DIR/prog.out and DIR/prog.err. Waits for the socket; sets $qpid.
oracle_qemu_gdbstub() {
  local arch=$1 dir=$2 prog=$3
  shift 3
  local sock="$dir/gdb.sock"
  (cd "$dir" && exec env -i PATH=/usr/bin:/bin "$@" "$(oracle_qemu "$arch")" -g "$sock" "./$prog") > "$dir/prog.out" 2> "$dir/prog.err" &
  qpid=$!
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  [ -S "$sock" ] || { echo "$(basename "$0"): qemu did not open $sock" >&2; exit 1; }
}
