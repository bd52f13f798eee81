package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	rolloutsv1alpha1 "github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"sigs.k8s.io/yaml"

	"github.com/mlopsgo/mlops/gitops/internal/render"
	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/poll"
	"github.com/mlopsgo/mlops/testsupport/procrun"
	"github.com/mlopsgo/mlops/testsupport/promserver"
	"github.com/mlopsgo/mlops/testsupport/traffic"
)

// The verdicts of one Argo Rollouts measurement.
const (
	successful   = rolloutsv1alpha1.AnalysisPhaseSuccessful
	failed       = rolloutsv1alpha1.AnalysisPhaseFailed
	inconclusive = rolloutsv1alpha1.AnalysisPhaseInconclusive
)

// canaryMetrics are the Prometheus metrics prod's AnalysisTemplates
// measure, in the order the table prints them.
var canaryMetrics = []string{"error-ratio", "latency", "prediction-error-ratio", "class-psi", "mean-confidence"}

// canary is one scenario: a model-api labelled as a canary pod of prod's
// release, beside the one stable model-api every scenario shares, with its
// own pod template hash, so the analyses of all scenarios run on one
// Prometheus and never see each other's series.
type canary struct {
	name string
	// models is the models folder it serves; empty: the stable pods'.
	models string
	env    []string
	// step sends the canary's traffic of step i (every canaryEvery).
	step func(ctx context.Context, api *modelapi.Server, i int)
	// want is each metric's verdict; a metric not named must be
	// Successful.
	want map[string]rolloutsv1alpha1.AnalysisPhase

	hash string
	api  *modelapi.Server
}

// canaryEvery is the time between two traffic steps of each model-api:
// with one /predict a step, 20 requests a second, 600 in the 30-second
// window, twice prod's largest floor (300 requests a side for the latency).
const canaryEvery = 50 * time.Millisecond

