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
