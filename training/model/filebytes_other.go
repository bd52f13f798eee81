//go:build !unix

package model

import "os"

// withFileBytes calls use with the contents of the file at path, at most
// limit bytes of it.
func withFileBytes(path string, limit int64, use func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := readAll(f, limit)
	if err != nil {
		return err
	}
	return use(data)
}
