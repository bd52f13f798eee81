package model

import (
	"fmt"
	"math"
)

// FormatVersion is the value of the "format" field of bundles this package
// writes and reads.
const FormatVersion = "mlops.model/v1"

// formatPrefix identifies any version of the bundle format, so a bundle from a
// newer release is told apart from a foreign JSON file.
const formatPrefix = "mlops.model/"

// Bundle is one trained model with everything needed to serve and monitor it.
// A Bundle returned by [Parse], [Load] or [Bundle.Seal] is immutable and safe
// for concurrent use.
type Bundle struct {
	// Format is the bundle format version, [FormatVersion].
	Format string `json:"format"`
	// Name is the serving name (e.g. "random_forest"), also the file stem.
	Name string `json:"name"`
	// Algorithm names the kind of fitted parameters in Model.
	Algorithm string `json:"algorithm"`
	// Dataset describes the data the model was trained on.
	Dataset Dataset `json:"dataset"`
	// Features lists the input features in the order PredictInto expects.
	Features []Feature `json:"features"`
	// Classes lists the class names; probabilities follow this order.
	Classes []string `json:"classes"`
	// Hyperparameters are the settings the model was trained with. Values
	// are strings, numbers, booleans or null.
	Hyperparameters map[string]any `json:"hyperparameters"`
	// Metrics are evaluation results (e.g. "test_accuracy", "cv_accuracy_mean").
	Metrics map[string]float64 `json:"metrics"`
	// Model holds the fitted parameters; exactly one field is set.
	Model Params `json:"model"`
	// SHA256 is the hex sha256 of the canonical content (see the package doc).
	SHA256 string `json:"sha256"`

	pred predictor
}

// Dataset identifies the training data.
type Dataset struct {
	// Name is the data set's name (e.g. "iris"); the API title and the
	// compatibility metric prefix come from it.
	Name string `json:"name"`
	// Label is the name of the label column.
	Label string `json:"label"`
	// MD5 is the md5 of the data file's bytes, as DVC records it.
	MD5 string `json:"md5"`
	// Rows is the number of rows used after validation and de-duplication.
	Rows int `json:"rows"`
	// TrainRows is the number of rows the model was fitted on.
	TrainRows int `json:"train_rows"`
}

// Feature is one input feature.
type Feature struct {
	// Name is the column name.
	Name string `json:"name"`
	// Valid is the declared valid range; inputs outside it are rejected.
	Valid Range `json:"valid"`
	// Impute is the value a missing input of this feature is replaced
	// with: the feature's median over the rows the model was fitted on,
	// recorded when it was trained with params.yaml's data.missing:
	// impute. Nil (and absent from the JSON, so bundles trained without
	// it keep their bytes) when it was trained with data.missing: error;
	// a missing input is then an error. Optional.
	Impute *float64 `json:"impute,omitempty"`
	// Stats describes the training values: the drift baseline.
	Stats Stats `json:"stats"`
}

// Range is a closed interval [Min, Max].
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Contains reports whether v lies in the closed interval.
func (r Range) Contains(v float64) bool { return v >= r.Min && v <= r.Max }

// Params holds the fitted parameters of one algorithm. Exactly one field is
// non-nil.
type Params struct {
	Linear  *Linear  `json:"linear,omitempty"`
	Tree    *Tree    `json:"tree,omitempty"`
	Boosted *Boosted `json:"boosted,omitempty"`
	Forest  *Forest  `json:"forest,omitempty"`
	SVM     *SVM     `json:"svm,omitempty"`
	// LinearSVM is the calibrated linear SVM of the liblinear solver.
	LinearSVM *LinearSVM `json:"linear_svm,omitempty"`
}

// predictor is the compiled form of Params.
type predictor interface {
	predictInto(dst, x []float64)
}

// Predictor computes class probabilities from fitted parameters.
type Predictor interface {
	// PredictInto writes one probability per class into dst for the
	// observation x. It does not allocate and is safe for concurrent use.
	// It panics if len(x) or len(dst) does not match the compiled shape.
	PredictInto(dst, x []float64)
	// PredictBatch writes the probabilities of each row X[i] into dst[i],
	// each equal to PredictInto's to the last bit, faster for many rows.
	// It does not allocate and is safe for concurrent use.
	PredictBatch(dst, X [][]float64)
}

