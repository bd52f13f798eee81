package generate

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/scaffold/profile"
)

func profileOf(t *testing.T, csv, label string) *profile.Profile {
	t.Helper()
	p, err := profile.Read(t.Context(), "data/x.csv", strings.NewReader(csv), label)
	if err != nil {
		t.Fatalf("profile: %v", err)
	}
	return p
}

// TestGenerateRejects runs the files mlops init must refuse, each with the
// words its message must hold: the column, where, and the fix.
func TestGenerateRejects(t *testing.T) {
	tests := []struct {
		name, csv, label string
		opts             Options
		want             []string
		drop             []string // the --drop suggestion, when any
	}{
		{name: "one class", csv: "a,b,y\n1,2,x\n3,4,x\n",
			want: []string{`label column "y" holds one class only ("x")`, "--label"}},
		{name: "label blank", csv: "a,y\n1,p\n2,\n3,q\n4,q\n5,p\n",
			want: []string{`label column "y" has 1 blank cells (the first on line 3)`}},
		{name: "single-row class", csv: "a,y\n1,p\n2,p\n3,q\n",
			want: []string{`classes "q" have 1 row each`}},
		{name: "text column", csv: "a,color,y\n1,red,p\n2,blue,q\n3,red,p\n4,red,q\n",
			want: []string{`column "color" is not numeric: line 2 holds "red" (4 such cells)`, "--drop color"}, drop: []string{"color"}},
		{name: "text late in a numeric column", csv: "a,b,y\n1,2,p\n2,3,q\n3,n/a,p\n4,5,q\n",
			want: []string{`column "b" is not numeric: line 4 holds "n/a" (1 such cells)`}, drop: []string{"b"}},
		{name: "NaN is not a number training reads", csv: "a,b,y\n1,2,p\n2,NaN,q\n3,4,p\n4,5,q\n",
			want: []string{`column "b" is not numeric: line 3 holds "NaN"`}, drop: []string{"b"}},
		{name: "constant column", csv: "a,k,y\n1,7,p\n2,7,q\n3,7,p\n4,7,q\n",
			want: []string{`column "k" is constant (7 in every row)`, "--drop k"}, drop: []string{"k"}},
		{name: "blank cells counted per column", csv: "a,b,c,y\n1,,1,p\n2,,2,q\n3,4, ,p\n4,5,6,q\n",
			want: []string{`column "b" has 2 blank cells (the first on line 2)`, `column "c" has 1 blank cells (the first on line 4)`, "data.missing: error",
				"keep them with --missing impute", "\nTo keep the blank feature cells and have training fill each with its column's median, add --missing impute"}},
		{name: "a blank column, even with impute", csv: "a,b,y\n1,,p\n2,,q\n3, ,p\n4,,q\n", opts: Options{Missing: params.MissingImpute},
			want: []string{`column "b" is blank in every row; leave it out with --drop b`}, drop: []string{"b"}},
		{name: "a blank label, even with impute", csv: "a,y\n1,p\n2,\n3,q\n4,q\n5,p\n", opts: Options{Missing: params.MissingImpute},
			want: []string{`label column "y" has 1 blank cells (the first on line 3)`}},
		{name: "header with spaces and brackets", csv: "sepal length (cm),y\n1,p\n2,q\n3,p\n4,q\n",
			want: []string{`column "sepal length (cm)": the name is not an identifier`, `"sepal_length_cm"`}},
		{name: "header starting with a digit", csv: "2nd,y\n1,p\n2,q\n3,p\n4,q\n",
			want: []string{`column "2nd"`, `"f_2nd"`}},
		{name: "every problem at once", csv: "ok,txt,k,y\n1,a,0,p\n2,b,0,q\n3,c,0,p\n",
			want: []string{`"txt" is not numeric`, `"k" is constant`}, drop: []string{"txt", "k"}},
		{name: "nothing left", csv: "a,y\n1,p\n2,q\n3,p\n4,q\n", opts: Options{Drop: []string{"a"}},
			want: []string{"no feature column is left"}},
		{name: "label not last", csv: "y,a,b\np,1,2\nq,2,3\np,3,4\nq,4,5\n", label: "b",
			want: []string{`column "y" is not numeric`}, drop: []string{"y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Path = "data/x.csv"
			_, err := Generate(profileOf(t, tt.csv, tt.label), opts)
			var probs *Problems
			if !errors.As(err, &probs) || !errors.Is(err, ErrNotReady) {
				t.Fatalf("Generate error %v, want *Problems", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if !reflect.DeepEqual(probs.Drop, tt.drop) {
				t.Errorf("Drop = %q, want %q", probs.Drop, tt.drop)
			}
			if tt.drop != nil && !strings.Contains(err.Error(), "--drop "+strings.Join(tt.drop, ",")) {
				t.Errorf("error lacks the combined --drop:\n%v", err)
			}
		})
	}
}

func TestGenerateBadOptions(t *testing.T) {
	csv := "a,b,y\n1,2,p\n2,3,q\n3,4,p\n4,5,q\n"
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"drop a missing column", Options{Drop: []string{"nope"}}, `--drop "nope": no such column; the file has columns "a", "b", "y"`},
		{"drop the label", Options{Drop: []string{"y"}}, `--drop "y": that is the label column`},
		{"uppercase name", Options{Name: "Iris"}, `--name "Iris": use lowercase letters`},
		{"name with a dash", Options{Name: "wine-quality"}, `(e.g. "wine_quality")`},
		{"name from a file with no letters", Options{Path: "data/___.csv"}, "give one with --name"},
		{"unknown missing", Options{Missing: "median"}, `--missing "median": use error (blank cells are errors, the default) or impute`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Path == "" {
				tt.opts.Path = "data/x.csv"
			}
			_, err := Generate(profileOf(t, csv, ""), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Generate error %v, want one containing %q", err, tt.want)
			}
			if errors.Is(err, ErrNotReady) {
				t.Errorf("a bad option is reported as a data problem: %v", err)
			}
		})
	}
}

