package openapi

import (
	"testing"

	"github.com/mlopsgo/mlops/app/internal/apidoc"
)

func TestPath(t *testing.T) {
	for _, tt := range []struct{ fiber, want string }{
		{"/", "/"},
		{"/predict/batch", "/predict/batch"},
		{"/v2/models/:name", "/v2/models/{name}"},
		{"/v2/models/:name/versions/:version/infer", "/v2/models/{name}/versions/{version}/infer"},
	} {
		if got := Path(tt.fiber); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.fiber, got, tt.want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct{ dataset, want string }{
		{"iris", "IRIS Classification API"}, // the original service's title, word for word
		{"", "Model Classification API"},
	} {
		if got := Title(tt.dataset); got != tt.want {
			t.Errorf("Title(%q) = %q, want %q", tt.dataset, got, tt.want)
		}
	}
}

// TestDocumentWithoutModels builds the document before any model set is
// loaded: generic shapes, every route under its OpenAPI path.
func TestDocumentWithoutModels(t *testing.T) {
	routes := []Route{
		{Method: "GET", Path: "/models", Op: Models},
		{Method: "POST", Path: "/v2/models/:name/infer", Op: V2Infer(false)},
	}
	doc := Document(nil, 10, 1000, routes)
	if doc.Info.Title != "Model Classification API" || doc.Info.Version != APIVersion {
		t.Errorf("info %+v", doc.Info)
	}
	var got []string
	doc.Operations(func(path, method string, _ *apidoc.Operation) { got = append(got, method+" "+path) })
	if len(got) != 2 || got[0] != "GET /models" || got[1] != "POST /v2/models/{name}/infer" {
		t.Errorf("operations %v", got)
	}
}
