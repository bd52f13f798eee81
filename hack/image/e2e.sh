#!/usr/bin/env bash
# Usage: e2e.sh   (make e2e-image runs it; as root)
#
# Builds the real, unmodified Dockerfile with buildah (chroot isolation, vfs
# storage in a temporary root under bin/) on local stand-ins for its base
# images (standins.sh: no registry is reachable), twice, and checks that:
#   - the build passes, including its dvc.lock check, and the two builds give
#     the same image ID (the image is reproducible);
#   - the image config: user 65532:65532, port 8080, the OCI labels, an
#     entrypoint, no credential-like variables, and a size under IMAGE_MAX_MB;
#   - the entrypoint, run with buildah run, serves /healthz, /readyz and a
#     prediction over loopback, runs as uid 65532, writes nothing into the
#     image's file system, and stops cleanly on SIGTERM.
# Everything it made (images, containers, storage, buildah's cache) is
# removed at exit.
#
# Environment: VERSION, REVISION (stamped into the image; default e2e and
# the HEAD commit), SOURCE_DATE_EPOCH (image timestamps; default HEAD's
# commit time), IMAGE_MAX_MB (default 25), KEEP=1 keeps the work directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ "$(id -u)" -ne 0 ]; then
  # buildah's chroot isolation and `buildah mount` need root: take it as
  # .ci/install-deps does, passing on what this script and Go read.
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    exec sudo -n env PATH="$PATH" GOMODCACHE="$(go env GOMODCACHE)" GOPROXY="$(go env GOPROXY)" \
      VERSION="${VERSION:-}" REVISION="${REVISION:-}" SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-}" \
      IMAGE_MAX_MB="${IMAGE_MAX_MB:-}" KEEP="${KEEP:-}" "$0" "$@"
  fi
  echo "e2e.sh: run as root (buildah with chroot isolation and vfs storage)" >&2
  exit 1
fi
for tool in buildah curl ss; do
  command -v "$tool" >/dev/null || { echo "e2e.sh: $tool not found (make e2e-deps)" >&2; exit 1; }
done

version=${VERSION:-e2e}
revision=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
max_mb=${IMAGE_MAX_MB:-25}
image=localhost/model-api:e2e

mkdir -p bin
work=$(mktemp -d "$root/bin/image-e2e.XXXXXX")
flags=(--root "$work/storage" --runroot "$work/run" --storage-driver vfs)
# buildah keeps RUN --mount=type=cache directories and its run-time files
# under TMPDIR (default /var/tmp): keep them in the work directory too.
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp
bh() { buildah "${flags[@]}" "$@"; }

runpid=""
server=""
cleanup() {
  local rc=$?
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server" 2>/dev/null || true; fi
  if [ -n "$runpid" ]; then wait "$runpid" 2>/dev/null || true; fi
  bh rm --all >/dev/null 2>&1 || true
  bh rmi --all --force >/dev/null 2>&1 || true
  if [ "${KEEP:-}" = 1 ]; then
    echo "e2e-image: kept $work"
  else
    chmod -R u+w "$work" 2>/dev/null || true
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

echo "==> stand-ins for the base images (storage: $work)"
"$root/hack/image/standins.sh" "${flags[@]}"

# build TAG: builds the Dockerfile as TAG and prints the image ID.
build() {
  bh bud --isolation chroot --pull=never --timestamp "$epoch" \
    --build-arg VERSION="$version" --build-arg REVISION="$revision" \
    -f Dockerfile -t "$1" . >"$work/build-${1##*:}.log" 2>&1 || {
    tail -n 60 "$work/build-${1##*:}.log" >&2
    fail "buildah bud $1 (log above)"
  }
  bh inspect --type image --format '{{.FromImageID}}' "$1"
}

echo "==> buildah bud --isolation chroot --storage-driver vfs -t $image ."
start=$(date +%s)
id=$(build "$image")
secs=$(($(date +%s) - start))
# The dvc.lock check's report: its steps, the status lines, any warning.
grep -E $'^(==>|warning:|error:|\t|[A-Za-z0-9_-]+:$)' "$work/build-e2e.log" || true
pass "built $image (${id:0:12}) in ${secs}s"

echo "==> the same build again: the image must be identical"
start=$(date +%s)
id2=$(build "$image-again")
[ "$id" = "$id2" ] || fail "the rebuild gave image ${id2:0:12}, the first ${id:0:12}: the build is not reproducible"
pass "rebuilt in $(($(date +%s) - start))s with the same image ID ${id:0:12}"

echo "==> image config"
cfg() { bh inspect --type image --format "$1" "$image"; }
user=$(cfg '{{.OCIv1.Config.User}}')
[ "$user" = "65532:65532" ] || fail "user is '$user', want 65532:65532"
pass "user $user"
# shellcheck disable=SC2016 # a Go template, not a shell expansion
ports=$(cfg '{{range $p, $_ := .OCIv1.Config.ExposedPorts}}{{$p}} {{end}}')
[ "$ports" = "8080/tcp " ] || fail "exposed ports are '$ports', want 8080/tcp"
pass "exposes $ports"
for label in source revision version licenses; do
  v=$(cfg "{{index .OCIv1.Config.Labels \"org.opencontainers.image.$label\"}}")
  [ -n "$v" ] || fail "label org.opencontainers.image.$label is missing"
  pass "label org.opencontainers.image.$label=$v"
done
[ "$(cfg '{{index .OCIv1.Config.Labels "org.opencontainers.image.revision"}}')" = "$revision" ] || fail "revision label is not $revision"
envs=$(cfg '{{range .OCIv1.Config.Env}}{{println .}}{{end}}')
if grep -iE '^[^=]*(KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL)[^=]*=' <<<"$envs"; then
  fail "credential-like variables in the image config (above)"
fi
pass "env: $(tr '\n' ' ' <<<"$envs")"
mapfile -t entrypoint < <(cfg '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}')
mapfile -t cmd < <(cfg '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}')
[ "${#entrypoint[@]}" -gt 0 ] || fail "no entrypoint"
pass "entrypoint ${entrypoint[*]} ${cmd[*]}"

echo "==> size"
# The layers' sizes from the manifest: uncompressed tars in local storage,
# which is what `docker images` shows.
manifest=$(cfg '{{.Manifest}}')
bytes=0
while read -r s; do
  bytes=$((bytes + s))
done < <(grep -o '"size":[0-9]*' <<<"${manifest#*\"layers\":}" | cut -d: -f2)
bh push --quiet "$image" "oci:$work/oci:e2e" >/dev/null
compressed=$(du -sb "$work/oci/blobs" | cut -f1)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1000000 }')
echo "image size: $mb MB ($bytes bytes; $(awk -v b="$compressed" 'BEGIN { printf "%.1f", b / 1000000 }') MB compressed, as a registry stores it)"
[ "$bytes" -le $((max_mb * 1000000)) ] || fail "the image is $mb MB, over the $max_mb MB target"
pass "under $max_mb MB"