// TestE2ECanary judges canaries with Argo Rollouts' own code on real
// series: a real Prometheus scrapes, every second, one stable and five
// canary model-api processes labelled as prod's ServiceMonitor labels its
// pods (job the main Service's name, namespace model-api-prod, and
// rollouts_pod_template_hash, a hash per process); each gets its traffic
// from its own bounded generator, every side predicting the same unseen
// rows (see unseen). Once the analysis window (30 s, by
// testdata/values-canary-e2e.yaml) holds only that traffic, each
// AnalysisTemplate prod renders is measured once per canary by
// $ARGOANALYSIS (tools/argoanalysis): Argo Rollouts' argument resolution,
// Prometheus provider and condition evaluation, with the canary's and the
// stable hash as the Rollout passes them.
//
//   - healthy: the stable bundles, the stable traffic: every metric
//     Successful.
//   - corrupted-labels: the model /predict serves (random_forest) trained
//     by mlops train on data/iris.csv with its labels shuffled: the
//     model-quality guard's mean-confidence Failed.
//   - slow: started with a -max-batch of slowBatch rows, one such v2 infer
//     request every 10 steps beside the single rows: the server's own
//     histogram puts its p99 far above the stable p99 + 5 ms: latency
//     Failed.
//   - errors: its bundles broken on disk and one /admin/reload a step
//     (answered 500, model-api's only 5xx on real input beside not-ready),
//     and one row outside the declared range a step (a rejected prediction,
//     4xx): error-ratio and prediction-error-ratio Failed.
//   - quiet: one request a second, under every floor: every metric
//     Inconclusive.
func TestE2ECanary(t *testing.T) {
	requireE2E(t)
	models := procrun.Program(t, "MODELS_DIR", "make e2e-canary trains them")
	analysis := procrun.Program(t, "ARGOANALYSIS", "make e2e-canary builds it")
	ctx := t.Context()

	const namespace, release = "model-api-prod", "model-api"
	m := renderChart(t, render.Options{
		Release: release, Namespace: namespace,
		ValueFiles: []string{filepath.Join(chartDir, "values-prod.yaml"), "testdata/values-canary-e2e.yaml"},
	})
	templates := writeTemplates(t, m.AnalysisTemplates)
	job := m.Service.Name

	inputs := unseen(readCSV(t, "../../data/iris.csv"))
	rows := make([]string, len(inputs))
	for i, r := range inputs {
		rows[i] = jsonBody(t, map[string]any{"features": r})
	}
	big := make([]map[string]float64, 0, slowBatch)
	for len(big) < cap(big) {
		big = append(big, inputs[len(big)%len(inputs)])
	}
	var (
		bigInfer   = inferBody(t, big)
		outOfRange = jsonBody(t, map[string]any{"features": map[string]float64{"sepal_length": 50, "sepal_width": 3, "petal_length": 1.4, "petal_width": 0.2}})
	)
	predict := func(ctx context.Context, api *modelapi.Server, i int) {
		api.Post(ctx, "/predict", rows[i%len(rows)])
	}
	brokenModels := copyDir(t, models)
	scenarios := []*canary{
		{name: "healthy", step: predict},
		{
			name: "corrupted-labels", models: trainCorrupted(t), step: predict,
			// Shuffling keeps Iris's three equal classes, so the class mix
			// it predicts stays close to stable's (class-psi passes); its
			// confidence gives it away.
			want: map[string]rolloutsv1alpha1.AnalysisPhase{"mean-confidence": failed},
		},
		{
			// Its own -max-batch lets it take the large requests.
			name: "slow", env: []string{fmt.Sprintf("MAX_BATCH=%d", slowBatch)},
			step: func(ctx context.Context, api *modelapi.Server, i int) {
				predict(ctx, api, i)
				if i%10 == 0 {
					api.Post(ctx, "/v2/models/"+inferModel+"/infer", bigInfer)
				}
			},
			want: map[string]rolloutsv1alpha1.AnalysisPhase{"latency": failed},
		},
		{
			name: "errors", models: brokenModels, env: []string{"ADMIN_TOKEN=e2e-token"},
			step: func(ctx context.Context, api *modelapi.Server, i int) {
				predict(ctx, api, i)
				api.Post(ctx, "/admin/reload", "", "Authorization: Bearer e2e-token")
				api.Post(ctx, "/predict", outOfRange)
			},
			want: map[string]rolloutsv1alpha1.AnalysisPhase{"error-ratio": failed, "prediction-error-ratio": failed},
		},
		{
			name: "quiet",
			step: func(ctx context.Context, api *modelapi.Server, i int) {
				if i%20 == 0 {
					predict(ctx, api, i)
				}
			},
			want: map[string]rolloutsv1alpha1.AnalysisPhase{
				"error-ratio": inconclusive, "latency": inconclusive, "prediction-error-ratio": inconclusive,
				"class-psi": inconclusive, "mean-confidence": inconclusive,
			},
		},
	}

	// As prod's ServiceMonitor labels a pod's series: job is the main
	// Service's name, plus namespace, pod and the pod's
	// rollouts-pod-template-hash (podTargetLabels); stableHash is
	// analysis_test.go's.
	target := func(api *modelapi.Server, hash string) promserver.Target {
		return promserver.Target{Addr: api.Addr(), Labels: map[string]string{
			"namespace": namespace, "pod": release + "-" + hash, "rollouts_pod_template_hash": hash,
		}}
	}
	stable := modelapi.Start(t, modelapi.Options{ModelDir: models})
	targets := []promserver.Target{target(stable, stableHash)}
	for i, s := range scenarios {
		s.hash = fmt.Sprintf("c4n4ry%d", i)
		dir := s.models
		if dir == "" {
			dir = models
		}
		s.api = modelapi.Start(t, modelapi.Options{ModelDir: dir, Env: s.env})
		targets = append(targets, target(s.api, s.hash))
	}
	prom := promserver.Start(t, promserver.Options{Config: promserver.Config{Jobs: []promserver.Job{{Name: job, Targets: targets}}}})
	if !poll.Until(ctx, 30*time.Second, 250*time.Millisecond, func() bool {
		up, err := prom.Query(ctx, fmt.Sprintf(`count(up{job=%q,namespace=%q} == 1)`, job, namespace))
		return err == nil && len(up) == 1 && up[0].Values[0] == float64(len(targets))
	}) {
		t.Fatalf("Prometheus does not scrape all %d model-api targets", len(targets))
	}

	// Break the errors scenario's bundles: every reload from now on fails
	// and the loaded models keep serving.
	if err := os.WriteFile(filepath.Join(brokenModels, "index.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	// 3000 steps (150 s) outlast the window and the measurements.
	gen := traffic.Options{Every: canaryEvery, Max: 3000}
	traffic.Start(t, gen, func(ctx context.Context, i int) { predict(ctx, stable, i) })
	for _, s := range scenarios {
		traffic.Start(t, gen, func(ctx context.Context, i int) { s.step(ctx, s.api, i) })
	}
	// Let the window fill with this traffic alone, plus two scrapes.
	select {
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	case <-time.After(analysisWindow(t) + 2*time.Second):
	}

	var table strings.Builder
	fmt.Fprintf(&table, "%-17s %-23s %-12s %s\n", "canary", "metric", "phase", "value")
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := measure(t, analysis, prom.URL(), templates, s.hash, stableHash)
			for _, name := range canaryMetrics {
				want := successful
				if w, ok := s.want[name]; ok {
					want = w
				}
				r, ok := got[name]
				if !ok {
					t.Errorf("%s: no measurement of %s", s.name, name)
					continue
				}
				fmt.Fprintf(&table, "%-17s %-23s %-12s %s\n", s.name, name, r.Phase, r.Value)
				if r.Phase != want {
					t.Errorf("%s: %s is %s (value %s%s), want %s", s.name, name, r.Phase, r.Value, r.Message, want)
				}
			}
		})
	}
	t.Logf("Argo Rollouts' verdicts, one measurement per metric and canary:\n%s", table.String())
}

