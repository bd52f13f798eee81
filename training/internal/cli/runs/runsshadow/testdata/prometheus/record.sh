#!/bin/sh
# Records the Prometheus answers the runsshadow tests replay: a real
# Prometheus (the Debian package) scrapes a real model-api every second
# while traffic runs, and the five queries Fetch sends are asked at a fixed
# time. Run from the repository root after `make build $PWD/bin/model-api`
# (models/ trained); it prints the times to put in shadow_test.go.
#
#   sh training/internal/cli/runs/runsshadow/testdata/prometheus/record.sh
set -eu
out=$(cd "$(dirname "$0")" && pwd)
root=$(pwd)
work=$(mktemp -d)
api=127.0.0.1:18231
prom=127.0.0.1:18232
trap 'kill $apipid $prompid 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: model-api
    static_configs:
      - targets: ["$api"]
        labels: {namespace: prod, pod: model-api-0}
YML

start_api() { # SHADOW_MODELS SHADOW_QUEUE
	HOST=127.0.0.1 PORT=${api#*:} MODEL_DIR="$root/models" SHADOW_MODELS=$1 SHADOW_QUEUE=$2 LOG_LEVEL=warn \
		"$root/bin/model-api" >"$work/api.log" 2>&1 &
	apipid=$!
	sleep 2
}

# record SET WINDOW: the five answers at one time, into $out/SET.
record() {
	mkdir -p "$out/$1"
	t=$(python3 -c 'import time; print(round(time.time(), 3))')
	for q in predictions:model_api_shadow_predictions_total agreements:model_api_shadow_agreements_total \
		confidence_challenger:'model_api_shadow_confidence_total{side="challenger"}' \
		confidence_served:'model_api_shadow_confidence_total{side="served"}' dropped:model_api_shadow_dropped_total; do
		curl -sf -X POST "http://$prom/api/v1/query" --data-urlencode "query=sum by (model, served_model) (increase(${q#*:}[$2]))" \
			--data-urlencode "time=$t" >"$out/$1/${q%%:*}.json"
	done
	# model-api's own counters, for the tests to check the ratios against.
	curl -sf "http://$api/metrics" | grep -E '^model_api_shadow_(predictions|agreements|confidence)_total' >"$out/$1/metrics.txt"
	echo "$1: $2 at $t"
}

# traffic SECONDS THREADS BATCH: perturbed Iris rows, the champion (svm)
# serving every other request and random_forest (/predict's default) the rest.
traffic() {
	python3 - "$root/data/iris.csv" "$api" "$@" <<'PY'
import csv, json, random, sys, threading, time, urllib.request
rows = list(csv.DictReader(open(sys.argv[1])))
api, seconds, threads, batch = sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
feats = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
def post(path, body):
    req = urllib.request.Request("http://" + api + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
def work(seed):
    rng, n, end = random.Random(seed), 0, time.time() + seconds
    while time.time() < end:
        xs = [[min(max(float(r[f]) + rng.uniform(-0.8, 0.8), 0), 10) for f in feats] for r in rng.choices(rows, k=batch)]
        if n % 2 == 0:
            post("/v2/models/svm/infer", {"inputs": [{"name": "x", "shape": [batch, 4], "datatype": "FP64", "data": sum(xs, [])}]})
        else:
            post("/predict/batch", {"features_list": [dict(zip(feats, x)) for x in xs]})
        n += 1
ts = [threading.Thread(target=work, args=(s,)) for s in range(threads)]
[t.start() for t in ts]
[t.join() for t in ts]
PY
}

/usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
	--web.listen-address=$prom --log.level=warn >"$work/prom.log" 2>&1 &
prompid=$!
start_api xgboost,random_forest,logistic_regression 1024
sleep 3 # a scrape of the zeros before any traffic
traffic 15 1 1
sleep 3
record all 5m
# A restart with a one-job queue under bursts: rows dropped, counters reset.
kill $apipid; wait $apipid 2>/dev/null || true
start_api xgboost,random_forest 1
traffic 12 4 200
sleep 3
record drops 5m
sleep 12
record quiet 10s
