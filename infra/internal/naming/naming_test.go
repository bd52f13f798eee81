package naming

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	dev, prod := New("mlops", "dev"), New("mlops", "prod")
	tests := []struct {
		name      string
		got, want string
	}{
		{"prefix", dev.Prefix(), "mlops-dev"},
		{"name", dev.Name("ci", "deploy"), "mlops-dev-ci-deploy"},
		{"cluster", prod.ClusterName(), "mlops-prod"},
		{"repository", dev.RepositoryName(), "mlops-dev/model-api"},
		{"log group", dev.ClusterLogGroup(), "/aws/eks/mlops-dev/cluster"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestLimits(t *testing.T) {
	long := New("mlops", strings.Repeat("s", 60))
	if _, err := long.RoleName("ci-deploy"); err == nil {
		t.Error("RoleName accepted a name over 64 characters")
	}
	if _, err := long.BucketName("123456789012"); err == nil {
		t.Error("BucketName accepted a name over 63 characters")
	}
	ok := New("mlops", "dev")
	if got, err := ok.BucketName("123456789012"); err != nil || got != "mlops-dev-artifacts-123456789012" {
		t.Errorf("BucketName = %q, %v", got, err)
	}
	if got, err := ok.RoleName("ci-preview"); err != nil || got != "mlops-dev-ci-preview" {
		t.Errorf("RoleName = %q, %v", got, err)
	}
}

func TestDashboardConfigMapName(t *testing.T) {
	tests := []struct {
		file, want string
		wantErr    bool
	}{
		{file: "model-api.json", want: "grafana-dashboard-model-api"},
		{file: "dashboards/generated/API Overview.json", want: "grafana-dashboard-api-overview"},
		{file: "Drift__Inputs.json", want: "grafana-dashboard-drift-inputs"},
		{file: "---.json", wantErr: true},
		{file: strings.Repeat("a", 80) + ".json", want: "grafana-dashboard-" + strings.Repeat("a", 45)},
	}
	for _, tt := range tests {
		got, err := DashboardConfigMapName(tt.file)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("DashboardConfigMapName(%q) = %q, %v; want %q, error %v", tt.file, got, err, tt.want, tt.wantErr)
		}
		if len(got) > 63 {
			t.Errorf("%q is longer than 63 characters", got)
		}
	}
}
