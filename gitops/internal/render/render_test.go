package render

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestMergeValues(t *testing.T) {
	dst := map[string]any{"a": 1, "m": map[string]any{"x": 1, "y": 2}, "l": []any{1, 2}}
	src := map[string]any{"b": 2, "m": map[string]any{"y": 3, "z": 4}, "l": []any{3}}
	got := MergeValues(dst, src)
	want := map[string]any{"a": 1, "b": 2, "m": map[string]any{"x": 1, "y": 3, "z": 4}, "l": []any{3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergeValues = %v, want %v (maps merge, lists replace)", got, want)
	}
	if dst["m"].(map[string]any)["y"] != 2 || len(dst) != 3 {
		t.Errorf("MergeValues modified dst: %v", dst)
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, doc string
		wantErr   string // "" for success
	}{
		{name: "service", doc: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{name: http, port: 80}]}\n"},
		{name: "unknown field", doc: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {port: 80}\n", wantErr: `unknown field "port"`},
		{name: "misplaced field", doc: "apiVersion: v1\nkind: Service\nmetadata: {name: s, selector: {a: b}}\n", wantErr: `unknown field "selector"`},
		{name: "wrong type", doc: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: http}]}\n", wantErr: "cannot unmarshal"},
		{name: "duplicate key", doc: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nmetadata: {name: t}\n", wantErr: `key "metadata" already set`},
		{name: "unknown kind", doc: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", wantErr: ErrUnknownKind.Error()},
		{name: "old api version", doc: "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n", wantErr: ErrUnknownKind.Error()},
		{name: "prometheus rule", doc: "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec: {groups: [{name: g, rules: [{alert: A, expr: up == 0, for: 5m}]}]}\n"},
		{name: "prometheus rule unknown field", doc: "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec: {groups: [{name: g, rules: [{alert: A, expr: up == 0, pending: 5m}]}]}\n", wantErr: "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := Decode([]byte(tt.doc))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("%s: %v", tt.name, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("%s: got error %v, want one containing %q", tt.name, err, tt.wantErr)
			case tt.wantErr == "" && (obj.Value == nil || obj.Name == ""):
				t.Errorf("%s: decoded %+v", tt.name, obj)
			}
			if strings.Contains(tt.name, "unknown kind") && !errors.Is(err, ErrUnknownKind) {
				t.Errorf("%s: %v is not ErrUnknownKind", tt.name, err)
			}
		})
	}
}

func TestRenderNeedsAChart(t *testing.T) {
	if _, err := Render(Options{}); err == nil {
		t.Error("Render without ChartDir succeeded")
	}
	if _, err := Render(Options{ChartDir: "../../charts/model-api", KubeVersion: "v1.29.0"}); err == nil || !strings.Contains(err.Error(), "needs Kubernetes") {
		t.Errorf("Render for Kubernetes 1.29: got %v, want the chart's kubeVersion constraint to fail it", err)
	}
}

func TestIsEmpty(t *testing.T) {
	for doc, want := range map[string]bool{"": true, "\n# only a comment\n  \n": true, "# c\nkind: x\n": false} {
		if got := isEmpty(doc); got != want {
			t.Errorf("isEmpty(%q) = %v, want %v", doc, got, want)
		}
	}
}
