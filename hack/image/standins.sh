#!/usr/bin/env bash
# Usage: standins.sh [BUILDAH_GLOBAL_FLAG...]
#
# Creates local stand-ins for the Dockerfile's two base images, under the
# exact names and tags its GO_IMAGE and RUNTIME_IMAGE build arguments default
# to, for machines that reach no container registry. The arguments are
# buildah's global flags (e.g. --root DIR --runroot DIR --storage-driver vfs).
# Run as root, from anywhere in the repository.
#
#   build stage (GO_IMAGE): this machine's Go toolchain (go env GOROOT) at
#     /usr/local/go, busybox (Debian's busybox-static) as /bin/sh and the
#     usual tools, /tmp, root's /etc/passwd, and a Go module cache at
#     /go/pkg/mod holding every module the training and app modules need,
#     with GOPROXY=off. That is how the Dockerfile's `go mod download` works
#     offline; against the real golang image it downloads them as usual.
#   runtime stage (RUNTIME_IMAGE): scratch with distroless's /etc/passwd and
#     /etc/group (root, nobody, nonroot = 65532), this machine's CA
#     certificates, /tmp and /home/nonroot, user 65532:65532.
#
# Both carry the label org.mlopsgo.standin=true. An image built on them
# works, but it is not the one a registry build gives: do not push it.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
flags=("$@")
bh() { buildah "${flags[@]}" "$@"; }

[ "$(id -u)" -eq 0 ] || { echo "standins.sh: run as root (buildah mount needs it)" >&2; exit 1; }
command -v busybox >/dev/null || { echo "standins.sh: busybox not found (Debian: busybox-static)" >&2; exit 1; }
certs=/etc/ssl/certs/ca-certificates.crt
[ -s "$certs" ] || { echo "standins.sh: $certs missing (Debian: ca-certificates)" >&2; exit 1; }

# arg_default NAME: the default of `ARG NAME=...` in the Dockerfile.
arg_default() {
  local v
  v=$(sed -n "s/^ARG $1=\(.*\)$/\1/p" "$root/Dockerfile" | head -n 1)
  [ -n "$v" ] || { echo "standins.sh: no 'ARG $1=' default in the Dockerfile" >&2; exit 1; }
  case $v in *@*) echo "standins.sh: $1=$v is pinned by digest; a stand-in cannot have that digest" >&2; exit 1 ;; esac
  printf '%s\n' "$v"
}
go_image=$(arg_default GO_IMAGE)
runtime_image=$(arg_default RUNTIME_IMAGE)

work=$(mktemp -d "${TMPDIR:-/tmp}/standins.XXXXXX")
ctr=""
cleanup() {
  if [ -n "$ctr" ]; then bh rm "$ctr" >/dev/null 2>&1 || true; fi
  # The module cache is read-only, as Go writes it.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# new_rootfs: a scratch working container; sets ctr and mnt (its root).
new_rootfs() {
  ctr=$(bh from scratch)
  mnt=$(bh mount "$ctr")
}

# commit NAME: commits the working container as NAME.
commit() {
  bh umount "$ctr" >/dev/null
  bh commit --rm --quiet "$ctr" "$1" >/dev/null
  ctr=""
  echo "==> stand-in ready: $1"
}

# --- build stage: Go toolchain, busybox, module cache -----------------------
goroot=$(go env GOROOT)
goversion=$(go env GOVERSION)
tag=${go_image##*:}
want=go${tag%%-*}
case $goversion in
  "$want" | "$want".*) ;;
  *) echo "standins.sh: $go_image wants $want, this machine has $goversion" >&2; exit 1 ;;
esac

echo "==> module cache for training/ and app/ (from $(go env GOMODCACHE), else $(go env GOPROXY))"
modcache=$work/gomodcache
for m in training app; do
  (cd "$root/$m" && GOWORK=off GOFLAGS=-mod=mod GOMODCACHE="$modcache" \
    GOPROXY="file://$(go env GOMODCACHE)/cache/download,$(go env GOPROXY)" go mod download)
done

echo "==> $go_image: $goversion from $goroot, busybox, $(du -sh "$modcache" | cut -f1) of modules"
new_rootfs
mkdir -p "$mnt"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,go/bin,go/pkg}
chmod 1777 "$mnt/tmp"
cp -a "$goroot" "$mnt/usr/local/go"
cp -a "$modcache" "$mnt/go/pkg/mod"
cp "$(command -v busybox)" "$mnt/bin/busybox"
for applet in $(busybox --list); do
  [ -e "$mnt/bin/$applet" ] || ln -s busybox "$mnt/bin/$applet"
done
ln -s /bin/busybox "$mnt/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$mnt/etc/passwd"
printf 'root:x:0:\n' >"$mnt/etc/group"
# As the official golang image sets them, plus GOPROXY=off: the module
# cache above is all there is.
bh config \
  --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env GOLANG_VERSION="${goversion#go}" --env GOTOOLCHAIN=local --env GOPATH=/go --env GOPROXY=off \
  --workingdir /go --cmd /bin/sh \
  --label org.mlopsgo.standin=true --label org.opencontainers.image.description="local stand-in for $go_image" \
  "$ctr"
commit "$go_image"

# --- runtime stage: distroless static's users, CA certificates --------------
echo "==> $runtime_image: scratch, nonroot (65532), CA certificates"
new_rootfs
mkdir -p "$mnt"/{etc/ssl/certs,tmp,home/nonroot,root}
chmod 1777 "$mnt/tmp"
chmod 0700 "$mnt/root" "$mnt/home/nonroot"
chown 65532:65532 "$mnt/home/nonroot"
cp "$certs" "$mnt/etc/ssl/certs/ca-certificates.crt"
cat >"$mnt/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$mnt/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
bh config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --user 65532:65532 --workingdir /home/nonroot \
  --label org.mlopsgo.standin=true --label org.opencontainers.image.description="local stand-in for $runtime_image" \
  "$ctr"
commit "$runtime_image"
