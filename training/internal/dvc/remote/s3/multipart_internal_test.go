package s3

import "testing"

// S3 takes at most 10,000 parts; a larger object gets larger parts.
func TestPartSizeFor(t *testing.T) {
	tests := []struct {
		name           string
		partSize, size int64
		want           int64
	}{
		{"small object", DefaultPartSize, 1, DefaultPartSize},
		{"exactly 10,000 parts", DefaultPartSize, maxParts * DefaultPartSize, DefaultPartSize},
		{"one byte over 10,000 parts", DefaultPartSize, maxParts*DefaultPartSize + 1, DefaultPartSize + 1},
		{"tiny parts raised", 1, 3 * maxParts, 3},
	}
	for _, tt := range tests {
		r := &Remote{partSize: tt.partSize}
		if got := r.partSizeFor(tt.size); got != tt.want {
			t.Errorf("%s: partSizeFor(%d) = %d, want %d", tt.name, tt.size, got, tt.want)
		}
		if parts := (tt.size + r.partSizeFor(tt.size) - 1) / r.partSizeFor(tt.size); parts > maxParts {
			t.Errorf("%s: %d parts, over the limit", tt.name, parts)
		}
	}
}
