package importance

import (
	"encoding/json"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/stat"

	"github.com/mlopsgo/mlops/training/internal/pythontest"
	"github.com/mlopsgo/mlops/training/internal/tracking/tunerun"
	"github.com/mlopsgo/mlops/training/internal/tune"
)

// seeds is the number of forests each side fits per trial set: the
// comparison is between the means over seeds.
const seeds = 8

// TestE2EFanovaMatchesOptuna compares Fanova with Debian's python3-optuna
// 3.1.0 (testdata/fanova.py) on the same trials: synthetic objectives (one
// with a conditional parameter, which both leave out), and the final
// searches of a real `mlops tune` run on Iris (svm: a
// categorical and two log-uniform floats; decision_tree: a categorical, a
// log-scaled integer that may be null, two integers).
//
// Two checks per trial set:
//
//   - The fANOVA computation given a tree is Optuna's: Optuna's own
//     _FanovaTree, fed the trees the Go forest grew, gives the same tree
//     variance and marginal variances (relative 1e-9: the same sums in
//     another order).
//   - The importances agree in distribution. The forests differ only in
//     their random draws (NumPy's bootstrap and feature orders, and
//     scikit-learn's float32 copy of the inputs, against a Go source), so
//     each side's importance of a parameter is a random variable with the
//     same mean; over `seeds` seeds per side the means must agree within
//     four standard errors of their difference (each side's spread over
//     its seeds), plus 0.02 for the float32 thresholds and the seeds'
//     finite number. And the ranking is the same wherever Optuna's ranking
//     is itself clear, two parameters further apart than that bound.
//
// It runs under make e2e-tracking (MLOPS_E2E=1; MLOPS_PYTHON names an
// interpreter with python3-optuna and python3-sklearn, default
// /usr/bin/python3).
func TestE2EFanovaMatchesOptuna(t *testing.T) {
	python := pythontest.Require(t, "compare with Optuna", "optuna", "sklearn")
	unit := func(name string) Param { return Param{Name: name, Low: 0, High: 1} }
	synthetic := func(params []Param, n int, f func([]float64) float64) *Inputs {
		x, y := trials(rand.New(rand.NewPCG(11, 11)), params, n, f)
		return &Inputs{Params: params, X: x, Y: y}
	}
	cases := []struct {
		name string
		in   *Inputs
	}{
		{"3x + y", synthetic([]Param{unit("x"), unit("y"), unit("unused")}, 64, func(v []float64) float64 { return 3*v[0] + v[1] })},
		{"categorical and numerical", synthetic([]Param{{Name: "kernel", Choices: 3}, {Name: "C", Low: 0.001, High: 1000}, unit("gamma")}, 64,
			func(v []float64) float64 {
				return []float64{0.5, 0.9, 0.7}[int(v[0])] + 0.1*math.Log10(v[1]) + 0.05*v[2]
			})},
		{"interaction", synthetic([]Param{unit("x"), unit("y"), unit("z")}, 64,
			func(v []float64) float64 { return v[0]*v[1] + 0.3*v[2] })},
	}
	// gamma exists only for the rbf kernel (choice 1), as a conditional
	// parameter: Optuna's intersection search space leaves it out.
	cond := synthetic([]Param{{Name: "kernel", Choices: 2}, {Name: "C", Low: 0.001, High: 1000}, {Name: "gamma", Low: 0.0001, High: 10}}, 60,
		func(v []float64) float64 { return 0.9 + 0.05*v[0] + 0.01*math.Log10(v[1]) })
	for _, row := range cond.X {
		if row[0] == 0 {
			row[2] = math.NaN()
		}
	}
	cases = append(cases, struct {
		name string
		in   *Inputs
	}{"conditional gamma", cond})
	for _, m := range irisSearches(t) {
		cases = append(cases, struct {
			name string
			in   *Inputs
		}{m.name + " on Iris", m.in})
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			compareWithOptuna(t, python, tt.in)
		})
	}
}

