package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
)

// Fixtures: valid-*.yaml must parse (valid-project.yaml is this
// repository's dvc.yaml, valid-dvc-docs.yaml uses every stage field of
// dvc/schema.py); invalid-*.yaml must be rejected as invalid and
// unsupported-*.yaml as unsupported.
func TestParseFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			p, err := Load(path)
			switch {
			case strings.HasPrefix(name, "invalid-"):
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("error = %v, want ErrInvalid", err)
				}
			case strings.HasPrefix(name, "unsupported-"):
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("error = %v, want ErrUnsupported", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Stages) == 0 {
					t.Fatal("no stages")
				}
			}
		})
	}
}

func TestParseStageFields(t *testing.T) {
	p, err := Load("testdata/valid-dvc-docs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tr := p.Stage("train")
	if tr == nil || !tr.CmdList || len(tr.Cmd) != 2 {
		t.Fatalf("train cmd = %#v", tr)
	}
	wantParams := []ParamSpec{{File: "params.yaml", Keys: []string{"train.n_est"}}, {File: "custom.yaml", Keys: []string{"lr"}}}
	if len(tr.Params) != 2 || tr.Params[0].File != wantParams[0].File || tr.Params[1].Keys[0] != "lr" {
		t.Errorf("params = %#v, want %#v", tr.Params, wantParams)
	}
	outs := map[string]Out{}
	for _, o := range tr.Outs {
		outs[o.Path] = o
	}
	if o := outs["model.pkl"]; !o.Persist || o.Push || o.Remote != "backup" || !o.Cache || o.Kind != KindOut {
		t.Errorf("model.pkl = %#v", o)
	}
	if o := outs["eval/metrics.json"]; o.Cache || o.Kind != KindMetric {
		t.Errorf("metrics = %#v", o)
	}
	if o := outs["eval/plots/roc.json"]; o.Kind != KindPlot || !o.Cache {
		t.Errorf("plot = %#v", o)
	}
}

// valid-external-outputs.lock is the exact text of iterative/dvc's
// tests/func/test_run.py::test_run_external_outputs (tag 3.64.0, commit
// 72abd013cfa6c27bb42293e6f6cb218acceff458); valid-pipeline.lock was
// written by ruamel.yaml 0.17.21 as DVC configures it from a record
// ordered as dvc/stage/serialize.py orders it (dir outputs with nfiles,
// params.yaml first, a list cmd, isexec).
func TestLockFixturesRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.lock")
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			l, err := ParseLock(name, data)
			if strings.HasPrefix(name, "invalid-") {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("error = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := l.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != string(data) {
				t.Errorf("Marshal(ParseLock):\ngot:\n%s\nwant:\n%s", out, data)
			}
		})
	}
}

// A record built in any order comes out in DVC's: deps and outs sorted by
// path, params.yaml first and keys sorted, nfiles for directories.
func TestLockMarshalOrders(t *testing.T) {
	want, err := os.ReadFile("testdata/valid-pipeline.lock")
	if err != nil {
		t.Fatal(err)
	}
	l := &Lock{}
	l.Set(&LockStage{
		Name: "train",
		Cmd:  "mlops train --params params.yaml --models-dir models --metrics metrics.json",
		Deps: []Entry{
			NewEntry("src/train.py", hash.Info{MD5: "acbd18db4cc2f85cedef654fccc4a4d8", Size: 3}),
			NewEntry("data", hash.Info{MD5: "5ea40360f5b4ec688df672a4db9c17d1.dir", Size: 6, NFiles: 2, IsDir: true}),
		},
		Params: pyfmt.Map{
			{Key: "other.yaml", Value: pyfmt.Map{{Key: "lr", Value: 0.0001}}},
			{Key: "params.yaml", Value: pyfmt.Map{
				{Key: "split.test_size", Value: 0.2},
				{Key: "seed", Value: 42},
				{Key: "models.decision_tree.max_depth", Value: nil},
				{Key: "data", Value: pyfmt.Map{{Key: "features", Value: []any{pyfmt.Map{{Key: "name", Value: "a"}, {Key: "min", Value: 0}, {Key: "max", Value: 10}}}}, {Key: "path", Value: "data/iris.csv"}}},
				{Key: "cv", Value: pyfmt.Map{{Key: "folds", Value: 10}, {Key: "repeats", Value: 5}}},
			}},
		},
		Outs: []Entry{
			NewEntry("models", hash.Info{MD5: "1f69c66028c35037e8bf67e5bc4ceb6a.dir", Size: 8, NFiles: 2, IsDir: true}),
			NewEntry("metrics.json", hash.Info{MD5: "37b51d194a7513e45b56f6524f2d51f2", Size: 3}),
		},
	})
	l.Set(&LockStage{
		Name: "report", Cmd: []any{"echo a", "echo b"},
		Deps: []Entry{NewEntry("metrics.json", hash.Info{MD5: "37b51d194a7513e45b56f6524f2d51f2", Size: 3})},
		Outs: []Entry{NewEntry("r.txt", hash.Info{MD5: "d3b07384d113edec49eaa6238ad5ff00", Size: 4, IsExec: true})},
	})
	got, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestSelectParams(t *testing.T) {
	file, err := ParseParamsFile("params.yaml", []byte("data:\n  path: x.csv\n  features:\n  - a\n  - b\nseed: 42\nmodels:\n  tree:\n    max_depth: null\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		keys    []string
		want    pyfmt.Map
		wantErr bool
	}{
		"top-level":     {[]string{"seed"}, pyfmt.Map{{Key: "seed", Value: 42}}, false},
		"dotted":        {[]string{"models.tree.max_depth"}, pyfmt.Map{{Key: "models.tree.max_depth", Value: nil}}, false},
		"list index":    {[]string{"data.features.1"}, pyfmt.Map{{Key: "data.features.1", Value: "b"}}, false},
		"section":       {[]string{"models"}, pyfmt.Map{{Key: "models", Value: pyfmt.Map{{Key: "tree", Value: pyfmt.Map{{Key: "max_depth", Value: nil}}}}}}, false},
		"missing":       {[]string{"nope"}, nil, true},
		"missing child": {[]string{"data.nope"}, nil, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := SelectParams(file, tc.keys)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && !pyfmt.Equal(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, s := range p.Stages {
			if len(s.Cmd) == 0 || s.Name == "" {
				t.Fatalf("accepted a stage without cmd or name: %#v", s)
			}
		}
	})
}

func FuzzParseLock(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.lock")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLock("fuzz.lock", data)
		if err != nil {
			return
		}
		out, err := l.Marshal()
		if err != nil {
			return
		}
		again, err := ParseLock("again.lock", out)
		if err != nil {
			t.Fatalf("marshalled lock does not parse: %v\n%s", err, out)
		}
		out2, err := again.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("marshal is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
