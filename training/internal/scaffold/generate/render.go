package generate

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/internal/params"
)

type renderInput struct {
	name, path, label string
	missing           string // data.missing
	classes           []string
	features          []column
	rows, fitRows     int
	smallest          string
	smallestRows      int
	size              sizing
}

// render writes params.yaml with comments that explain every generated
// value. The models section lists every registered algorithm with every
// key its package records, at the package's defaults (the repository's
// params.yaml has the same) except where the size of the data calls for
// others.
func render(in renderInput) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(`# Parameters of the training pipeline for %s, written by mlops init
# (read by mlops train and tracked by dvc.yaml). Unknown keys are errors.
# Hyper-parameter defaults equal scikit-learn 1.2's and XGBoost 1.7's.

data:
  name: %s
  path: %s
`, commentSafe(in.path), scalar(in.name), scalar(in.path))
	w("  # %d classes, read as text: %s.\n", len(in.classes), classList(in.classes, 20))
	w("  label: %s\n", scalar(in.label))
	if in.missing == params.MissingImpute {
		w(`  # Blank feature cells are filled with the column's median over the rows
  # each fit trains on (impute); the bundle records the training split's
  # medians so mlops predict and model-api fill missing inputs the same way.
  # A blank label is still an error. error stops training on blank cells.
  missing: impute
`)
	} else {
		w(`  # Blank feature cells stop training with the column and count (error);
  # impute fills them with the column's training median instead, and the
  # bundle records it so serving fills missing inputs the same way.
  missing: error
`)
	}
	w(`  # Model input order, with the valid range serving enforces: the observed
  # range widened by %v%% of it on each side, not below 0 for a column with
  # no negative value, rounded outwards. Serving rejects values outside it.
  features:
`, Margin*100)
	for _, f := range in.features {
		note := fmt.Sprintf("observed %s to %s", num(f.Min), num(f.Max))
		if f.r.Clamped {
			note += "; not below 0: no negative value seen"
		}
		w("    - {name: %s, min: %s, max: %s}  # %s\n", scalar(f.Name), num(f.r.Min), num(f.r.Max), note)
	}
	w(`
split:
  test_size: %v

`, TestSize)
	s := in.size
	w("# %d rows: %s data (%s), so %d-fold cross-validation repeated %d times",
		in.rows, s.tier, tierRule(s.tier), s.folds, s.repeats)
	if s.folds < s.tierFolds {
		w(";\n# fewer than %d folds because the smallest class, %s, has %d rows", s.tierFolds, commentSafe(strconv.Quote(in.smallest)), in.smallestRows)
	}
	w(`.
cv:
  folds: %d
  repeats: %d

seed: 42

`, s.folds, s.repeats)

	leaves := min(LeafBudget, in.fitRows/s.minSamplesLeaf)
	perTree := treeBytes(leaves, len(in.classes))
	w(`# Trees: min_samples_leaf = ceil(rows fitted / %d) = ceil(%d / %d) = %d keeps
# at most %d leaves a tree. In the bundle a tree of L leaves takes about
# (2L-1) x 100 bytes plus L x 35 bytes per class: here up to %s a tree,
# %s for the forest's 100 trees.
`, LeafBudget, in.fitRows, LeafBudget, s.minSamplesLeaf, leaves, size(perTree), size(100*perTree))
	w("models:\n")
	for _, name := range algorithm.Names() {
		for _, line := range modelComments(name, s) {
			w("  # %s\n", line)
		}
		w("  %s:\n", name)
		b.Write(modelSection(name, s))
	}
	return b.Bytes()
}

func tierRule(tier string) string {
	switch tier {
	case "large":
		return fmt.Sprintf("%d rows or more", LargeRows)
	case "medium":
		return fmt.Sprintf("%d to %d rows", MediumRows, LargeRows-1)
	}
	return fmt.Sprintf("fewer than %d rows", MediumRows)
}