func compareWithOptuna(t *testing.T, python string, all *Inputs) {
	// Optuna gets every trial's parameters, a conditional one missing
	// where it is inactive, and must leave out what Common leaves out.
	in, left := all.Common()
	enc, err := newEncoding(in.Params)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]float64, len(in.X))
	for i := range in.X {
		if rows[i], err = enc.encode(in.X[i]); err != nil {
			t.Fatal(err)
		}
	}
	trees := fitForest(rows, in.Y, forestOptions{trees: 8, maxDepth: DefaultMaxDepth, bootstrap: true}, rand.New(rand.NewPCG(12, 12)))
	type jsonTree struct {
		Feature   []int     `json:"feature"`
		Threshold []float64 `json:"threshold"`
		Left      []int     `json:"left"`
		Right     []int     `json:"right"`
		Value     []float64 `json:"value"`
	}
	type jsonParam struct {
		Name    string   `json:"name"`
		Choices int      `json:"choices,omitempty"`
		Low     *float64 `json:"low,omitempty"`
		High    *float64 `json:"high,omitempty"`
	}
	job := struct {
		Params []jsonParam  `json:"params"`
		X      [][]*float64 `json:"x"`
		Y      []float64    `json:"y"`
		Seeds  []int        `json:"seeds"`
		Forest any          `json:"forest"`
	}{Y: all.Y}
	for _, row := range all.X {
		var r []*float64
		for _, v := range row {
			if math.IsNaN(v) {
				r = append(r, nil)
			} else {
				r = append(r, &v)
			}
		}
		job.X = append(job.X, r)
	}
	for _, p := range all.Params {
		jp := jsonParam{Name: p.Name, Choices: p.Choices}
		if p.Choices == 0 {
			jp.Low, jp.High = &p.Low, &p.High
		}
		job.Params = append(job.Params, jp)
	}
	for s := range seeds {
		job.Seeds = append(job.Seeds, s)
	}
	var jt []jsonTree
	for _, tr := range trees {
		var j jsonTree
		for _, n := range tr.nodes {
			j.Feature = append(j.Feature, n.feature)
			j.Threshold = append(j.Threshold, n.threshold)
			l, r := n.left, n.right
			if n.leaf() {
				l, r = -1, -1
			}
			j.Left, j.Right = append(j.Left, l), append(j.Right, r)
			j.Value = append(j.Value, n.value)
		}
		jt = append(jt, j)
	}
	job.Forest = map[string]any{"bounds": enc.bounds, "columns": enc.columns, "trees": jt}
	var out struct {
		Importances [][]*float64 `json:"importances"`
		Trees       []struct {
			Variance  float64    `json:"variance"`
			Marginals []*float64 `json:"marginals"`
		} `json:"trees"`
	}
	runOptuna(t, python, job, &out)

	// The parameters left out.
	for j, p := range all.Params {
		if got, want := out.Importances[0][j] == nil, slices.Contains(left, p.Name); got != want {
			t.Errorf("%s: Optuna leaves it out: %v; Common leaves it out: %v", p.Name, got, want)
		}
	}
	var kept []int
	for j, p := range all.Params {
		if !slices.Contains(left, p.Name) {
			kept = append(kept, j)
		}
	}
	if t.Failed() {
		return
	}

	// The computation given a tree.
	if len(out.Trees) != len(trees) {
		t.Fatalf("Optuna analysed %d trees of %d", len(out.Trees), len(trees))
	}
	for i, tr := range trees {
		a := analyze(tr, enc.bounds)
		if want := out.Trees[i].Variance; !scalar.EqualWithinAbsOrRel(a.variance, want, 1e-15, 1e-9) {
			t.Errorf("tree %d: variance %v, Optuna's %v", i, a.variance, want)
		}
		for j, cols := range enc.columns {
			if cols == nil {
				continue
			}
			got, want := a.marginalVariance(cols), *out.Trees[i].Marginals[j]
			if !scalar.EqualWithinAbsOrRel(got, want, 1e-15, 1e-9) {
				t.Errorf("tree %d, %s: marginal variance %v, Optuna's %v", i, in.Params[j].Name, got, want)
			}
		}
	}

	// The importances, over seeds.
	goImp := make([][]float64, len(in.Params)) // per parameter, per seed
	pyImp := make([][]float64, len(in.Params))
	for s := range seeds {
		res, err := Fanova(in.Params, in.X, in.Y, Options{Src: rand.NewPCG(uint64(s), 99)})
		if err != nil {
			t.Fatal(err)
		}
		for j := range in.Params {
			goImp[j] = append(goImp[j], res.Importance[j])
			pyImp[j] = append(pyImp[j], *out.Importances[s][kept[j]])
		}
	}
	goMean, pyMean, bound := make([]float64, len(in.Params)), make([]float64, len(in.Params)), make([]float64, len(in.Params))
	for j, p := range in.Params {
		var gsd, psd float64
		goMean[j], gsd = stat.MeanStdDev(goImp[j], nil)
		pyMean[j], psd = stat.MeanStdDev(pyImp[j], nil)
		bound[j] = 4*math.Sqrt((gsd*gsd+psd*psd)/seeds) + 0.02
		t.Logf("%-18s Go %.4f ± %.4f   Optuna %.4f ± %.4f   |diff| %.4f ≤ %.4f", p.Name, goMean[j], gsd, pyMean[j], psd, math.Abs(goMean[j]-pyMean[j]), bound[j])
		if d := math.Abs(goMean[j] - pyMean[j]); d > bound[j] {
			t.Errorf("%s: mean importance %.4f, Optuna's %.4f: %.4f apart, more than %.4f", p.Name, goMean[j], pyMean[j], d, bound[j])
		}
	}
	for a := range in.Params {
		for b := range in.Params {
			if pyMean[a]-pyMean[b] > bound[a]+bound[b] && !(goMean[a] > goMean[b]) {
				t.Errorf("Optuna ranks %s (%.4f) above %s (%.4f); Go does not (%.4f, %.4f)",
					in.Params[a].Name, pyMean[a], in.Params[b].Name, pyMean[b], goMean[a], goMean[b])
			}
		}
	}
}

