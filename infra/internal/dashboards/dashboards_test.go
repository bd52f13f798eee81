package dashboards

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadFixture(t *testing.T) {
	got, err := Load(filepath.Join("..", "..", "testdata", "dashboards"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ file, name string }{
		{"Training Runs.json", "grafana-dashboard-training-runs"},
		{"drift.json", "grafana-dashboard-drift"},
		{"model-api.json", "grafana-dashboard-model-api"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d dashboards, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].File != w.file || got[i].ConfigMapName != w.name || !strings.HasPrefix(got[i].JSON, "{") {
			t.Errorf("dashboard %d = %+v, want %s -> %s", i, got[i], w.file, w.name)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"invalid json", map[string]string{"a.json": "{"}, "not a JSON object"},
		{"json array", map[string]string{"a.json": "[]"}, "not a JSON object"},
		{"not a dashboard", map[string]string{"a.json": `{"title":"x"}`}, "no panels"},
		{"same configmap name", map[string]string{"My Board.json": `{"panels":[]}`, "my-board.json": `{"panels":[]}`}, "both map to"},
		{"too big", map[string]string{"big.json": `{"panels":[],"x":"` + strings.Repeat("a", MaxBytes) + `"}`}, "over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing folder: err = %v", err)
	}
}

func TestEmptyFolder(t *testing.T) {
	got, err := Load(t.TempDir())
	if err != nil || len(got) != 0 {
		t.Errorf("Load(empty) = %v, %v", got, err)
	}
}
