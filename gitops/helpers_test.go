package gitops

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// regen rewrites the golden files instead of comparing with them.
var regen = flag.Bool("regen", false, "rewrite testdata/golden/*_golden.yaml from the chart")

// Paths, relative to the gitops module (where go test runs).
const (
	repoRoot = ".."
	chartDir = "charts/model-api"
	appsDir  = "apps"
	// testImage is prepended to every test render's value files: the
	// chart has no default image.
	testImage = "testdata/image.yaml"
)

// valuesCase is one accepted set of value files.
type valuesCase struct {
	name      string
	files     []string // relative to the module
	release   string
	namespace string
}

// environments are the deployed environments: their Application names
// the values file, release and namespace.
var environments = []string{"dev", "prod"}

// valuesCases returns every accepted values combination: the chart's
// defaults, each environment as its Application renders it, and each
// accepted fixture in testdata/values plus the e2e's values, each over the
// test image (the Applications' own image parameters are checked by
// TestImageFromTheApplication, so the renders do not change per release).
func valuesCases(t *testing.T) []valuesCase {
	t.Helper()
	cases := []valuesCase{{name: "defaults", files: []string{testImage}, release: "model-api", namespace: "model-api-test"}}
	for _, env := range environments {
		app := loadApplication(t, filepath.Join(appsDir, env, "model-api.yaml"))
		files := []string{testImage}
		for _, f := range app.Spec.Source.Helm.ValueFiles {
			files = append(files, filepath.Join(chartDir, f))
		}
		cases = append(cases, valuesCase{name: env, files: files, release: app.Spec.Source.Helm.ReleaseName, namespace: app.Spec.Destination.Namespace})
	}
	fixtures, err := filepath.Glob("testdata/values/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fixtures = append(fixtures, "e2e/testdata/values-e2e.yaml")
	for _, f := range fixtures {
		if strings.HasPrefix(filepath.Base(f), "invalid-") {
			continue
		}
		cases = append(cases, valuesCase{name: strings.TrimSuffix(filepath.Base(f), ".yaml"), files: []string{testImage, f}, release: "model-api", namespace: "model-api-test"})
	}
	return cases
}

// renderCase renders the chart for c.
func renderCase(t *testing.T, c valuesCase) *render.Manifest {
	t.Helper()
	var files []string
	for _, f := range c.files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	m, err := render.Render(render.Options{ChartDir: chartDir, Release: c.release, Namespace: c.namespace, ValueFiles: files})
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return m
}

// forEachRender runs f as a subtest for every accepted values combination.
func forEachRender(t *testing.T, f func(t *testing.T, c valuesCase, m *render.Manifest)) {
	t.Helper()
	for _, c := range valuesCases(t) {
		t.Run(c.name, func(t *testing.T) { f(t, c, renderCase(t, c)) })
	}
}

// appSource is what the chart must agree with in model-api's source. The
// app's packages are internal to its module, so the tests read the source
// itself: the environment variables model-api reads (one per flag defined in
// app/cmd/model-api/config.go, plus those read without a flag) with their
// literal defaults, and the paths of the route table.
type appSource struct {
	// env maps each environment variable model-api reads to its default
	// ("" when it has none or the default is not a literal).
	env map[string]string
	// routes holds "METHOD /path" for every route, in Fiber's syntax.
	routes []string
}

func readAppSource(t *testing.T) appSource {
	t.Helper()
	src := appSource{env: map[string]string{}}
	fset := token.NewFileSet()
	config, err := parser.ParseFile(fset, filepath.Join(repoRoot, "app/cmd/model-api/config.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	// defaults() returns config{..., port: 8080, ...}: literal defaults by
	// field name.
	literalDefaults := map[string]string{}
	// fs.int(&o.MaxBatch, "max-batch", ...) defines the flag max-batch
	// bound to the field MaxBatch; its variable is MAX_BATCH.
	flagFields := map[string]string{}
	ast.Inspect(config, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name != "defaults" {
				return true
			}
			ast.Inspect(n, func(m ast.Node) bool {
				if kv, ok := m.(*ast.KeyValueExpr); ok {
					if key, ok := kv.Key.(*ast.Ident); ok {
						if lit, ok := kv.Value.(*ast.BasicLit); ok {
							literalDefaults[key.Name] = strings.Trim(lit.Value, `"`)
						}
					}
				}
				return true
			})
			return false
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || len(n.Args) < 2 {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "fs" {
				return true
			}
			addr, ok := n.Args[0].(*ast.UnaryExpr)
			if !ok || addr.Op != token.AND {
				return true
			}
			field, ok := addr.X.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if name, ok := stringLit(n.Args[1]); ok {
				flagFields[name] = field.Sel.Name
			}
		}
		return true
	})
	for name, field := range flagFields {
		src.env[strings.ToUpper(strings.ReplaceAll(name, "-", "_"))] = literalDefaults[field]
	}
	// Variables read without a flag: getenv("ADMIN_TOKEN").
	ast.Inspect(config, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "getenv" {
			if name, ok := stringLit(call.Args[0]); ok {
				src.env[name] = ""
			}
		}
		return true
	})
	routes, err := parser.ParseFile(fset, filepath.Join(repoRoot, "app/internal/server/routes.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	// {fiber.MethodGet, "/healthz", s.getHealthz, opHealthz}
	ast.Inspect(routes, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || len(lit.Elts) < 2 {
			return true
		}
		sel, ok := lit.Elts[0].(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, "Method") {
			return true
		}
		if path, ok := stringLit(lit.Elts[1]); ok {
			src.routes = append(src.routes, strings.ToUpper(strings.TrimPrefix(sel.Sel.Name, "Method"))+" "+path)
		}
		return true
	})
	if len(src.env) < 5 || len(src.routes) < 5 {
		t.Fatalf("read %d env vars and %d routes from model-api's source; has its layout changed?", len(src.env), len(src.routes))
	}
	return src
}

// serves reports whether model-api answers GET path.
func (s appSource) serves(path string) bool {
	return slices.Contains(s.routes, "GET "+path)
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// readFile reads a file of the repository, failing the test when it cannot.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