func runOptuna(t *testing.T, python string, job, out any) {
	t.Helper()
	dir := t.TempDir()
	jobPath, outPath := filepath.Join(dir, "job.json"), filepath.Join(dir, "out.json")
	b, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jobPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if o, err := exec.CommandContext(t.Context(), python, "testdata/fanova.py", jobPath, outPath).CombinedOutput(); err != nil {
		t.Fatalf("testdata/fanova.py: %v\n%s", err, o)
	}
	b, err = os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

type irisSearch struct {
	name string
	in   *Inputs
}

// irisSearches tunes svm and decision_tree on Iris (the repository's
// params.yaml with 2 outer folds, 48 trials, no pruning, so every trial
// of the final search is complete) and returns the final searches' inputs
// as FromSearch reads them from the run store's records (tunerun.Model).
func irisSearches(t *testing.T) []irisSearch {
	t.Helper()
	repo, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(repo, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("path: data/iris.csv", "path: "+filepath.Join(repo, "data", "iris.csv"),
		"folds: 10", "folds: 2", "repeats: 5", "repeats: 1").Replace(string(base))
	params := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(params, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := tune.Run(t.Context(), slog.New(slog.DiscardHandler), tune.Options{
		ParamsPath: params, Models: []string{"svm", "decision_tree"}, Trials: 48, NoPruning: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []irisSearch
	for _, m := range res.Models {
		// The search as the run store records it.
		tm := tunerun.Model(m)
		final := tm.Searches[len(tm.Searches)-1]
		in, err := FromSearch(tm.Space, final.Trials)
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Y) != 48 {
			t.Fatalf("%s: %d complete trials in the final search, want 48", m.Name, len(in.Y))
		}
		out = append(out, irisSearch{m.Name, in})
	}
	return out
}
