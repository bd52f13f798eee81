package procrun

import (
	"fmt"
	"os"
	"testing"
)

// RequireE2E skips the test unless MLOPS_E2E=1, and always under -short:
// end-to-end checks need programs from Debian and elsewhere, which
// makeTarget (say "make e2e-app") installs and names in the environment.
func RequireE2E(t testing.TB, makeTarget string) {
	t.Helper()
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skipf("end-to-end check: run with MLOPS_E2E=1 (%s)", makeTarget)
	}
}

// Program returns the path the environment variable name holds, failing
// the test when it is unset or names no file; hint says how to get the
// program (say "make e2e-app builds it").
func Program(t testing.TB, name, hint string) string {
	t.Helper()
	p, err := lookProgram(name)
	if err != nil {
		t.Fatalf("%v; %s", err, hint)
	}
	return p
}

// lookProgram is Program without the test.
func lookProgram(name string) (string, error) {
	p := os.Getenv(name)
	if p == "" {
		return "", fmt.Errorf("procrun: %s is not set", name)
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("procrun: %s=%s: %w", name, p, err)
	}
	return p, nil
}
