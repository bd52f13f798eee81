package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/traffic"
)

// feature is what the traffic needs of a bundle's feature.
type feature struct {
	Name  string `json:"name"`
	Valid struct {
		Min float64 `json:"min"`
		Max float64 `json:"max"`
	} `json:"valid"`
	Stats struct {
		Min  float64 `json:"min"`
		Max  float64 `json:"max"`
		Mean float64 `json:"mean"`
	} `json:"stats"`
}

// modelSet is the served models, read from the models directory.
type modelSet struct {
	names    []string
	champion string
	features []feature
}

func readModels(t *testing.T, dir string) modelSet {
	t.Helper()
	var index struct {
		Champion string `json:"champion"`
		Models   []struct {
			Name string `json:"name"`
			File string `json:"file"`
		} `json:"models"`
	}
	readJSON(t, filepath.Join(dir, "index.json"), &index)
	set := modelSet{champion: index.Champion}
	for _, m := range index.Models {
		set.names = append(set.names, m.Name)
		var bundle struct {
			Features []feature `json:"features"`
		}
		readJSON(t, filepath.Join(dir, m.File), &bundle)
		set.features = bundle.Features
	}
	if len(set.names) == 0 || len(set.features) == 0 {
		t.Fatalf("%s holds no models with features", dir)
	}
	return set
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// row renders one features object from a value per feature.
func (s modelSet) row(value func(f feature) float64) string {
	parts := make([]string, len(s.features))
	for i, f := range s.features {
		parts[i] = strconv.Quote(f.Name) + ":" + strconv.FormatFloat(value(f), 'f', 4, 64)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// challengers are the models other than the champion, the ones the index
// marks challenger.
func (s modelSet) challengers() []string {
	var out []string
	for _, n := range s.names {
		if n != s.champion {
			out = append(out, n)
		}
	}
	return out
}

// typical is a row at the training means.
func (s modelSet) typical() string {
	return s.row(func(f feature) float64 { return f.Stats.Mean })
}

// drifted is a row every value of which is valid (accepted) but outside
// the training range: above the training maximum where the declared range
// leaves room, else below the minimum. A window of such rows sits in the
// histogram's outer bins, a major shift by any measure.
func (s modelSet) drifted(rng *rand.Rand) string {
	return s.row(func(f feature) float64 {
		u := 0.2 + 0.6*rng.Float64()
		if f.Valid.Max > f.Stats.Max {
			return f.Stats.Max + u*(f.Valid.Max-f.Stats.Max)
		}
		if f.Valid.Min < f.Stats.Min {
			return f.Stats.Min - u*(f.Stats.Min-f.Valid.Min)
		}
		return f.Stats.Max
	})
}

// invalid is a row whose first value is outside the declared valid range:
// rejected with 422 and counted as range="declared".
func (s modelSet) invalid() string {
	return s.row(func(f feature) float64 {
		if f.Name == s.features[0].Name {
			return f.Valid.Max + 1
		}
		return f.Stats.Mean
	})
}

// batch renders a /predict/batch body of n drifted rows for a model.
func (s modelSet) batch(model string, n int, rng *rand.Rand) string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = s.drifted(rng)
	}
	return `{"model_name":` + strconv.Quote(model) + `,"features_list":[` + strings.Join(rows, ",") + `]}`
}

// driveTraffic sends a steady mix of requests to every instance until
// the test ends, bounded by maxRequests: predictions for every model
// (mostly drifted rows, so the drift windows stay drifted), all-models and
// Open Inference Protocol calls, and requests that are rejected (empty
// features, a value outside the declared range, an unknown model). Rates
// need traffic while Prometheus scrapes, not only before.
func driveTraffic(t *testing.T, apis []*modelapi.Server, set modelSet, maxRequests int) {
	rng := rand.New(rand.NewPCG(2, 3))
	traffic.Start(t, traffic.Options{Every: 5 * time.Millisecond, Max: maxRequests}, func(ctx context.Context, i int) {
		api := apis[i%len(apis)]
		model := set.names[(i/len(apis))%len(set.names)]
		switch i % 10 {
		case 0:
			api.Post(ctx, "/predict", `{"features":`+set.typical()+`}`)
		case 1:
			api.Post(ctx, "/predict/all-models", set.drifted(rng))
		case 2:
			api.Post(ctx, "/predict/batch", set.batch(model, 5, rng))
		case 3:
			api.Post(ctx, "/v2/models/"+model+"/infer", oipBody(set, rng))
		case 4:
			api.Post(ctx, "/predict", `{"features":{}}`)
		case 5:
			api.Post(ctx, "/predict", `{"features":`+set.invalid()+`,"model_name":`+strconv.Quote(model)+`}`)
		case 6:
			api.Post(ctx, "/predict", `{"features":`+set.typical()+`,"model_name":"no_such_model"}`)
		default:
			api.Post(ctx, "/predict", `{"features":`+set.drifted(rng)+`,"model_name":`+strconv.Quote(model)+`}`)
		}
	})
}

// oipBody is an Open Inference Protocol request of one drifted row, the
// features in the bundle's order.
func oipBody(set modelSet, rng *rand.Rand) string {
	var row map[string]float64
	_ = json.Unmarshal([]byte(set.drifted(rng)), &row)
	vals := make([]string, len(set.features))
	for i, f := range set.features {
		vals[i] = strconv.FormatFloat(row[f.Name], 'f', 4, 64)
	}
	return fmt.Sprintf(`{"inputs":[{"name":"x","shape":[1,%d],"datatype":"FP64","data":[%s]}]}`, len(vals), strings.Join(vals, ","))
}

// newRand is the seeded source of the drifted rows.
func newRand() *rand.Rand {
	return rand.New(rand.NewPCG(1, 2))
}
