package model

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzValidName checks the hand-written ValidName against the regular
// expression it replaces; the seeds are the table of edge cases.
func FuzzValidName(f *testing.F) {
	pattern := regexp.MustCompile(namePattern)
	for _, name := range []string{
		"", "a", "z", "svm", "random_forest", "model_2", "a_", "a__b",
		"A", "Svm", "_a", "2a", "a-b", "a.b", "a b", "a\n", "é", "aé",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "a" + strings.Repeat("9", 62),
	} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := ValidName(name), pattern.MatchString(name); got != want {
			t.Errorf("ValidName(%q) = %v, the pattern %s says %v", name, got, namePattern, want)
		}
	})
}
