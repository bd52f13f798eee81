package hash

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// Name is the hash name DVC 3.x writes as "hash: md5".
const Name = "md5"

// DirSuffix ends the oid of a directory's manifest.
const DirSuffix = ".dir"

// Info is what DVC records about a file or directory.
type Info struct {
	// MD5 is the hex md5 of a file, or the manifest oid ("<hex>.dir") of a
	// directory.
	MD5 string
	// Size is the file size, or for a directory the sum of its files'.
	Size int64
	// NFiles is the number of files of a directory; 0 for a file.
	NFiles int
	// IsDir says MD5 is a manifest oid.
	IsDir bool
	// IsExec records a file's executable bit.
	IsExec bool
}

// Bytes returns the hex md5 of b.
func Bytes(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// Reader returns the hex md5 and length of everything r yields.
func Reader(r io.Reader) (string, int64, error) {
	h := md5.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// File hashes the file at path.
func File(path string) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	if !st.Mode().IsRegular() {
		return Info{}, fmt.Errorf("hash: %s is not a regular file", path)
	}
	sum, n, err := Reader(f)
	if err != nil {
		return Info{}, fmt.Errorf("hash: read %s: %w", path, err)
	}
	return Info{MD5: sum, Size: n, IsExec: st.Mode()&0o111 != 0}, nil
}

// IsDirOid reports whether oid names a directory manifest.
func IsDirOid(oid string) bool { return strings.HasSuffix(oid, DirSuffix) }

// ValidOid reports whether oid is 32 lower-case hex digits, optionally
// followed by ".dir".
func ValidOid(oid string) bool {
	oid = strings.TrimSuffix(oid, DirSuffix)
	if len(oid) != 32 {
		return false
	}
	for _, c := range oid {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
