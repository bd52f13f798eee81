package stackoutputs

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite outputs.json from the Go constants")

// File is the shape of outputs.json.
type File struct {
	Outputs []string `json:"outputs"`
	Secret  []string `json:"secret"`
	CIRoles []CIRole `json:"ciRoles"`
}

func TestOutputsFile(t *testing.T) {
	want := File{Outputs: All, Secret: Secret, CIRoles: CIRoles}
	if *update {
		b, err := json.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("outputs.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var got File
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outputs.json is stale: run go test ./stackoutputs -update")
	}
}

func TestNames(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range All {
		if seen[o] {
			t.Errorf("output %s listed twice", o)
		}
		seen[o] = true
	}
	for _, s := range Secret {
		if !seen[s] {
			t.Errorf("secret output %s is not in All", s)
		}
	}
	vars := map[string]bool{}
	for _, r := range CIRoles {
		if !slices.Contains(All, r.Output) {
			t.Errorf("role %s: output %s is not exported", r.Purpose, r.Output)
		}
		if vars[r.GitHubVariable] {
			t.Errorf("variable %s used twice", r.GitHubVariable)
		}
		vars[r.GitHubVariable] = true
	}
}
