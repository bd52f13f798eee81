package generate

import (
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/model"
)

// ValidFeatureName reports whether name can be a feature: an identifier of
// ASCII letters, digits and underscores not starting with a digit. Clients
// send it as a JSON key (and Python clients as a keyword argument) and a
// KServe tensor name, and model-api puts it in the feature label of its
// drift metrics, so spaces, dots and brackets are kept out.
func ValidFeatureName(name string) bool {
	if name == "" || isDigit(name[0]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isLetter(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// SuggestFeatureName returns a valid feature name close to name: every run
// of other characters becomes one underscore ("sepal length (cm)" becomes
// "sepal_length_cm"), and a leading digit gets an "f_" prefix.
func SuggestFeatureName(name string) string {
	s := underscored(name, false)
	switch {
	case s == "":
		return "feature"
	case isDigit(s[0]):
		return "f_" + s
	}
	return s
}

// ValidName reports whether name can be the data set's name: lowercase
// letters, digits and underscores, starting with a letter, at most 63
// bytes (model.ValidName). It prefixes the original service's metric names
// and titles the API.
func ValidName(name string) bool { return model.ValidName(name) }

// NameFromPath derives the data set's name from the data file's name:
// "data/Wine-Quality.csv" gives "wine_quality". It returns "" when nothing
// usable is left, and the caller asks for --name.
func NameFromPath(path string) string {
	base := filepath.Base(filepath.FromSlash(path))
	base = strings.TrimSuffix(base, filepath.Ext(base))
	s := underscored(base, true)
	if s != "" && isDigit(s[0]) {
		s = "data_" + s
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "_")
	}
	if !ValidName(s) {
		return ""
	}
	return s
}

// underscored keeps ASCII letters and digits (lowercased when lower) and
// turns every run of anything else into one underscore, trimming them at
// both ends.
func underscored(s string, lower bool) string {
	var b strings.Builder
	pending := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !isDigit(c) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte('_')
			pending = false
		}
		if lower && c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
