package tracking_test

import (
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

func TestFilter(t *testing.T) {
	runs := []*tracking.Run{
		{ID: "a", Status: tracking.StatusFinished},
		{ID: "b", Status: tracking.StatusFailed},
		{ID: "c", Status: tracking.StatusFinished},
		{ID: "d", Status: tracking.StatusRunning},
		{ID: "e", Status: tracking.StatusFinished},
	}
	tests := []struct {
		name   string
		status tracking.Status
		limit  int
		want   []string
	}{
		{"all", "", 0, []string{"a", "b", "c", "d", "e"}},
		{"finished", tracking.StatusFinished, 0, []string{"a", "c", "e"}},
		{"last two finished", tracking.StatusFinished, 2, []string{"c", "e"}},
		{"last two of all", "", 2, []string{"d", "e"}},
		{"limit above the count", tracking.StatusFailed, 5, []string{"b"}},
		{"negative limit is no limit", tracking.StatusFinished, -1, []string{"a", "c", "e"}},
		{"none match", tracking.Status("other"), 0, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []string{}
			for _, r := range tracking.Filter(runs, tt.status, tt.limit) {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Filter(%q, %d) = %v, want %v", tt.status, tt.limit, got, tt.want)
			}
		})
	}
	if runs[1].ID != "b" || len(runs) != 5 {
		t.Errorf("Filter modified its input: %v", runs)
	}
}
