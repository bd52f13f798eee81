package model

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		size    int
		limit   int64
		wantErr string
	}{
		{"empty", 0, 10, ""},
		{"under the limit", 9, 10, ""},
		{"at the limit", 10, 10, ""},
		{"over the limit", 11, 10, "larger than 10 bytes"},
		{"larger than a read", 3*bytes.MinRead + 7, 1 << 20, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := bytes.Repeat([]byte("x"), tt.size)
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readLimited(path, tt.limit)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes, err %v; want %d bytes", len(got), err, len(want))
			}
		})
	}
}
