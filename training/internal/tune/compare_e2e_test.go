package tune

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/pythontest"
)

// The e2e comparison's layout, as issue #18 sets it: 5 x 1 outer folds, 20
// trials per search, 3 inner folds.
const (
	compareOuterFolds = 5
	compareTrials     = 20
	compareInnerFolds = 3
)

// compareMargin is how far below the better of scikit-learn's and
// Optuna's nested estimates ours may be: half a point. It applies to the
// mean over both data sets and their five models each, not to a model or
// a data set: with 5 outer folds of 30 (Iris) or 36 (wine) test rows, one
// row of one fold moves a model's nested estimate by 0.6 to 0.7 points,
// and a search that picks another of several near-equal points moves it
// by several rows, so a narrower mean would fail on which point each
// library's random stream happened to reach, not on how good the search
// is. On wine, for instance, the inner folds of outer fold 1 rank the
// linear SVM's C around 0.05 above every larger C (0.937 against 0.923),
// but fitted on the whole fold that C misses 5 of its 36 test rows where C
// of 0.15 and above miss none or one: our search found that region and
// RandomizedSearchCV's and Optuna's 20 points happened not to, which costs
// our wine mean 0.56 points. The references also move between machines
// (scikit-learn's floating point depends on the CPU: Optuna's decision tree
// on wine gave 0.9041 on one machine and 0.9156 on another). Over the ten
// models (1,625 test predictions) one row moves the mean by 0.06 points.
const compareMargin = 0.005

// compareGoal is the speed goal: our whole run (the default
// settings' CV, every search and the nested estimate's refits, plus the
// final search RandomizedSearchCV is not asked to do) in at most this
// fraction of RandomizedSearchCV's wall time, both on every core. The
// table reports the ratio against it; the test asserts no timing (wall
// time on a shared machine is not a pass/fail signal), only accuracy.
//
// Seen on idle 2-core machines: Iris 19 to 27 times faster, wine 11 to
// 14 times.
// Boosting is most of both now: its exact greedy enumeration of splits
// and softmax gradients are 4 to 8 times faster than XGBoost's on data
// this small, the forests 20 to 50 times faster than scikit-learn's. (On
// wine the SVM decided it until the solver's jump to the optimum:
// params.yaml's linear kernel on wine's unscaled features needs libsvm
// hundreds of thousands of SMO iterations per fit, and the SVM's share
// of our run fell from 11.1 s to 0.7 s.)
const compareGoal = 20

// compareCase is one data set of the comparison: its data: section.
type compareCase struct {
	name string
	data string
}

// irisData is params.yaml's data: section with the path made absolute.
func irisData(root string) string {
	return fmt.Sprintf("{name: iris, path: %s, label: species, features: [%s]}", filepath.Join(root, "data/iris.csv"),
		"{name: sepal_length, min: 0, max: 10}, {name: sepal_width, min: 0, max: 10}, {name: petal_length, min: 0, max: 10}, {name: petal_width, min: 0, max: 10}")
}

