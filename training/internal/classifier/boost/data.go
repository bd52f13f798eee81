package boost

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

// matrix is a data set in float32, the precision XGBoost keeps feature
// values in, row-major.
type matrix struct {
	rows, features int
	values         []float32 // values[i*features+j]
}

func (m *matrix) row(i int) []float32 { return m.values[i*m.features : (i+1)*m.features] }

// newMatrix converts X to float32. It fails with ErrRange on a value that
// float32 cannot hold; X is known to be finite but for NaN, a missing
// value, which stays NaN.
func newMatrix(X [][]float64) (*matrix, error) {
	m := &matrix{rows: len(X), features: len(X[0]), values: make([]float32, 0, len(X)*len(X[0]))}
	for i, row := range X {
		for j, v := range row {
			if math.Abs(v) > math.MaxFloat32 {
				return nil, fmt.Errorf("%w: row %d, feature %d is %v", ErrRange, i, j, v)
			}
			m.values = append(m.values, float32(v))
		}
	}
	return m, nil
}

// checkInput checks X, y and classes as classifier.CheckInput does, but
// for NaN in X when allowMissing: a row holding one is checked with its NaN
// replaced by 0, so every other fault is reported as for any classifier.
func checkInput(X [][]float64, y []int, classes int, allowMissing bool) error {
	if !allowMissing {
		return classifier.CheckInput(X, y, classes)
	}
	checked := X
	for i, row := range X {
		if !slices.ContainsFunc(row, math.IsNaN) {
			continue
		}
		if &checked[0] == &X[0] {
			checked = slices.Clone(X) // the rows are shared until replaced
		}
		r := slices.Clone(row)
		for j, v := range r {
			if math.IsNaN(v) {
				r[j] = 0
			}
		}
		checked[i] = r
	}
	return classifier.CheckInput(checked, y, classes)
}

// entry is one row's value in a sorted column.
type entry struct {
	value float32
	row   int32
}

// sortColumns returns every feature's values sorted in ascending order, each
// with its row: XGBoost's sorted column page, built once per fit so that no
// node sorts again. Equal values keep row order; missing values (NaN) are
// left out, as a sparse column leaves them out.
func sortColumns(m *matrix) [][]entry {
	all := make([]entry, 0, m.rows*m.features)
	cols := make([][]entry, m.features)
	for j := range cols {
		start := len(all)
		for i := range m.rows {
			if v := m.values[i*m.features+j]; v == v {
				all = append(all, entry{value: v, row: int32(i)})
			}
		}
		col := all[start:len(all):len(all)]
		slices.SortFunc(col, func(a, b entry) int {
			if c := cmp.Compare(a.value, b.value); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row)
		})
		cols[j] = col
	}
	return cols
}
