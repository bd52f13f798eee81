package server

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string // the first error; "" for valid options
	}{
		{"defaults", DefaultOptions(), ""},
		{"zero values mean the defaults", Options{ModelDir: "m"}, ""},
		{"any origin", Options{ModelDir: "m", CORSOrigins: []string{"*", "http://localhost:3000"}}, ""},
		{"port 0 picks a free one", Options{ModelDir: "m", Addr: "127.0.0.1:0"}, ""},
		{"no model dir", Options{}, `server: Options.ModelDir is "", want a directory (required)`},
		{"no port", Options{ModelDir: "m", Addr: "localhost"}, `server: Options.Addr is "localhost", want host:port`},
		{"port out of range", Options{ModelDir: "m", Addr: ":65536"}, `server: Options.Addr is ":65536", want a port in 0..65535`},
		{"port not a number", Options{ModelDir: "m", Addr: ":http"}, `server: Options.Addr is ":http", want a port in 0..65535`},
		{"negative body limit", Options{ModelDir: "m", BodyLimit: -1}, "server: Options.BodyLimit is -1, want " + wantCount},
		{"negative batch", Options{ModelDir: "m", MaxBatch: -1}, "server: Options.MaxBatch is -1, want " + wantCount},
		{"negative read timeout", Options{ModelDir: "m", ReadTimeout: -time.Second}, "server: Options.ReadTimeout is -1s, want " + wantDuration},
		{"negative write timeout", Options{ModelDir: "m", WriteTimeout: -1}, "server: Options.WriteTimeout is -1ns, want " + wantDuration},
		{"negative idle timeout", Options{ModelDir: "m", IdleTimeout: -1}, "server: Options.IdleTimeout is -1ns, want " + wantDuration},
		{"negative drain delay", Options{ModelDir: "m", DrainDelay: -1}, "server: Options.DrainDelay is -1ns, want " + wantDuration},
		{"negative shutdown timeout", Options{ModelDir: "m", ShutdownTimeout: -1}, "server: Options.ShutdownTimeout is -1ns, want " + wantDuration},
		{"negative drift window", Options{ModelDir: "m", DriftWindow: -1}, "server: Options.DriftWindow is -1, want " + wantCount},
		{"negative drift minimum", Options{ModelDir: "m", DriftMinObservations: -1}, "server: Options.DriftMinObservations is -1, want " + wantCount},
		{"origin with path", Options{ModelDir: "m", CORSOrigins: []string{"https://example.com/app"}}, `server: Options.CORSOrigins is "https://example.com/app", want scheme://host[:port] or *`},
		{"origin without scheme", Options{ModelDir: "m", CORSOrigins: []string{"example.com"}}, `server: Options.CORSOrigins is "example.com", want scheme://host[:port] or *`},
		{"shadow models", Options{ModelDir: "m", ShadowModels: []string{"xgboost", "decision_tree"}, ShadowSample: 0.25, ShadowQueue: 10, ShadowWorkers: 2}, ""},
		{"shadow model bad name", Options{ModelDir: "m", ShadowModels: []string{"xgboost", "Random Forest"}},
			`server: Options.ShadowModels is "Random Forest", want model names (a lower-case letter, then lower-case letters, digits or _)`},
		{"shadow model twice", Options{ModelDir: "m", ShadowModels: []string{"xgboost", "svm", "xgboost"}},
			`server: Options.ShadowModels is "xgboost", want each model once`},
		{"shadow sample above 1", Options{ModelDir: "m", ShadowSample: 1.5}, "server: Options.ShadowSample is 1.5, want " + wantFraction},
		{"shadow sample negative", Options{ModelDir: "m", ShadowSample: -0.1}, "server: Options.ShadowSample is -0.1, want " + wantFraction},
		{"shadow sample NaN", Options{ModelDir: "m", ShadowSample: math.NaN()}, "server: Options.ShadowSample is NaN, want " + wantFraction},
		{"negative shadow queue", Options{ModelDir: "m", ShadowQueue: -1}, "server: Options.ShadowQueue is -1, want " + wantCount},
		{"negative shadow workers", Options{ModelDir: "m", ShadowWorkers: -1}, "server: Options.ShadowWorkers is -1, want " + wantCount},
		{"first of the shadow options", Options{ModelDir: "m", ShadowWorkers: -1, ShadowQueue: -1, ShadowSample: 2, ShadowModels: []string{"A"}},
			`server: Options.ShadowModels is "A", want model names (a lower-case letter, then lower-case letters, digits or _)`},
		{"drift before shadow", Options{ModelDir: "m", ShadowQueue: -1, DriftWindow: -1}, "server: Options.DriftWindow is -1, want " + wantCount},
		// Every field is wrong: the first in declaration order is reported,
		// every time.
		{"first of many", Options{Addr: "x", BodyLimit: -1, MaxBatch: -1, ReadTimeout: -1, IdleTimeout: -1, DriftWindow: -1, CORSOrigins: []string{"x"}},
			`server: Options.Addr is "x", want host:port`},
		{"model dir before the rest", Options{BodyLimit: -1, DriftWindow: -1, CORSOrigins: []string{"x"}},
			`server: Options.ModelDir is "", want a directory (required)`},
		{"first bad origin", Options{ModelDir: "m", MaxBatch: -1, CORSOrigins: []string{"https://ok.example", "bad", "worse"}},
			`server: Options.CORSOrigins is "bad", want scheme://host[:port] or *`},
		{"first of the numbers", Options{ModelDir: "m", DriftMinObservations: -1, DriftWindow: -1, ShutdownTimeout: -1, ReadTimeout: -1, MaxBatch: -1, BodyLimit: -1},
			"server: Options.BodyLimit is -1, want " + wantCount},
		{"first of the durations", Options{ModelDir: "m", DriftWindow: -1, ShutdownTimeout: -1, DrainDelay: -1, IdleTimeout: -1, WriteTimeout: -1},
			"server: Options.WriteTimeout is -1ns, want " + wantDuration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // a map-ordered check would vary between calls
				err := tt.opts.Validate()
				if tt.want == "" {
					if err != nil {
						t.Fatalf("Validate() = %v, want nil", err)
					}
					continue
				}
				if err == nil || err.Error() != tt.want {
					t.Fatalf("Validate() = %v, want %s", err, tt.want)
				}
				var oe *OptionError
				if !errors.As(err, &oe) {
					t.Fatalf("Validate() = %T, want *OptionError", err)
				}
			}
		})
	}
}

func TestNewServerRejectsInvalidOptions(t *testing.T) {
	reg := newRegistry()
	_, err := NewServer(t.Context(), Deps{Options: Options{ModelDir: "m", MaxBatch: -1}, Registerer: reg, Gatherer: reg})
	var oe *OptionError
	if !errors.As(err, &oe) || oe.Field != "MaxBatch" {
		t.Errorf("NewServer error %v, want an *OptionError for MaxBatch", err)
	}
}
