package procrun

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLookProgram(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "prometheus")
	if err := os.WriteFile(exists, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		value   string
		wantErr string // "" for success
	}{
		{name: "set", value: exists},
		{name: "unset", value: "", wantErr: "PROCRUN_TEST_BIN is not set"},
		{name: "missing", value: filepath.Join(dir, "nope"), wantErr: "PROCRUN_TEST_BIN=" + filepath.Join(dir, "nope") + ": "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PROCRUN_TEST_BIN", c.value)
			got, err := lookProgram("PROCRUN_TEST_BIN")
			switch {
			case c.wantErr == "" && (err != nil || got != c.value):
				t.Errorf("lookProgram = %q, %v; want %q", got, err, c.value)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("lookProgram error = %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

func TestFreeAddr(t *testing.T) {
	addr := FreeAddr(t)
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("FreeAddr = %q, want 127.0.0.1 and a chosen port", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on FreeAddr's %s: %v", addr, err)
	}
	ln.Close()
}
