// Package pythontest is what the e2e tests that compare with Python
// libraries (scikit-learn, XGBoost, Optuna) share: whether the e2e tier
// asked for them, and which interpreter to run.
package pythontest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// DefaultPython is Debian's interpreter, the only one that sees Debian's
// python3-sklearn, python3-xgboost and python3-optuna.
const DefaultPython = "/usr/bin/python3"

// Require skips the test unless the e2e tier asked for it (MLOPS_E2E=1,
// as make e2e sets; purpose says what the test would compare with) and
// returns the interpreter (MLOPS_PYTHON, default DefaultPython). It fails
// the test when that interpreter cannot import every one of modules: the
// e2e tier asked for the comparison, so a missing library must fail it,
// not pass it unseen.
func Require(tb testing.TB, purpose string, modules ...string) string {
	tb.Helper()
	if os.Getenv("MLOPS_E2E") != "1" {
		tb.Skipf("e2e: set MLOPS_E2E=1 (make e2e) to %s", purpose)
	}
	python := os.Getenv("MLOPS_PYTHON")
	if python == "" {
		python = DefaultPython
	}
	if len(modules) > 0 {
		list := strings.Join(modules, ", ")
		if out, err := exec.Command(python, "-c", "import "+list).CombinedOutput(); err != nil {
			tb.Fatalf("e2e: %s cannot import %s (make e2e-deps installs Debian's python3 packages for them, or set MLOPS_PYTHON): %v\n%s",
				python, list, err, out)
		}
	}
	return python
}