// TestGenerateImpute checks the file for data with blank cells under
// --missing impute: accepted, data.missing: impute written with its
// comment, and ranges from the observed values only.
func TestGenerateImpute(t *testing.T) {
	csv := "a,b,y\n1,,p\n2,10,q\n3,20,p\n,30,q\n5,40,p\n"
	for _, missing := range []string{params.MissingImpute, params.MissingError, ""} {
		t.Run("missing "+missing, func(t *testing.T) {
			res, err := Generate(profileOf(t, csv, ""), Options{Path: "data/x.csv", Missing: missing})
			if missing != params.MissingImpute {
				if !errors.Is(err, ErrNotReady) {
					t.Fatalf("error %v, want the blank cells reported", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.Params.Data.Impute() || !strings.Contains(string(res.YAML), "  missing: impute\n") ||
				!strings.Contains(string(res.YAML), "# Blank feature cells are filled with the column's median over the rows") {
				t.Errorf("params.yaml does not set data.missing: impute with its comment:\n%s", res.YAML)
			}
			// a: 1..5 (span 4) and b: 10..40 (span 30), widened by 10%,
			// clamped at 0, rounded out: the blanks play no part.
			want := []params.Feature{{Name: "a", Min: 0.6, Max: 5.4}, {Name: "b", Min: 7, Max: 43}}
			if !reflect.DeepEqual(res.Params.Data.Features, want) {
				t.Errorf("features %+v, want %+v", res.Params.Data.Features, want)
			}
		})
	}
}

// TestGenerateIris checks the file for the repository's Iris data against
// the repository's params.yaml: the same data keys and models, ranges from
// the data instead of the original's 0..10 cm.
func TestGenerateIris(t *testing.T) {
	f, err := os.Open("../../../../data/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Read(t.Context(), "data/iris.csv", f, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(p, Options{Path: "data/iris.csv"})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := params.Load("../../../../params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := res.Params
	if got.Data.Name != repo.Data.Name || got.Data.Path != repo.Data.Path || got.Data.Label != repo.Data.Label ||
		!reflect.DeepEqual(got.Data.FeatureNames(), repo.Data.FeatureNames()) {
		t.Errorf("data %+v, want the repository's %+v", got.Data, repo.Data)
	}
	// Observed ranges (scikit-learn's iris.csv) widened by 10%, clamped at
	// 0, rounded out to 0.1: worked by hand.
	wantRanges := []params.Feature{
		{Name: "sepal_length", Min: 3.9, Max: 8.3}, // 4.3..7.9, span 3.6
		{Name: "sepal_width", Min: 1.7, Max: 4.7},  // 2.0..4.4, span 2.4
		{Name: "petal_length", Min: 0.4, Max: 7.5}, // 1.0..6.9, span 5.9
		{Name: "petal_width", Min: 0, Max: 2.8},    // 0.1..2.5, span 2.4, clamped
	}
	if !reflect.DeepEqual(got.Data.Features, wantRanges) {
		t.Errorf("features %+v, want %+v", got.Data.Features, wantRanges)
	}
	if got.CV != repo.CV || got.Split != repo.Split || got.Seed != repo.Seed {
		t.Errorf("cv %+v split %+v seed %d, want the repository's %+v %+v %d", got.CV, got.Split, got.Seed, repo.CV, repo.Split, repo.Seed)
	}
	if g, w := got.Models.Enabled(), repo.Models.Enabled(); !reflect.DeepEqual(g, w) {
		t.Errorf("models %v, want the repository's %v", g, w)
	}
	for _, name := range repo.Models.Enabled() {
		g, _ := got.Models.Spec(name)
		w, _ := repo.Models.Spec(name)
		// init standardizes the linear models and the SVM; the
		// repository's Iris params keep the original's raw features so
		// its parity rows do not move.
		if _, ok := g.Hyperparameters["standardize"]; ok {
			if g.Hyperparameters["standardize"] != true {
				t.Errorf("models.%s.standardize %v, want true", name, g.Hyperparameters["standardize"])
			}
			g.Hyperparameters["standardize"] = w.Hyperparameters["standardize"]
		}
		if !reflect.DeepEqual(g.Hyperparameters, w.Hyperparameters) || g.Timeout != w.Timeout {
			t.Errorf("models.%s differs from the repository's params.yaml:\n got %v\nwant %v", name, g.Hyperparameters, w.Hyperparameters)
		}
	}
	if want := []string{"Iris-setosa", "Iris-versicolor", "Iris-virginica"}; !reflect.DeepEqual(res.Classes, want) || res.Tier != "small" {
		t.Errorf("classes %q tier %q, want %q small", res.Classes, res.Tier, want)
	}
	for _, w := range []string{"# 3 classes, read as text", "not below 0: no negative value seen", "150 rows: small data",
		"  missing: error\n", "# impute fills them with the column's training median instead"} {
		if !strings.Contains(string(res.YAML), w) {
			t.Errorf("params.yaml lacks the comment %q:\n%s", w, res.YAML)
		}
	}
}

// TestGenerateSizing checks the settings that follow from the number of
// rows on synthetic profiles (no file needed: only counts matter).
func TestGenerateSizing(t *testing.T) {
	tests := []struct {
		rows, smallest    int
		folds, repeats    int
		leaf              int
		standardize, tier string
		comment           string // a line params.yaml must hold
	}{
		{rows: 150, smallest: 50, folds: 10, repeats: 5, leaf: 1, standardize: "true", tier: "small"},
		{rows: 40, smallest: 4, folds: 4, repeats: 5, leaf: 1, standardize: "true", tier: "small",
			comment: `# fewer than 10 folds because the smallest class, "p", has 4 rows.`},
		{rows: 5_000, smallest: 2_000, folds: 10, repeats: 5, leaf: 8, standardize: "true", tier: "small"},
		{rows: 50_000, smallest: 20_000, folds: 5, repeats: 2, leaf: 80, standardize: "true", tier: "medium"},
		{rows: 100_000, smallest: 40_000, folds: 3, repeats: 1, leaf: 160, standardize: "true", tier: "large",
			comment: "= ceil(80000 / 500) = 160 keeps\n# at most 500 leaves a tree."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rows), func(t *testing.T) {
			p := &profile.Profile{Name: "x.csv", Rows: tt.rows, Label: 1,
				Columns: []profile.Column{{Name: "a", Numbers: tt.rows, Min: 0, Max: 1}, {Name: "y"}},
				Classes: map[string]int{"p": tt.smallest, "q": tt.rows - tt.smallest}}
			res, err := Generate(p, Options{Path: "x.csv"})
			if err != nil {
				t.Fatal(err)
			}
			h := func(name, key string) any {
				s, ok := res.Params.Models.Spec(name)
				if !ok {
					t.Fatalf("no models.%s", name)
				}
				return s.Hyperparameters[key]
			}
			forestLeaf := h(algorithm.RandomForest, "min_samples_leaf").(int)
			got := fmt.Sprintf("%d x %d leaf %d/%d standardize %t tier %s", res.Params.CV.Folds, res.Params.CV.Repeats,
				forestLeaf, h(algorithm.DecisionTree, "min_samples_leaf"), h(algorithm.LogisticRegression, "standardize"), res.Tier)
			want := fmt.Sprintf("%d x %d leaf %d/%d standardize %s tier %s", tt.folds, tt.repeats, tt.leaf, tt.leaf, tt.standardize, tt.tier)
			if got != want {
				t.Errorf("%s, want %s", got, want)
			}
			if !strings.Contains(string(res.YAML), tt.comment) {
				t.Errorf("params.yaml lacks %q:\n%s", tt.comment, res.YAML)
			}
			// The leaf bound holds: fitted rows / min_samples_leaf <= budget.
			fit := tt.rows - (tt.rows+4)/5
			if fit/forestLeaf > LeafBudget {
				t.Errorf("%d fitted rows / min_samples_leaf %d exceeds %d leaves", fit, forestLeaf, LeafBudget)
			}
		})
	}
}
