package e2e

import (
	"encoding/json"
	"testing"

	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// requireE2E skips unless MLOPS_E2E=1 (and always under -short): these tests
// need programs from Debian and npm, which make e2e-deps installs.
func requireE2E(t *testing.T) {
	t.Helper()
	procrun.RequireE2E(t, "make e2e-app")
}

// exampleFeatures returns the example row the server documents.
func exampleFeatures(t *testing.T, api *modelapi.Server) string {
	t.Helper()
	_, body := api.Get(t.Context(), "/openapi.json")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Examples []json.RawMessage `json:"examples"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	ex := doc.Components.Schemas["Features"].Examples
	if len(ex) == 0 {
		t.Fatal("the OpenAPI document has no example features")
	}
	return string(ex[0])
}
