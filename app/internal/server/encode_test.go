package server

import (
	"math"
	"testing"
)

func TestAppendFloat(t *testing.T) {
	tests := map[float64]string{0: "0", 1: "1", 0.5: "0.5", 1e-7: "1e-7", 1e21: "1e+21", 123456789: "123456789", -2.5: "-2.5"}
	for in, want := range tests {
		if got := string(appendFloat(nil, in)); got != want {
			t.Errorf("appendFloat(%v) = %s, want %s", in, got, want)
		}
	}
	for _, in := range []float64{math.NaN(), math.Inf(1)} {
		if got := string(appendFloat(nil, in)); got != "null" {
			t.Errorf("appendFloat(%v) = %s, want null", in, got)
		}
	}
}