// scalar renders s as a YAML scalar, quoted when plain style would read
// as something else (true, null, 1.5, a leading "-").
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// num renders a float the way a person writes it, and as YAML reads it
// back exactly.
func num(v float64) string {
	if a := math.Abs(v); a == 0 || a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}

// commentSafe keeps s on one comment line.
func commentSafe(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}

// classList quotes up to n class names for a comment.
func classList(classes []string, n int) string {
	q := make([]string, len(classes))
	for i, c := range classes {
		q[i] = strconv.Quote(c)
	}
	return commentSafe(clip(q, n))
}

// size renders a byte count in KB or MB.
func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

// modelOverrides returns the settings of model name that differ from its
// defaults for data of this size.
func modelOverrides(name string, s sizing) map[string]any {
	switch name {
	case algorithm.LogisticRegression, algorithm.SVM:
		// Scaled features let L-BFGS and the SVM's solvers converge on
		// data whose columns differ in scale, which a user's data usually
		// do; the fitted mean and scale travel in the bundle. (The SVM's
		// auto solver is liblinear with standardize.)
		return map[string]any{"standardize": true}
	case algorithm.DecisionTree, algorithm.RandomForest:
		return map[string]any{"min_samples_leaf": s.minSamplesLeaf}
	}
	return nil
}

// modelComments returns the comment lines above model name's section.
func modelComments(name string, s sizing) []string {
	switch name {
	case algorithm.LogisticRegression:
		return []string{"standardize: inputs scaled to zero mean and unit variance (stored in the", "bundle), so L-BFGS converges within max_iter whatever the columns' scales."}
	case algorithm.DecisionTree:
		return []string{"tree_method auto: scikit-learn's exact splitter below", fmt.Sprintf("%d training rows, histograms (max_bin bins a feature) from there.", tree.AutoHistRows)}
	case algorithm.RandomForest:
		return []string{"max_features: sqrt, log2, an integer count, a float fraction in (0, 1], or null (all).", "tree_method as for decision_tree; the forest bins the data once for all its trees."}
	case algorithm.SVM:
		return []string{"Linear kernel, as the original project chose. With standardize, the auto", "solver is liblinear (LinearSVC, calibrated on 3 folds), solved in the primal", "(dual: auto) when the rows outnumber the features, fast at any size;", "solver: libsvm with standardize: false gives SVC with libsvm's Platt", "probabilities, whose time grows about with the square of the rows."}
	case algorithm.XGBoost:
		return []string{"Gradient-boosted trees, XGBoost 1.7's multi:softprob. tree_method auto: exact", fmt.Sprintf("below %d training rows, histograms (max_bin bins a feature) from there.", boost.AutoHistRows), "max_depth 6 bounds every tree at 64 leaves."}
	}
	return nil
}

// modelSection renders model name's settings, indented under its key: the
// registry configures the overrides over the defaults, so every key the
// algorithm records is written, and a new parameter appears here with no
// change to this file.
func modelSection(name string, s sizing) []byte {
	a, ok := algorithm.Lookup(name)
	if !ok {
		panic("generate: unregistered model " + name)
	}
	var section *yaml.Node
	if o := modelOverrides(name, s); o != nil {
		var n yaml.Node
		if err := n.Encode(o); err != nil {
			panic(fmt.Sprintf("generate: encode %s overrides: %v", name, err))
		}
		section = &n
	}
	spec, err := a.Configure(section)
	if err != nil {
		// The overrides are this package's own values: a failure is a bug.
		panic(fmt.Sprintf("generate: configure %s: %v", name, err))
	}
	out, err := yaml.Marshal(spec.Hyperparameters)
	if err != nil {
		panic(fmt.Sprintf("generate: encode %s: %v", name, err))
	}
	var b bytes.Buffer
	for line := range strings.Lines(string(out)) {
		b.WriteString("    " + line)
	}
	return b.Bytes()
}
