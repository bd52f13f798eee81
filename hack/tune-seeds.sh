#!/usr/bin/env bash
# Reproduces the README's table "Iris after mlops tune --apply" over seeds:
# for each seed given, a copy of params.yaml with that seed (which reseeds
# the split, the folds and the samplers), mlops train with the defaults,
# then mlops tune --apply and mlops train again, and one line with each
# champion's repeated-CV accuracy and the tuned champion's nested estimate.
# Nothing of the repository is written: each seed works in a temporary
# folder. About a minute per seed on 2 cores.
#
# Usage: hack/tune-seeds.sh [-m bin/mlops] SEED...
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mlops=$root/bin/mlops
if [[ ${1:-} == -m ]]; then
  mlops=$(realpath "$2")
  shift 2
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [-m path/to/mlops] SEED..." >&2
  exit 2
fi
if [[ ! -x $mlops ]]; then
  echo "$0: $mlops is not an executable; run make build first or pass -m" >&2
  exit 2
fi
python=${PYTHON:-python3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for seed in "$@"; do
  if ! [[ $seed =~ ^[0-9]+$ ]]; then
    echo "$0: seed $seed is not a non-negative integer" >&2
    exit 2
  fi
  dir=$work/$seed
  mkdir -p "$dir"
  cp -r "$root/data" "$dir/"
  sed "s/^seed: .*/seed: $seed/" "$root/params.yaml" >"$dir/params.yaml"
  if ! grep -qx "seed: $seed" "$dir/params.yaml"; then
    echo "$0: $root/params.yaml has no top-level seed: line to replace" >&2
    exit 1
  fi
  (
    cd "$dir"
    "$mlops" train --runs-dir off --models-dir default --metrics default.json >/dev/null 2>train.log
    "$mlops" tune --apply --runs-dir off >tune.txt 2>tune.log
    "$mlops" train --runs-dir off --models-dir tuned --metrics tuned.json >/dev/null 2>>train.log
    "$python" - "$seed" <<'PY'
import json
import sys

def champion(path):
    m = json.load(open(path))
    name = m["champion"]
    return name, m["models"][name]["cv"]["accuracy_mean"]

d_name, d_cv = champion("default.json")
t_name, t_cv = champion("tuned.json")
# tune's table: MODEL, DEFAULT CV (mean ± std), NESTED (mean ± std), ...
nested = next(line.split()[4] for line in open("tune.txt") if line.startswith(t_name + " "))
print(f"| {sys.argv[1]} | {d_name} {d_cv:.4f} | {t_name} {t_cv:.4f} | {nested} |", flush=True)
PY
  )
done
