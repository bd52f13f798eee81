package tune

import "testing"

// TestBestRanksByAccuracyThenLogLoss checks the order best chooses by: the
// highest mean accuracy, then, among means equal up to rounding, the lowest
// mean log loss, then the earliest trial; incomplete trials never.
func TestBestRanksByAccuracyThenLogLoss(t *testing.T) {
	complete := func(scores, losses []float64) *trial { return &trial{scores: scores, losses: losses} }
	tests := []struct {
		name   string
		trials []*trial
		want   int // index of the best trial, -1 for none
	}{
		{
			name: "higher accuracy beats lower log loss",
			trials: []*trial{
				complete([]float64{0.9, 0.9, 0.9}, []float64{0.1, 0.1, 0.1}),
				complete([]float64{1, 0.9, 0.9}, []float64{0.5, 0.5, 0.5}),
			},
			want: 1,
		},
		{
			name: "equal accuracy: lower log loss",
			trials: []*trial{
				complete([]float64{1, 1, 0.9230769230769231}, []float64{0.2, 0.2, 0.3}),
				complete([]float64{1, 1, 0.9230769230769231}, []float64{0.1, 0.2, 0.3}),
			},
			want: 1,
		},
		{
			// Summed in another order, the same scores can differ in the
			// last bit; that is still a tie.
			name: "same scores in another fold order tie",
			trials: []*trial{
				complete([]float64{0.1, 0.2, 0.3}, []float64{0.5, 0.5, 0.5}),
				complete([]float64{0.3, 0.2, 0.1}, []float64{0.4, 0.5, 0.5}),
			},
			want: 1,
		},
		{
			name: "equal accuracy and log loss: the earliest",
			trials: []*trial{
				complete([]float64{0.9, 0.9, 0.9}, []float64{0.3, 0.3, 0.3}),
				complete([]float64{0.9, 0.9, 0.9}, []float64{0.3, 0.3, 0.3}),
			},
			want: 0,
		},
		{
			name: "pruned and unfinished trials are never best",
			trials: []*trial{
				{scores: []float64{1}, losses: []float64{0}, pruned: true},
				{scores: []float64{1, 1}, losses: []float64{0, 0}},
				complete([]float64{0.5, 0.5, 0.5}, []float64{1, 1, 1}),
			},
			want: 2,
		},
		{
			name:   "none complete",
			trials: []*trial{{scores: []float64{1}, losses: []float64{0}, pruned: true}},
			want:   -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &study{inner: make([]fold, 3), trials: tt.trials}
			got := s.best()
			switch {
			case tt.want < 0 && got != nil:
				t.Fatalf("best is trial %v, want none", got)
			case tt.want >= 0 && got != tt.trials[tt.want]:
				t.Fatalf("best is %+v, want trial %d", got, tt.want)
			}
		})
	}
}
