// Package dataset loads a labelled numeric CSV file for classification and
// splits it into training and test sets.
//
// # Loading
//
// [Load] reads the file named by a [Spec]; [Parse] does the same work on an
// io.Reader and is pure. The file must have a header line. Only the columns
// named in [Spec.Features] and [Spec.Label] are read, in the order the Spec
// gives, wherever they are in the file; other columns are ignored. Values
// are trimmed of surrounding white space, features must parse as finite
// float64 values and labels must not be empty. Exact duplicate rows (same
// feature values and same label) are dropped, keeping the first occurrence,
// as pandas' DataFrame.drop_duplicates does. Class names are sorted
// lexicographically and the labels are encoded as indices into that order,
// as scikit-learn's LabelEncoder does. The md5 of the raw bytes is computed
// while reading, so it matches what DVC records for the file.
//
// # Missing values
//
// A blank feature cell (empty or only white space) is an error by default
// (params.yaml's data.missing: error), reported once the whole file is
// read with the count per column. With [Spec.BlankAsNaN] (data.missing:
// impute) it is read as NaN and counted in [Dataset.Missing]; imputing it
// is training's job. Only blank cells are missing values: "NA", "NaN",
// "null" and the like stay errors, as does a blank label. A feature blank
// in every row is an error either way.
//
// Every problem with the data is reported as an [*Error] naming the file,
// and where it applies the line (the header is line 1) and the column. The
// Err field wraps one of the sentinels in errors.go (or [csv.ErrFieldCount]
// for a row with the wrong number of fields), so callers can branch with
// errors.Is.
//
// # Prediction input
//
// [Reader] streams the rows of a CSV file one at a time in constant memory,
// filling a caller-owned slice with the feature values and handing back the
// whole original record, for batch prediction. It does not need a label
// column.
//
// # Splitting
//
// [StratifiedSplit] and [RepeatedStratifiedKFold] reproduce the allocation
// rules of scikit-learn's StratifiedShuffleSplit and
// RepeatedStratifiedKFold(shuffle=True). The random draws come from
// math/rand/v2's PCG seeded with the given seed, so results are
// deterministic for a seed but are not the same permutations numpy would
// draw.
package dataset
