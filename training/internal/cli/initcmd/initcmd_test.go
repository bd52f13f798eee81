package initcmd_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli"
	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/model"
)

// run runs mlops in dir in-process and returns its exit code and output.
func run(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(t.Context(), cli.Options{
		Args: args, Streams: cli.Streams{Out: &out, ErrOut: &errOut}, Env: repo.Env{Dir: dir},
	})
	return code, out.String(), errOut.String()
}

// TestInitRejects runs mlops init on files and flags it must refuse, and
// checks the exit code, the message and that no params.yaml appeared.
func TestInitRejects(t *testing.T) {
	t.Parallel()
	good := "a,b,y\n1,2,p\n2,3,q\n3,4,p\n4,5,q\n"
	tests := []struct {
		name  string
		csv   string
		args  []string
		code  int
		wants []string
	}{
		{name: "no file argument", args: []string{}, code: 2, wants: []string{"accepts 1 arg(s), received 0", "mlops init --help"}},
		{name: "odd header", csv: "petal width (cm),y\n1,p\n2,q\n3,p\n4,q\n", code: 1,
			wants: []string{`column "petal width (cm)": the name is not an identifier`, `"petal_width_cm"`}},
		{name: "one class", csv: "a,y\n1,p\n2,p\n", code: 1, wants: []string{`holds one class only ("p")`}},
		{name: "text column", csv: "a,c,y\n1,x,p\n2,z,q\n3,x,p\n4,z,q\n", code: 1,
			wants: []string{`column "c" is not numeric: line 2 holds "x"`, "--drop c"}},
		{name: "constant column", csv: "a,k,y\n1,0,p\n2,0,q\n3,0,p\n4,0,q\n", code: 1, wants: []string{`column "k" is constant`}},
		{name: "blank cells", csv: "a,b,y\n1,,p\n2,,q\n3,4,p\n4,5,q\n", code: 1, wants: []string{`column "b" has 2 blank cells (the first on line 2)`, "add --missing impute"}},
		{name: "blank label with impute", csv: "a,b,y\n1,,p\n2,3,\n3,4,p\n4,5,q\n", args: []string{"--missing", "impute"}, code: 1,
			wants: []string{`label column "y" has 1 blank cells (the first on line 3)`}},
		{name: "unknown --missing", csv: good, args: []string{"--missing", "median"}, code: 1, wants: []string{`--missing "median": use error`}},
		{name: "drop a missing column", csv: good, args: []string{"--drop", "b,nope"}, code: 1,
			wants: []string{`--drop "nope": no such column; the file has columns "a", "b", "y"`}},
		{name: "label not found", csv: good, args: []string{"--label", "class"}, code: 1,
			wants: []string{`label column "class" not found`}},
		{name: "bad name", csv: good, args: []string{"--name", "My Data"}, code: 1, wants: []string{`--name "My Data"`, `"my_data"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := append([]string{"init"}, tt.args...)
			if tt.csv != "" {
				dvctest.Write(t, dir, "x.csv", tt.csv)
				args = append(args, "x.csv")
			}
			code, _, stderr := run(t, dir, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "params.yaml")); err == nil {
				t.Error("params.yaml was written")
			}
		})
	}
}

// TestInitRefusesToOverwrite checks that a second init needs --force.
func TestInitRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dvctest.Write(t, dir, "x.csv", "a,b,y\n1,2,p\n2,3,q\n3,4,p\n4,5,q\n5,6,p\n6,7,q\n7,8,p\n8,9,q\n")
	if code, _, stderr := run(t, dir, "init", "x.csv"); code != 0 {
		t.Fatalf("first init: exit %d: %s", code, stderr)
	}
	dvctest.Write(t, dir, "params.yaml", "# edited by hand\n")
	code, _, stderr := run(t, dir, "init", "x.csv", "--drop", "b")
	if code != 1 || !strings.Contains(stderr, "params.yaml exists; mlops init does not replace it without --force") {
		t.Fatalf("second init: exit %d, stderr %q; want 1 and the refusal", code, stderr)
	}
	if got := dvctest.Read(t, dir, "params.yaml"); got != "# edited by hand\n" {
		t.Fatalf("params.yaml changed without --force: %q", got)
	}
	if code, stdout, stderr := run(t, dir, "init", "x.csv", "--drop", "b", "--force"); code != 0 || !strings.Contains(stdout, "Kept the existing dvc.yaml") {
		t.Fatalf("init --force: exit %d, stdout %q: %s", code, stdout, stderr)
	}
	if got := dvctest.Read(t, dir, "params.yaml"); strings.Contains(got, "name: b,") || !strings.Contains(got, "name: a,") {
		t.Fatalf("params.yaml after --force --drop b:\n%s", got)
	}
}

// TestInitThenTrain is the end to end path: a generated CSV with the label
// first and a text column, init with --label and --drop in a DVC
// repository, then the real mlops train, then predictions from a bundle.
func TestInitThenTrain(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five models")
	}
	dir := dvctest.GitDir(t)
	if code, _, stderr := run(t, dir, "data", "init"); code != 0 {
		t.Fatalf("data init: %s", stderr)
	}
	dvctest.Write(t, dir, "data/Blobs-2026.csv", blobs(300))

	code, stdout, stderr := run(t, dir, "init", "data/Blobs-2026.csv", "--label", "kind", "--drop", "note")
	if code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, w := range []string{"(blobs_2026): 300 rows", `label "kind" with 3 classes, 3 features`, "Tracked data in data.dvc", "mlops train"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("init output lacks %q:\n%s", w, stdout)
		}
	}
	// Training resolves data.path against the process's directory.
	t.Chdir(dir)
	code, stdout, stderr = run(t, dir, "train", "--runs-dir", "off")
	if code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// model-api loads the directory this way.
	if _, err := model.LoadDir(filepath.Join(dir, "models")); err != nil {
		t.Fatalf("load the trained bundles: %v", err)
	}
	b, err := model.Load(filepath.Join(dir, "models", "random_forest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Dataset.Name != "blobs_2026" || b.Dataset.Label != "kind" || strings.Join(b.Classes, ",") != "east,north,west" ||
		len(b.Features) != 3 || b.Features[0].Name != "x" || b.Features[2].Name != "size" {
		t.Errorf("bundle data set %+v, classes %q, features %+v", b.Dataset, b.Classes, b.Features)
	}
	// A point at the centre of the "north" blob (see blobs).
	probs := b.Predict([]float64{0, 10, 5})
	if probs[1] < 0.5 {
		t.Errorf("probabilities %v at north's centre, want north (index 1) most likely", probs)
	}

	code, stdout, stderr = run(t, dir, "predict", "--model", "models/svm.json", "--input", "data/Blobs-2026.csv")
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for _, r := range rows[1:] {
		if r[0] == r[5] {
			correct++
		}
	}
	if len(rows) != 301 || correct < 270 {
		t.Errorf("%d rows, %d of 300 predictions match the label; want 301 and at least 270", len(rows), correct)
	}
}

// blobs returns a CSV of n rows: the label "kind" first, three well
// separated Gaussian blobs in x and y, a size column of positive values,
// and a free-text note to drop.
func blobs(n int) string {
	rng := rand.New(rand.NewPCG(7, 7))
	centres := []struct {
		kind string
		x, y float64
	}{{"west", -10, 0}, {"north", 0, 10}, {"east", 10, 0}}
	var b strings.Builder
	b.WriteString("kind,x,y,note,size\n")
	for i := range n {
		c := centres[i%3]
		fmt.Fprintf(&b, "%s,%.3f,%.3f,row %d,%.2f\n", c.kind, c.x+2*rng.NormFloat64(), c.y+2*rng.NormFloat64(), i, 1+9*rng.Float64())
	}
	return b.String()
}

// TestTrainReportsBlankCells checks data.missing: error end to end: cells
// blanked after init make training fail naming each column and its count.
// The data lives outside the directory, so params.yaml names it by its
// absolute path and training runs from anywhere.
func TestTrainReportsBlankCells(t *testing.T) {
	t.Parallel()
	dir, dataDir := t.TempDir(), t.TempDir()
	data := filepath.Join(dataDir, "x.csv")
	clean := "a,b,c,y\n1,5,2,p\n2,6,3,q\n3,7,4,p\n4,8,5,q\n5,9,6,p\n6,1,7,q\n7,2,8,p\n8,3,9,q\n"
	dvctest.Write(t, dataDir, "x.csv", clean)
	if code, _, stderr := run(t, dir, "init", data); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	if got := dvctest.Read(t, dir, "params.yaml"); !strings.Contains(got, "path: "+filepath.ToSlash(data)) {
		t.Fatalf("params.yaml does not name the data by its absolute path %s:\n%s", data, got)
	}
	dvctest.Write(t, dataDir, "x.csv", strings.NewReplacer("2,6,3", "2,,3", "4,8,5", "4,, ", "7,2,8", ",2,8").Replace(clean))
	code, _, stderr := run(t, dir, "train", "--params", filepath.Join(dir, "params.yaml"), "--runs-dir", "off",
		"--models-dir", filepath.Join(dir, "models"), "--metrics", "")
	want := `blank cells in 3 columns: "a" 1 blank cell (first on line 8), "b" 2 blank cells (first on line 3), "c" 1 blank cell (first on line 5)`
	if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "data.missing: error") {
		t.Fatalf("train: exit %d, stderr:\n%s\nwant 1 and %q", code, stderr, want)
	}
}

// TestInitImputeThenTrainPredict is the end to end path of data.missing:
// impute: a CSV with blank feature cells is refused by init until
// --missing impute, then trains, every bundle records the training medians,
// and mlops predict fills a blank cell with them. (model-api's side, a null
// feature, is tested in app/internal/server and, over these same commands'
// binaries, in app/e2e.)
func TestInitImputeThenTrainPredict(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five models")
	}
	dir := t.TempDir()
	// Blank some x, y and size cells of the blobs, never the label.
	lines := strings.Split(strings.TrimSuffix(blobs(300), "\n"), "\n")
	blanked := map[string]int{}
	for i := 1; i < len(lines); i++ {
		cells := strings.Split(lines[i], ",")
		for _, c := range []struct {
			col, every int
			name       string
		}{{1, 9, "x"}, {2, 13, "y"}, {4, 5, "size"}} {
			if i%c.every == 0 {
				cells[c.col] = ""
				blanked[c.name]++
			}
		}
		lines[i] = strings.Join(cells, ",")
	}
	dvctest.Write(t, dir, "blobs.csv", strings.Join(lines, "\n")+"\n")

	code, _, stderr := run(t, dir, "init", "blobs.csv", "--label", "kind", "--drop", "note")
	if code != 1 || !strings.Contains(stderr, `column "size" has 60 blank cells`) || !strings.Contains(stderr, "add --missing impute") {
		t.Fatalf("init without --missing impute: exit %d, stderr:\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, dir, "init", "blobs.csv", "--label", "kind", "--drop", "note", "--missing", "impute")
	if code != 0 {
		t.Fatalf("init --missing impute: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want := fmt.Sprintf(`Blank cells training will fill with the column's training median (data.missing: impute): "x" %d, "y" %d, "size" %d.`,
		blanked["x"], blanked["y"], blanked["size"])
	if !strings.Contains(stdout, want) || !strings.Contains(dvctest.Read(t, dir, "params.yaml"), "\n  missing: impute\n") {
		t.Fatalf("init output lacks %q, or params.yaml data.missing: impute:\n%s", want, stdout)
	}

	t.Chdir(dir)
	code, stdout, stderr = run(t, dir, "train", "--runs-dir", "off")
	if code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "blank cells to impute with the training median") || !strings.Contains(stderr, "column=size cells=60") {
		t.Errorf("train did not log the blank cells per column:\n%s", stderr)
	}
	set, err := model.LoadDir(filepath.Join(dir, "models"))
	if err != nil {
		t.Fatalf("load the trained bundles: %v", err)
	}
	for _, b := range set.Bundles {
		for _, f := range b.Features {
			if f.Impute == nil {
				t.Errorf("%s: feature %s has no impute value", b.Name, f.Name)
			}
		}
	}

	input := "x,y,size\n0,10,\n,0,5\n"
	dvctest.Write(t, dir, "new.csv", input)
	for _, name := range []string{"random_forest", "xgboost", "logistic_regression"} {
		code, stdout, stderr = run(t, dir, "predict", "--model", filepath.Join("models", name+".json"), "--input", "new.csv")
		if code != 0 {
			t.Fatalf("predict with %s: exit %d: %s", name, code, stderr)
		}
		rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// North's centre with size blank; then y = 0 with x blank, which
		// the median of x (about 0) puts between west and east: only the
		// first is certain.
		if len(rows) != 3 || rows[1][2] != "" || rows[1][3] != "north" {
			t.Errorf("%s: predictions %q, want 2 rows, the first north with size kept blank", name, rows)
		}
		if !strings.Contains(stderr, "imputed_cells=2") {
			t.Errorf("%s: predict did not log the imputed cells:\n%s", name, stderr)
		}
	}
	code, stdout, _ = run(t, dir, "model", "inspect", filepath.Join("models", "random_forest.json"))
	if code != 0 || !strings.Contains(stdout, "IMPUTE") {
		t.Errorf("inspect does not show the impute values:\n%s", stdout)
	}
}