echo "==> run the entrypoint (buildah run, chroot isolation)"
ctr=$(bh from --pull=never --name model-api-e2e "$image")
mnt=$(bh mount "$ctr")
# A free loopback port: chroot isolation shares the host's network.
port=""
for p in $(shuf -i 20000-60000 -n 50); do
  if [ -z "$(ss -Htln "sport = :$p")" ]; then port=$p; break; fi
done
[ -n "$port" ] || fail "no free port"
# snapshot: every file in the container's root (path, type, mode, owner,
# size, mtime), but the kernel's file systems buildah run mounts.
snapshot() {
  (cd "$mnt" && find . \( -path ./proc -o -path ./sys -o -path ./dev \) -prune -o \
    -printf '%p %y %m %U:%G %s %T@\n' | sort)
}
before=$(snapshot)
bh run --isolation chroot --env PORT="$port" "$ctr" -- "${entrypoint[@]}" "${cmd[@]}" >"$work/server.log" 2>&1 &
runpid=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  kill -0 "$runpid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the container exited"; }
  sleep 0.2
done
body=$(curl -fsS "$base/healthz") || { cat "$work/server.log" >&2; fail "GET /healthz"; }
pass "GET /healthz: $body"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$base/readyz")
[ "$code" = 200 ] || fail "GET /readyz: $code"
pass "GET /readyz: $code"
pred=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"features": {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}, "model_name": "random_forest"}' \
  "$base/predict") || fail "POST /predict"
grep -q '"species":"Iris-setosa"' <<<"$pred" || fail "POST /predict: $pred"
pass "POST /predict: $pred"

# The server process: the one listening on the port, in the image's root.
server=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
[ -n "$server" ] || fail "no process listens on $port"
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$server/status")
gids=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$server/status")
[ "$uids" = "65532 65532 65532 65532" ] || fail "the server runs with uids $uids"
[ "$gids" = "65532 65532 65532 65532" ] || fail "the server runs with gids $gids"
pass "pid $server ($(tr '\0' ' ' <"/proc/$server/cmdline")) runs as uid/gid 65532, root $(readlink "/proc/$server/root")"

kill -TERM "$server"
rc=0
wait "$runpid" || rc=$?
runpid=""
server=""
[ "$rc" = 0 ] || { cat "$work/server.log" >&2; fail "exit status $rc after SIGTERM"; }
grep -q '"msg":"stopped"' "$work/server.log" || fail "no 'stopped' in the log"
pass "stopped on SIGTERM, exit status 0"

# Nothing written: the image's files before and after the run, except what
# buildah run itself adds (mount points, the files it binds over them).
diff <(printf '%s\n' "$before") <(snapshot) >"$work/written.diff" || true
written=$(grep '^[<>]' "$work/written.diff" |
  grep -vE '^[<>] \.(/(etc/(hosts|hostname|resolv\.conf)|run|run/\.containerenv|etc))? ' || true)
[ -z "$written" ] || fail "the run changed the image's file system (< before, > after):"$'\n'"$written"
pass "wrote nothing to disk (a read-only root file system will do)"

echo "e2e-image: all checks passed; image $mb MB, build ${secs}s"
