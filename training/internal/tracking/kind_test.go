package tracking_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in      string
		want    tracking.Kind
		wantErr bool
	}{
		{"train", tracking.KindTrain, false},
		{"tune", tracking.KindTune, false},
		{"", "", true},
		{"sweep", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := tracking.ParseKind(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseKind(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil && got.String() != tt.in {
				t.Errorf("ParseKind(%q).String() = %q", tt.in, got.String())
			}
		})
	}
}

func TestFilterKindAndSameKind(t *testing.T) {
	runs := []*tracking.Run{
		{ID: "a"},
		{ID: "b", Kind: tracking.KindTune},
		{ID: "c"},
	}
	tests := []struct {
		name     string
		kind     tracking.Kind
		want     []string
		wantSame bool
	}{
		{"train runs", tracking.KindTrain, []string{"a", "c"}, true},
		{"tune runs", tracking.KindTune, []string{"b"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tracking.FilterKind(runs, tt.kind)
			ids := []string{}
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("FilterKind(%s) = %v, want %v", tt.kind, ids, tt.want)
			}
			if err := tracking.SameKind(got); err != nil {
				t.Errorf("SameKind(%v) = %v, want nil", ids, err)
			}
		})
	}
	err := tracking.SameKind(runs)
	if !errors.Is(err, tracking.ErrMixedKinds) || err.Error() != "tracking: runs of different kinds: a is a train run, b a tune run" {
		t.Errorf("SameKind of mixed runs = %v, want ErrMixedKinds naming a and b", err)
	}
	if err := tracking.SameKind(nil); err != nil {
		t.Errorf("SameKind(nil) = %v", err)
	}
	if len(runs) != 3 || runs[1].ID != "b" {
		t.Errorf("FilterKind modified its input: %v", runs)
	}
}
