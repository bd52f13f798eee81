package xgbjson

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mlopsgo/mlops/training/model"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// version is the XGBoost version the documents declare.
var version = [3]int{1, 7, 4}

// rootParent is how XGBoost writes the root's parent: -1 with the top bit
// cleared.
const rootParent = math.MaxInt32

// Marshal returns b's model as an XGBoost 1.7 JSON model document, with a
// trailing newline. It returns an error wrapping ErrNotBoosted when b does
// not hold a model.Boosted, or one wrapping model.ErrInvalid when the
// model does not fit the bundle's features and classes.
func Marshal(b *model.Bundle) ([]byte, error) {
	doc, err := convert(b)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("xgbjson: encode %q: %w", b.Name, err)
	}
	return append(data, '\n'), nil
}

// Write writes b's model as an XGBoost JSON model document to w. See
// Marshal.
func Write(w io.Writer, b *model.Bundle) error {
	data, err := Marshal(b)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// WriteFile writes b's model as an XGBoost JSON model document to path
// atomically: a failure leaves any previous file intact. XGBoost's
// load_model recognizes the document by its content, but save_model writes
// JSON only to paths ending in ".json", so that is the usual name.
func WriteFile(path string, b *model.Bundle) error {
	data, err := Marshal(b)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("xgbjson: write %s: %w", path, err)
	}
	return nil
}

func convert(b *model.Bundle) (*document, error) {
	m := b.Model.Boosted
	if m == nil {
		return nil, fmt.Errorf("%w: bundle %q holds a %s model", ErrNotBoosted, b.Name, b.Algorithm)
	}
	features, classes := b.NumFeatures(), b.NumClasses()
	// A loaded or sealed bundle passed this already; a hand-filled one may
	// not have, and the conversion indexes by the model's numbers.
	if _, err := b.Model.Compile(features, classes); err != nil {
		return nil, fmt.Errorf("xgbjson: bundle %q: %w: %w", b.Name, model.ErrInvalid, err)
	}
	types := make([]string, features)
	for i := range types {
		types[i] = "float"
	}
	numClass := strconv.Itoa(classes)
	doc := &document{
		Version: version,
		Learner: learner{
			Attributes:   map[string]string{},
			FeatureNames: b.FeatureNames(),
			FeatureTypes: types,
			GradientBooster: gradientBooster{
				Name: "gbtree",
				Model: gbtreeModel{
					Param: gbtreeModelParam{
						NumParallelTree: "1",
						NumTrees:        strconv.Itoa(m.NumTrees()),
						SizeLeafVector:  "0",
					},
					TreeInfo: m.TreeClass,
					Trees:    make([]tree, m.NumTrees()),
				},
			},
			ModelParam: learnerModelParam{
				BaseScore:        toChars(float32(m.BaseScore)),
				BoostFromAverage: "1",
				NumClass:         numClass,
				NumFeature:       strconv.Itoa(features),
				NumTarget:        "1",
			},
			Objective: objective{
				Name:    "multi:softprob",
				Softmax: softmaxParam{NumClass: numClass},
			},
		},
	}
	for t := range doc.Learner.GradientBooster.Model.Trees {
		doc.Learner.GradientBooster.Model.Trees[t] = convertTree(m, t, features)
	}
	return doc, nil
}

// convertTree returns tree t of m. XGBoost numbers a tree's nodes as m
// does, from its root, so the node arrays are m's slices for the tree.
func convertTree(m *model.Boosted, t, features int) tree {
	start, end := m.TreeNodes(t)
	n := end - start
	out := tree{
		ID:                 t,
		BaseWeights:        m.Weight[start:end],
		LossChanges:        m.Gain[start:end],
		SumHessian:         m.Cover[start:end],
		LeftChildren:       m.Left[start:end],
		RightChildren:      m.Right[start:end],
		Parents:            make([]int32, n),
		SplitIndices:       make([]int32, n),
		SplitConditions:    make(floats, n),
		DefaultLeft:        make([]int, n),
		SplitType:          make([]int, n),
		Categories:         []int{},
		CategoriesNodes:    []int{},
		CategoriesSegments: []int{},
		CategoriesSizes:    []int{},
		Param: treeParam{
			NumDeleted:     "0",
			NumFeature:     strconv.Itoa(features),
			NumNodes:       strconv.Itoa(n),
			SizeLeafVector: "0",
		},
	}
	out.Parents[0] = rootParent
	for j := range n {
		i := start + j
		if f := m.Feature[i]; f >= 0 {
			out.SplitIndices[j] = f
			out.SplitConditions[j] = m.Threshold[i]
			if m.DefaultLeft == nil || m.DefaultLeft[i] {
				out.DefaultLeft[j] = 1
			}
			out.Parents[m.Left[i]] = int32(j)
			out.Parents[m.Right[i]] = int32(j)
		} else {
			// XGBoost keeps a leaf's value where a split keeps its
			// threshold.
			out.SplitConditions[j] = m.Value[i]
		}
	}
	return out
}

// toChars formats v as XGBoost's to_chars does: the shortest digits that
// read back as v, in scientific notation with an unpadded exponent ("5E-1",
// "1.234567E5", "-1E0").
func toChars(v float32) string {
	s := strconv.FormatFloat(float64(v), 'E', -1, 32)
	mant, exp, _ := strings.Cut(s, "E")
	e, err := strconv.Atoi(exp)
	if err != nil {
		return s // not reached: FormatFloat writes an integer exponent
	}
	return mant + "E" + strconv.Itoa(e)
}
