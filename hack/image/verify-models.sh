#!/bin/sh
# Usage: verify-models.sh MLOPS
#
# Retrains the models with the dvc.yaml pipeline (the train stage and the
# validate stage it depends on) and fails unless every output of those stages,
# models/ first of all, has the md5 dvc.lock records. Training is
# byte-reproducible, so a match proves the bundles are the committed ones.
#
# The Dockerfile's build stage runs it from the repository root, with no
# models/ and no DVC cache in the context. It overwrites models/,
# metrics.json and reports/data.json, so run it by hand only in a scratch copy
# of the repository; dvc.lock is put back as it was in any case.
#
# How: `mlops pipeline run` writes the hashes of what it trained into
# dvc.lock; the recorded dvc.lock is then put back and `mlops pipeline
# status` compares it with what is on disk. An output that differs, or a
# stage missing from dvc.lock, fails the build. Inputs that differ (code,
# params, cmd) while the outputs still match are only reported: the image
# still carries exactly the recorded models, but dvc.lock should be
# refreshed (`mlops pipeline run`, then commit it).
#
# POSIX sh only: the build stage may have a minimal shell.
set -eu

mlops=${1:?usage: verify-models.sh MLOPS}
stages=train

recorded=$(mktemp)
trap 'cp "$recorded" dvc.lock; rm -f "$recorded"' EXIT
cp dvc.lock "$recorded"

echo "==> retraining: mlops pipeline run --force --no-run-cache $stages"
# --force and --no-run-cache: train for real even if outputs or a run cache
# were somehow present.
"$mlops" pipeline run --force --no-run-cache $stages

cp "$recorded" dvc.lock
status=$("$mlops" pipeline status $stages)
echo "==> mlops pipeline status $stages (against the recorded dvc.lock)"
printf '%s\n' "$status"

# Reasons are the tab-indented lines; the ones that only concern inputs are
# warnings, anything else (changed outs, not in dvc.lock) is a mismatch.
tab=$(printf '\t')
problems=$(printf '%s\n' "$status" | grep "^$tab" |
  grep -v -e "^${tab}changed deps: " -e "^${tab}changed params: " -e "^${tab}changed cmd\$" || true)
if [ -n "$problems" ]; then
  echo "error: the retrained outputs differ from dvc.lock:" >&2
  printf '%s\n' "$problems" >&2
  echo "error: dvc.lock does not describe this source tree; run 'mlops pipeline run' (make build first) and commit dvc.lock" >&2
  exit 1
fi
if printf '%s\n' "$status" | grep -q "^$tab"; then
  echo "warning: the inputs above differ from dvc.lock, but every output matches it; refresh dvc.lock with 'mlops pipeline run'" >&2
fi
echo "==> ok: the retrained models match dvc.lock byte for byte"
