package promserver

import (
	"testing"
	"time"
)

func TestConfigYAML(t *testing.T) {
	cases := []struct {
		name string
		c    Config
		want string
	}{
		{
			name: "empty",
			want: `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs: []
`,
		},
		{
			name: "one target without labels",
			c:    Config{Jobs: []Job{{Name: "model-api", Targets: []Target{{Addr: "127.0.0.1:8080"}}}}},
			want: `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: "model-api"
    static_configs:
      - targets: ["127.0.0.1:8080"]
`,
		},
		{
			name: "rules, labels in order, a job without targets, milliseconds",
			c: Config{
				Interval:  500 * time.Millisecond,
				RuleFiles: []string{"a.rules.yaml", "b.rules.yaml"},
				Jobs: []Job{
					{Name: "api", Targets: []Target{
						{Addr: "127.0.0.1:1", Labels: map[string]string{"pod": "api-0", "namespace": "e2e"}},
						{Addr: "127.0.0.1:2", Labels: map[string]string{"quote": `say "hi"`}},
					}},
					{Name: "gone"},
				},
			},
			want: `global:
  scrape_interval: 500ms
  evaluation_interval: 500ms
rule_files: ["a.rules.yaml", "b.rules.yaml"]
scrape_configs:
  - job_name: "api"
    static_configs:
      - targets: ["127.0.0.1:1"]
        labels: {"namespace": "e2e", "pod": "api-0"}
      - targets: ["127.0.0.1:2"]
        labels: {"quote": "say \"hi\""}
  - job_name: "gone"
    static_configs: []
`,
		},
		{
			name: "whole seconds",
			c:    Config{Interval: 15 * time.Second},
			want: `global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs: []
`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(c.c.YAML()); got != c.want {
				t.Errorf("YAML():\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}
