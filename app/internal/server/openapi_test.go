package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/app/internal/apidoc"
	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/internal/openapi"
)

var regen = flag.Bool("regen", false, "rewrite the golden files in testdata/")

// TestRoutesMatchOpenAPI checks that the routes Fiber serves and the
// operations the document lists are the same set. HEAD, which Fiber answers
// for every GET route, is left out of both.
func TestRoutesMatchOpenAPI(t *testing.T) {
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	var served []string
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == "HEAD" {
			continue
		}
		served = append(served, r.Method+" "+openapi.Path(r.Path))
	}
	var doc apidoc.Document
	if err := json.Unmarshal(do(t, s.App(), get("/openapi.json")).body, &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	doc.Operations(func(path, method string, _ *apidoc.Operation) {
		documented = append(documented, method+" "+path)
	})
	slices.Sort(served)
	slices.Sort(documented)
	if !slices.Equal(served, documented) {
		t.Errorf("served routes and documented operations differ:\nserved:     %v\ndocumented: %v", served, documented)
	}
	if len(served) < 20 {
		t.Errorf("only %d routes: %v", len(served), served)
	}
}

// TestOpenAPIGolden compares the document for the test model set with
// testdata/openapi_golden.json (go test -run OpenAPIGolden -regen to
// rewrite it), so every change to the API description shows in review.
func TestOpenAPIGolden(t *testing.T) {
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	got := append(do(t, s.App(), get("/openapi.json")).body, '\n')
	golden := filepath.Join("testdata", "openapi_golden.json")
	if *regen {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -regen to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the OpenAPI document differs from %s; run go test -run OpenAPIGolden -regen and review the diff", golden)
	}
}

// TestOpenAPIDescribesTheModels checks the parts taken from the bundles.
func TestOpenAPIDescribesTheModels(t *testing.T) {
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	var doc apidoc.Document
	if err := json.Unmarshal(do(t, s.App(), get("/openapi.json")).body, &doc); err != nil {
		t.Fatal(err)
	}
	feats := doc.Components.Schemas["Features"]
	if !slices.Equal(feats.Required, modeltest.Features) {
		t.Errorf("Features requires %v, want %v", feats.Required, modeltest.Features)
	}
	for _, name := range modeltest.Features {
		p := feats.Properties[name]
		if p == nil || p.Minimum == nil || *p.Minimum != 0 || p.Maximum == nil || *p.Maximum != 10 {
			t.Errorf("feature %s: schema %+v, want the declared range [0, 10]", name, p)
		}
	}
	probs := doc.Components.Schemas["Probabilities"]
	if !slices.Equal(probs.Required, modeltest.Classes) {
		t.Errorf("Probabilities requires %v, want %v", probs.Required, modeltest.Classes)
	}
	if doc.Info.Title != "IRIS Classification API" || !strings.Contains(doc.Info.Description, "random_forest") {
		t.Errorf("info %+v", doc.Info)
	}
	// The documented examples are accepted by the server.
	doc.Operations(func(path, method string, op *apidoc.Operation) {
		if op.RequestBody == nil || strings.Contains(path, "{version}") {
			return
		}
		body, err := json.Marshal(op.RequestBody.Content["application/json"].Example)
		if err != nil {
			t.Fatal(err)
		}
		p := strings.ReplaceAll(path, "{name}", "random_forest")
		res := do(t, s.App(), call{method: method, path: p, body: string(body), header: map[string]string{"Authorization": "Bearer s3cret"}})
		if res.status != 200 {
			t.Errorf("%s %s with the documented example %s: %d %s", method, path, body, res.status, res.body)
		}
	})
}

func TestDocsPage(t *testing.T) {
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	res := do(t, s.App(), get("/docs"))
	page := string(res.body)
	for _, want := range []string{
		`<form class="try" data-method="POST" data-path="/predict">`,
		`data-path="/v2/models/{name}/infer"`,
		`<input data-param="name" value="logistic_regression" required>`,
		`<input name="token" type="password"`,
		`id="schema-PredictRequest"`,
		"&#34;sepal_length&#34;: 5.9", // the example row (training means), HTML-escaped in the textarea
	} {
		if !strings.Contains(page, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	for _, banned := range []string{"http://", "https://", "<link rel=\"stylesheet\"", "<script src"} {
		if strings.Contains(page, banned) {
			t.Errorf("docs page refers to %q: it must be self-contained", banned)
		}
	}
}

// TestDocsFollowTheModelSet checks that the document and the page, built at
// their first request, are those of the set serving at that time: before
// the first load, after it, and after a reload to another set.
func TestDocsFollowTheModelSet(t *testing.T) {
	dir := t.TempDir()
	s, _ := newTestServer(t, testOptions(dir)) // empty directory: no set yet
	steps := []struct {
		name  string
		setup func(t *testing.T)
		want  string // in the document's description and on the page
	}{
		{"before the first load", func(*testing.T) {}, "Models: random_forest;"},
		{"after a load", func(t *testing.T) {
			modeltest.WriteSet(t, dir, "logistic_regression", "logistic_regression", "svm")
			if _, err := s.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
		}, "Models: logistic_regression, svm;"},
		{"after a reload", func(t *testing.T) {
			modeltest.WriteSet(t, dir, "decision_tree", "decision_tree")
			if _, err := s.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
		}, "Models: decision_tree;"},
	}
	for _, step := range steps {
		step.setup(t)
		for _, path := range []string{"/openapi.json", "/docs"} {
			res := do(t, s.App(), get(path))
			if res.status != 200 || !strings.Contains(string(res.body), step.want) {
				t.Errorf("%s: GET %s = %d, want 200 with %q", step.name, path, res.status, step.want)
			}
		}
	}
}
