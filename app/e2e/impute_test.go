package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// TestE2EImpute runs data.missing: impute through the real programs: a CSV
// with blank feature cells, mlops init --missing impute, mlops train, mlops
// predict with a blank cell, then model-api over the trained models with a
// null feature on both APIs.
func TestE2EImpute(t *testing.T) {
	requireE2E(t)
	mlops := procrun.Program(t, "MLOPS_BIN", "make e2e-app builds it")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "blobs.csv"), []byte(blobsWithBlanks(150)), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(mlops, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mlops %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("init", "blobs.csv", "--missing", "impute")
	run("train", "--runs-dir", "off", "--only", "logistic_regression,decision_tree,random_forest")
	if err := os.WriteFile(filepath.Join(dir, "new.csv"), []byte("x,y\n,10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := run("predict", "--model", "models/random_forest.json", "--input", "new.csv"); !strings.Contains(out, "\n,10,north,") {
		t.Fatalf("predict with a blank x:\n%s", out)
	}

	api := modelapi.Start(t, modelapi.Options{ModelDir: filepath.Join(dir, "models")})
	tests := []struct{ name, path, body, want string }{
		{"original API", "/predict", `{"features":{"x":null,"y":10}}`, `"species":"north"`},
		{"Open Inference Protocol", "/v2/models/logistic_regression/infer",
			`{"inputs":[{"name":"x","shape":[1],"datatype":"FP64","data":[null]},{"name":"y","shape":[1],"datatype":"FP64","data":[10]}]}`,
			`"name":"label"`},
	}
	for _, tt := range tests {
		code, body := api.Post(t.Context(), tt.path, tt.body)
		if code != 200 || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s, want 200 and %s", tt.name, code, body, tt.want)
		}
	}
	if _, body := api.Get(t.Context(), "/metrics"); !strings.Contains(string(body), `model_api_input_imputed_total{feature="x",model="random_forest"} 1`) {
		t.Errorf("/metrics does not count the imputed x of random_forest")
	}
}

// blobsWithBlanks returns a CSV of n rows: three well separated Gaussian
// blobs in x and y labelled by "kind", with every seventh x and every
// eleventh y blank.
func blobsWithBlanks(n int) string {
	rng := rand.New(rand.NewPCG(3, 3))
	centres := []struct {
		kind string
		x, y float64
	}{{"west", -10, 0}, {"north", 0, 10}, {"east", 10, 0}}
	var b strings.Builder
	b.WriteString("x,y,kind\n")
	for i := range n {
		c := centres[i%3]
		x, y := fmt.Sprintf("%.3f", c.x+2*rng.NormFloat64()), fmt.Sprintf("%.3f", c.y+2*rng.NormFloat64())
		if i%7 == 0 {
			x = ""
		}
		if i%11 == 0 {
			y = ""
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", x, y, c.kind)
	}
	return b.String()
}