// slowBatch is the rows of the slow canary's large requests: about 50 ms
// of decoding and prediction, where a single row takes well under 1 ms
// and the limit is the stable p99 + 5 ms.
const slowBatch = 20000

// unseen returns the Iris rows moved by a seeded normal noise of 0.2 cm
// (kept inside the declared range): inputs no model was trained on, as a
// canary's traffic is. On the training rows themselves a random forest
// trained on shuffled labels recalls the shuffled labels, with a class mix
// and a confidence close to a good model's.
func unseen(iris []map[string]float64) []map[string]float64 {
	r := rand.New(rand.NewPCG(2, 2))
	features := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	out := make([]map[string]float64, len(iris))
	for i, row := range iris {
		out[i] = map[string]float64{}
		for _, f := range features {
			out[i][f] = math.Round(min(max(row[f]+0.2*r.NormFloat64(), 0.1), 10)*100) / 100
		}
	}
	return out
}

// analysisWindow returns rollout.analysis.windowSeconds of
// testdata/values-canary-e2e.yaml.
func analysisWindow(t *testing.T) time.Duration {
	t.Helper()
	b, err := os.ReadFile("testdata/values-canary-e2e.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Rollout struct {
			Analysis struct {
				WindowSeconds int `json:"windowSeconds"`
			} `json:"analysis"`
		} `json:"rollout"`
	}
	if err := yaml.UnmarshalStrict(b, &v); err != nil {
		t.Fatalf("testdata/values-canary-e2e.yaml: %v", err)
	}
	if v.Rollout.Analysis.WindowSeconds <= 0 {
		t.Fatal("testdata/values-canary-e2e.yaml sets no rollout.analysis.windowSeconds")
	}
	return time.Duration(v.Rollout.Analysis.WindowSeconds) * time.Second
}

// measurement is one line of argoanalysis's output.
type measurement struct {
	Template string                         `json:"template"`
	Metric   string                         `json:"metric"`
	Value    string                         `json:"value"`
	Phase    rolloutsv1alpha1.AnalysisPhase `json:"phase"`
	Message  string                         `json:"message"`
}

// measure runs argoanalysis on the templates with the canary's and the
// stable hash and returns its measurements by metric.
func measure(t *testing.T, bin, prometheus string, templates []string, canaryHash, stableHash string) map[string]measurement {
	t.Helper()
	args := append([]string{"-prometheus", prometheus, "-arg", "canary-hash=" + canaryHash, "-arg", "stable-hash=" + stableHash}, templates...)
	cmd := exec.CommandContext(t.Context(), bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("argoanalysis: %v\n%s", err, stderr.String())
	}
	got := map[string]measurement{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var r measurement
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("argoanalysis output %q: %v", sc.Text(), err)
		}
		got[r.Metric] = r
	}
	return got
}

// writeTemplates writes each AnalysisTemplate to its own file and returns
// the paths.
func writeTemplates(t *testing.T, templates []*rolloutsv1alpha1.AnalysisTemplate) []string {
	t.Helper()
	if len(templates) == 0 {
		t.Fatal("the chart renders no AnalysisTemplate")
	}
	dir := t.TempDir()
	var paths []string
	for _, at := range templates {
		b, err := yaml.Marshal(at)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, at.Name+".yaml")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}

// trainCorrupted trains random_forest (the model /predict serves, the
// registry's preferred default) alone with $MLOPS_BIN on a copy of
// data/iris.csv whose labels are shuffled (seeded), and returns its models
// folder.
func trainCorrupted(t *testing.T) string {
	t.Helper()
	mlops := procrun.Program(t, "MLOPS_BIN", "make e2e-canary builds it")
	dir := t.TempDir()
	b, err := os.ReadFile("../../data/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	label := slices.Index(header, "species")
	if label < 0 {
		t.Fatalf("data/iris.csv: no species column in %q", lines[0])
	}
	rows := make([][]string, len(lines)-1)
	labels := make([]string, len(rows))
	for i, l := range lines[1:] {
		rows[i] = strings.Split(l, ",")
		labels[i] = rows[i][label]
	}
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	out := []string{lines[0]}
	for i, r := range rows {
		r[label] = labels[i]
		out = append(out, strings.Join(r, ","))
	}
	data := filepath.Join(dir, "iris.csv")
	if err := os.WriteFile(data, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	params, err := os.ReadFile("../../params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Replace(string(params), "path: data/iris.csv", "path: "+data, 1)
	if p == string(params) {
		t.Fatal("params.yaml: no data.path data/iris.csv to replace")
	}
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
	modelsDir := filepath.Join(dir, "models")
	run(t, dir, mlops, "train", "--params", "params.yaml", "--models-dir", modelsDir, "--metrics", "",
		"--runs-dir", filepath.Join(dir, "runs"), "--only", "random_forest", "--quiet")
	return modelsDir
}
