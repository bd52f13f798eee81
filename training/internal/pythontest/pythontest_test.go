package pythontest

import (
	"os/exec"
	"testing"
)

func TestRequireSkipsOutsideE2E(t *testing.T) {
	t.Setenv("MLOPS_E2E", "")
	ran := false
	t.Run("inner", func(t *testing.T) {
		Require(t, "compare", "sys")
		ran = true
	})
	if ran {
		t.Error("Require did not skip without MLOPS_E2E=1")
	}
}

func TestRequireReturnsThePython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	t.Setenv("MLOPS_E2E", "1")
	t.Setenv("MLOPS_PYTHON", python)
	if got := Require(t, "compare", "sys", "json"); got != python {
		t.Errorf("Require = %q, want MLOPS_PYTHON %q", got, python)
	}
}
