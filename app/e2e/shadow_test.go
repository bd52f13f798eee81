package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/procrun"
	"github.com/mlopsgo/mlops/testsupport/promserver"
	"github.com/mlopsgo/mlops/training/model"
)

// TestE2EShadowRunsShadowRealPrometheus scores every challenger in shadow
// on a real model-api scraped by a real Prometheus, sends a known set of
// rows to the champion, and reads the comparison back with the real mlops
// runs shadow: each challenger's agreement and mean confidence difference
// must be what the bundles themselves give on those rows. (Prometheus's
// increase() extrapolates every counter of one target by the same factor
// when all start at 0 before the traffic, so the ratios are exact; the
// counts are at least the rows sent.)
func TestE2EShadowRunsShadowRealPrometheus(t *testing.T) {
	requireE2E(t)
	mlops := procrun.Program(t, "MLOPS_BIN", "make e2e-app builds it")
	modelsDir := procrun.Program(t, "MODELS_DIR", "make e2e-app trains it")
	set, err := model.LoadDir(modelsDir)
	if err != nil {
		t.Fatal(err)
	}
	champion := set.Champion()
	challengers := set.Index.Challengers()
	if len(challengers) == 0 {
		t.Fatalf("%s has no challenger", modelsDir)
	}
	api := modelapi.Start(t, modelapi.Options{ModelDir: modelsDir, Env: []string{"SHADOW_MODELS=" + strings.Join(challengers, ",")}})
	prom := promserver.Start(t, promserver.Options{Config: promserver.Config{
		Jobs: []promserver.Job{{Name: "model-api", Targets: []promserver.Target{{Addr: api.Addr()}}}},
	}})
	ctx := t.Context()
	// A scrape of the zeros before any traffic.
	if _, err := prom.WaitForData(ctx, promserver.Query{Expr: fmt.Sprintf(`count(%s{served_model=%q} == 0) == %d`,
		telemetry.ShadowPredictionsTotal, champion.Name, len(challengers))}, 30*time.Second); err != nil {
		t.Fatal(err)
	}

	// Rows drawn across the training range of every feature, so that the
	// models disagree on some; sent to the champion in batches.
	const rows, batch = 400, 8
	rng := rand.New(rand.NewPCG(16, 1))
	nf := len(champion.Features)
	x := make([]float64, rows*nf)
	for i := range rows {
		for j, f := range champion.Features {
			x[i*nf+j] = f.Stats.Min + rng.Float64()*(f.Stats.Max-f.Stats.Min)
		}
	}
	for i := 0; i < rows; i += batch {
		data, _ := json.Marshal(x[i*nf : (i+batch)*nf])
		body := fmt.Sprintf(`{"inputs":[{"name":"x","shape":[%d,%d],"datatype":"FP64","data":%s}]}`, batch, nf, data)
		if code, resp := api.Post(ctx, "/v2/models/"+champion.Name+"/infer", body); code != 200 {
			t.Fatalf("infer: %d %s", code, resp)
		}
	}

	// What the bundles give, challenger by challenger.
	type want struct{ agreement, diff float64 }
	wants := map[string]want{}
	ps, pc := make([]float64, len(champion.Classes)), make([]float64, len(champion.Classes))
	for _, c := range challengers {
		agreed, diff := 0, 0.0
		for i := range rows {
			champion.PredictInto(ps, x[i*nf:(i+1)*nf])
			set.Bundles[c].PredictInto(pc, x[i*nf:(i+1)*nf])
			ks, kc := model.ArgMax(ps), model.ArgMax(pc)
			if ks == kc {
				agreed++
			}
			diff += pc[kc] - ps[ks]
		}
		wants[c] = want{float64(agreed) / rows, diff / rows}
	}

	// Prometheus has scraped every row.
	if _, err := prom.WaitForData(ctx, promserver.Query{Expr: fmt.Sprintf(`sum(%s{served_model=%q}) == %d`,
		telemetry.ShadowPredictionsTotal, champion.Name, rows*len(challengers))}, 30*time.Second); err != nil {
		t.Fatal(err)
	}

	out, err := exec.CommandContext(ctx, mlops, "runs", "shadow", "--prometheus", prom.URL(), "--window", "10m", "--json").Output()
	if err != nil {
		t.Fatalf("mlops runs shadow --json: %v\n%s", err, out)
	}
	var report struct {
		Rows []struct {
			Challenger  string   `json:"challenger"`
			ServedModel string   `json:"served_model"`
			Scored      float64  `json:"scored"`
			Agreement   *float64 `json:"agreement"`
			Diff        *float64 `json:"mean_confidence_difference"`
			Dropped     float64  `json:"dropped"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	const tol = 1e-9 // the sums' rounding, and the extrapolation factor divided out
	seen := 0
	for _, r := range report.Rows {
		w, ok := wants[r.Challenger]
		if r.ServedModel != champion.Name || !ok {
			t.Errorf("row %+v: only challengers against %s were served", r, champion.Name)
			continue
		}
		seen++
		if r.Agreement == nil || r.Diff == nil || math.Abs(*r.Agreement-w.agreement) > tol || math.Abs(*r.Diff-w.diff) > tol {
			t.Errorf("%s: agreement %v, mean confidence difference %v; the bundles give %v, %v", r.Challenger, deref(r.Agreement), deref(r.Diff), w.agreement, w.diff)
		}
		if r.Scored < rows || r.Dropped != 0 {
			t.Errorf("%s: scored %v, dropped %v; want at least the %d rows sent, none dropped", r.Challenger, r.Scored, r.Dropped, rows)
		}
	}
	if seen != len(challengers) {
		t.Errorf("%d rows against %s, want one per challenger (%d):\n%s", seen, champion.Name, len(challengers), out)
	}

	// The table says the same.
	table, err := exec.CommandContext(ctx, mlops, "runs", "shadow", "--prometheus", prom.URL(), "--window", "10m").Output()
	if err != nil {
		t.Fatalf("mlops runs shadow: %v\n%s", err, table)
	}
	for _, c := range challengers {
		line := fmt.Sprintf("%s  ", c)
		agreement := strconv.FormatFloat(wants[c].agreement, 'f', 4, 64)
		if !strings.Contains(string(table), line) || !strings.Contains(string(table), agreement) {
			t.Errorf("the table lacks %s with agreement %s:\n%s", c, agreement, table)
		}
	}
	t.Logf("mlops runs shadow:\n%s", table)

	// model-api is not Prometheus: a clear error, exit 1.
	cmd := exec.CommandContext(ctx, mlops, "runs", "shadow", "--prometheus", api.URL())
	msg, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(msg), "not a Prometheus HTTP API at "+api.URL()) {
		t.Errorf("mlops runs shadow --prometheus model-api: %v\n%s\nwant exit 1 saying it is not a Prometheus HTTP API", err, msg)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