// writeParams writes the repository's params.yaml with some top-level
// sections replaced or added (key, then its value as YAML flow text, in
// pairs) and returns its path. The models keep params.yaml's settings,
// the libraries' defaults.
func writeParams(t testing.TB, root string, sections ...string) string {
	t.Helper()
	orig, err := os.ReadFile(filepath.Join(root, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(orig, &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	for s := 0; s+1 < len(sections); s += 2 {
		key := sections[s]
		var v yaml.Node
		if err := yaml.Unmarshal([]byte(sections[s+1]), &v); err != nil {
			t.Fatal(err)
		}
		i := 0
		for i < len(m.Content) && m.Content[i].Value != key {
			i += 2
		}
		if i < len(m.Content) {
			m.Content[i+1] = v.Content[0]
		} else {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v.Content[0])
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// csvData returns the data: section of a CSV whose label column is label
// and whose other columns are the features, with ranges wide enough for
// any value.
func csvData(t testing.TB, path, label string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := dataset.NewReader(path, f, []string{label})
	if err != nil {
		t.Fatal(err)
	}
	var features []string
	for _, h := range r.Header() {
		if h != label {
			features = append(features, fmt.Sprintf("{name: %s, min: -1e9, max: 1e9}", h))
		}
	}
	return fmt.Sprintf("{name: %s, path: %s, label: %s, features: [%s]}",
		strings.TrimSuffix(filepath.Base(path), ".csv"), path, label, strings.Join(features, ", "))
}

// compareResult is compare.py's output for one method and model.
type compareResult struct {
	Outer     []float64        `json:"outer"`
	InnerBest []float64        `json:"inner_best"`
	Chosen    []map[string]any `json:"chosen"`
	Seconds   float64          `json:"seconds"`
}

// compareJob returns compare.py's job: the rows, the outer folds of p
// (those Run uses) each with its inner folds, and every model's settings
// and search space.
func compareJob(t *testing.T, p *params.Params, d *dataset.Dataset, names []string, jobs int) map[string]any {
	t.Helper()
	outer, err := dataset.RepeatedStratifiedKFold(d.Y, len(d.Classes), p.CV.Folds, p.CV.Repeats, p.Seed)
	if err != nil {
		t.Fatal(err)
	}
	folds := make([]map[string]any, len(outer))
	for i, o := range outer {
		inner, err := innerFolds(d.Y, len(d.Classes), o.Train, p.Tune.InnerFolds, p.Seed)
		if err != nil {
			t.Fatal(err)
		}
		in := make([]map[string][]int, len(inner))
		for j, f := range inner {
			in[j] = map[string][]int{"train": f.Train, "test": f.Test}
		}
		folds[i] = map[string]any{"train": o.Train, "test": o.Test, "inner": in}
	}
	models := map[string]any{}
	for _, name := range names {
		spec, _ := p.Models.Spec(name)
		s, _ := p.Tune.Models.Space(name)
		models[name] = map[string]any{"hyperparameters": spec.Hyperparameters, "space": s}
	}
	return map[string]any{
		"X": d.X, "y": d.Y, "seed": p.Seed, "trials": p.Tune.Trials, "n_jobs": jobs,
		"methods": []string{"sklearn", "optuna"}, "outer": folds, "models": models,
		"auto_hist_rows": boost.AutoHistRows, "liblinear_min_rows": svm.LiblinearMinRows,
	}
}

// runCompare runs compare.py on job, the data set name's, and decodes its
// output. With MLOPS_COMPARE_KEEP set to a directory, the job stays there
// as <name>.json, for running compare.py again by hand.
func runCompare(t *testing.T, python, name string, job any) (versions map[string]string, results map[string]map[string]compareResult, seconds map[string]float64) {
	t.Helper()
	data, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if keep := os.Getenv("MLOPS_COMPARE_KEEP"); keep != "" {
		dir = keep
	}
	path := filepath.Join(dir, name+".json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), python, "testdata/compare.py", path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("compare.py: %v", err)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("compare.py output: %v\n%s", err, stdout)
	}
	results, seconds = map[string]map[string]compareResult{}, map[string]float64{}
	for k, v := range out {
		if k == "versions" {
			if err := json.Unmarshal(v, &versions); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if method, ok := strings.CutSuffix(k, "_seconds"); ok {
			var s float64
			if err := json.Unmarshal(v, &s); err != nil {
				t.Fatal(err)
			}
			seconds[method] = s
			continue
		}
		var r map[string]compareResult
		if err := json.Unmarshal(v, &r); err != nil {
			t.Fatalf("compare.py output for %s: %v", k, err)
		}
		results[k] = r
	}
	return versions, results, seconds
}

// timeRun runs Run on the params file path twice, requires the same
// results both times and returns them with the faster wall time, so that
// a burst of other work on the machine during a run of a few seconds does
// not decide the reported figure.
func timeRun(t *testing.T, path string) (*Result, time.Duration) {
	t.Helper()
	var res *Result
	var first []ModelResult // the first run's results, without durations
	best := time.Duration(math.MaxInt64)
	for range 2 {
		start := time.Now()
		r, err := Run(t.Context(), discard(), Options{ParamsPath: path})
		if err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
		results := make([]ModelResult, len(r.Models))
		for i, m := range r.Models {
			results[i] = withoutDurations(*m)
		}
		if first == nil {
			first, res = results, r
		} else if !reflect.DeepEqual(first, results) {
			t.Fatalf("two runs of %s gave different results", path)
		}
	}
	return res, best
}

// withoutDurations returns m with its durations, and its trials', zeroed:
// everything else must be the same from run to run.
func withoutDurations(m ModelResult) ModelResult {
	m.Duration = 0
	m.Searches = slices.Clone(m.Searches)
	for i, s := range m.Searches {
		s.Trials = slices.Clone(s.Trials)
		for j := range s.Trials {
			s.Trials[j].Duration = 0
		}
		m.Searches[i] = s
	}
	return m
}

// TestE2ECompare runs the nested estimate of `mlops tune` (through Run)
// on Iris and wine with 5 x 1 outer folds, 20 trials and 3 inner folds,
// and the same nested cross-validation with scikit-learn's
// RandomizedSearchCV and Optuna's TPESampler over the same spaces (sent
// as space.Dim's JSON), the same hyper-parameters otherwise, the same
// outer and inner folds, every side scoring the most probable class.
// The mean over both data sets' models of our nested estimate must be at
// least the better of theirs minus compareMargin; our run must give the
// same results twice. The table reports each side's wall time and our
// speed-up over RandomizedSearchCV (which uses every core, as we do;
// MLOPS_COMPARE_JOBS sets its n_jobs, default -1) against compareGoal,
// asserting none of it: times are wall clock on a machine that may be
// shared, so read them from an idle one.
// Optuna runs one trial at a time per study, its default.
func TestE2ECompare(t *testing.T) {
	python := pythontest.Require(t, "compare with scikit-learn and Optuna", "sklearn", "xgboost", "optuna")
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if out, err := exec.CommandContext(t.Context(), python, "../train/testdata/export_datasets.py", dir).CombinedOutput(); err != nil {
		t.Fatalf("export_datasets.py: %v\n%s", err, out)
	}
	jobs := -1
	if v := os.Getenv("MLOPS_COMPARE_JOBS"); v != "" {
		if _, err := fmt.Sscan(v, &jobs); err != nil {
			t.Fatalf("MLOPS_COMPARE_JOBS=%q: %v", v, err)
		}
	}
	cases := []compareCase{
		{name: "iris", data: irisData(root)},
		{name: "wine", data: csvData(t, filepath.Join(dir, "wine.csv"), "target")},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "nested CV, %d x 1 outer folds, %d trials, %d inner folds: mean outer-fold accuracy (time)\n",
		compareOuterFolds, compareTrials, compareInnerFolds)
	fmt.Fprintf(&table, "%-6s %-20s %8s %8s %8s %8s %10s %8s %8s %8s\n", "data", "model", "default", "mlops", "sklearn", "optuna", "mlops-best",
		"mlops s", "sklearn s", "optuna s")
	var versions map[string]string
	var pooled [3]float64 // mlops, sklearn, optuna: the mean of the data sets' means
	for _, c := range cases {
		path := writeParams(t, root, "data", c.data, "cv", fmt.Sprintf("{folds: %d, repeats: 1}", compareOuterFolds),
			"tune", fmt.Sprintf("{trials: %d, inner_folds: %d}", compareTrials, compareInnerFolds))
		p, err := params.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := dataset.Load(t.Context(), dataset.Spec{Path: p.Data.Path, Label: p.Data.Label, Features: p.Data.FeatureNames()})
		if err != nil {
			t.Fatal(err)
		}
		ours, oursTime := timeRun(t, path)
		names := make([]string, len(ours.Models))
		for i, m := range ours.Models {
			names[i] = m.Name
		}
		var theirs map[string]map[string]compareResult
		var total map[string]float64
		versions, theirs, total = runCompare(t, python, c.name, compareJob(t, p, d, names, jobs))
		secs := [2]float64{total["sklearn"], total["optuna"]}

		var sum [3]float64 // mlops, sklearn, optuna
		for _, m := range ours.Models {
			sk, op := theirs["sklearn"][m.Name], theirs["optuna"][m.Name]
			if len(sk.Outer) != compareOuterFolds || len(op.Outer) != compareOuterFolds {
				t.Fatalf("%s %s: %d and %d outer folds from compare.py, want %d", c.name, m.Name, len(sk.Outer), len(op.Outer), compareOuterFolds)
			}
			row := [3]float64{m.Nested.Mean, metrics.Summarize(sk.Outer).Mean, metrics.Summarize(op.Outer).Mean}
			fmt.Fprintf(&table, "%-6s %-20s %8.4f %8.4f %8.4f %8.4f %+10.4f %8.1f %8.1f %8.1f\n", c.name, m.Name, m.DefaultCV.Mean,
				row[0], row[1], row[2], row[0]-max(row[1], row[2]), m.Duration.Seconds(), sk.Seconds, op.Seconds)
			for i := range sum {
				sum[i] += row[i] / float64(len(ours.Models))
			}
		}
		for i := range pooled {
			pooled[i] += sum[i] / float64(len(cases))
		}
		better := max(sum[1], sum[2])
		speedup := secs[0] / oursTime.Seconds()
		goal := "met"
		if speedup < compareGoal {
			goal = "not met"
		}
		fmt.Fprintf(&table, "%-6s %-20s %8s %8.4f %8.4f %8.4f %+10.4f %8.1f %8.1f %8.1f  sklearn/mlops %.1fx (goal %dx: %s)\n", c.name, "all (mean, total s)", "",
			sum[0], sum[1], sum[2], sum[0]-better, oursTime.Seconds(), secs[0], secs[1], speedup, compareGoal, goal)
	}
	better := max(pooled[1], pooled[2])
	fmt.Fprintf(&table, "%-6s %-20s %8s %8.4f %8.4f %8.4f %+10.4f  (the mean of the data sets' rows; the test requires at least %+.4f)\n", "both", "all (mean)", "",
		pooled[0], pooled[1], pooled[2], pooled[0]-better, -compareMargin)
	if pooled[0] < better-compareMargin {
		t.Errorf("our nested estimate, %.4f over both data sets' models, is more than %.3f below the better of scikit-learn's and Optuna's, %.4f",
			pooled[0], compareMargin, better)
	}
	fmt.Fprintf(&table, "reference: %v; RandomizedSearchCV n_jobs %d; Optuna one trial at a time per process,\n"+
		"its studies on one process per core (a model's time: its share of the wall time)\n", versions, jobs)
	t.Log("\n" + table.String())
}