// Compile validates p for the given numbers of features and classes and
// returns a predictor over it. Training uses it to evaluate fitted
// parameters before they become a bundle; p must not change afterwards.
func (p *Params) Compile(features, classes int) (Predictor, error) {
	if err := p.validate(features, classes); err != nil {
		return nil, err
	}
	return shaped{pred: p.predictor(), features: features, classes: classes}, nil
}

// shaped checks lengths before calling an unchecked predictor.
type shaped struct {
	pred              predictor
	features, classes int
}

func (s shaped) PredictInto(dst, x []float64) {
	if len(x) != s.features || len(dst) != s.classes {
		panic(fmt.Sprintf("model: PredictInto: got %d features and %d slots, want %d and %d", len(x), len(dst), s.features, s.classes))
	}
	s.pred.predictInto(dst, x)
}

// namePattern restricts model names to what is safe as a file stem, a URL
// path segment and a Prometheus label value. ValidName checks it by hand:
// compiling the regular expression at package init cost every model-api
// start about a millisecond.
const namePattern = `^[a-z][a-z0-9_]{0,62}$`

// ValidName reports whether name can be used as a model name: it matches
// namePattern.
func ValidName(name string) bool {
	if len(name) == 0 || len(name) > 63 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// NumFeatures returns the number of input features.
func (b *Bundle) NumFeatures() int { return len(b.Features) }

// NumClasses returns the number of classes.
func (b *Bundle) NumClasses() int { return len(b.Classes) }

// FeatureNames returns the feature names in input order.
func (b *Bundle) FeatureNames() []string {
	names := make([]string, len(b.Features))
	for i, f := range b.Features {
		names[i] = f.Name
	}
	return names
}

// PredictInto writes the class probabilities for one observation x (one value
// per feature, in Features order) into dst (one slot per class, in Classes
// order). It does not allocate and is safe for concurrent use. It panics if
// the lengths of dst or x are wrong or if the bundle was not loaded or sealed.
func (b *Bundle) PredictInto(dst, x []float64) {
	if len(x) != len(b.Features) {
		panic(fmt.Sprintf("model: PredictInto: %d features given, bundle %q has %d", len(x), b.Name, len(b.Features)))
	}
	if len(dst) != len(b.Classes) {
		panic(fmt.Sprintf("model: PredictInto: dst has %d slots, bundle %q has %d classes", len(dst), b.Name, len(b.Classes)))
	}
	if b.pred == nil {
		panic("model: PredictInto on a bundle that was neither loaded nor sealed")
	}
	b.pred.predictInto(dst, x)
}

// Predict returns the class probabilities for one observation. See
// [Bundle.PredictInto], which it wraps.
func (b *Bundle) Predict(x []float64) []float64 {
	dst := make([]float64, len(b.Classes))
	b.PredictInto(dst, x)
	return dst
}

// Imputes reports whether any feature has an impute value.
func (b *Bundle) Imputes() bool {
	for i := range b.Features {
		if b.Features[i].Impute != nil {
			return true
		}
	}
	return false
}

// FillMissing replaces each missing (NaN) value of x, one value per feature
// in Features order, with its feature's impute value, and returns how many
// it replaced. A missing value of a feature without one stops it with a
// *MissingValueError naming the first such feature; x is then partly
// filled. It does not allocate unless it fails, and panics if len(x) is
// not the number of features.
func (b *Bundle) FillMissing(x []float64) (int, error) {
	if len(x) != len(b.Features) {
		panic(fmt.Sprintf("model: FillMissing: %d features given, bundle %q has %d", len(x), b.Name, len(b.Features)))
	}
	n := 0
	for j, v := range x {
		if !math.IsNaN(v) {
			continue
		}
		f := &b.Features[j]
		if f.Impute == nil {
			return n, &MissingValueError{Feature: f.Name}
		}
		x[j] = *f.Impute
		n++
	}
	return n, nil
}

// ArgMax returns the index of the largest probability (the first on ties).
func ArgMax(p []float64) int {
	best := 0
	for i := 1; i < len(p); i++ {
		if p[i] > p[best] {
			best = i
		}
	}
	return best
}
