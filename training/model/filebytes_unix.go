//go:build unix

package model

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
)

// withFileBytes calls use with the contents of the regular file at path,
// mapped read-only rather than read: a bundle is parsed once and dropped,
// and mapping the page cache spares a server's start-up a copy of every
// file into fresh memory (on a paravirtualised VM each page of fresh memory
// costs a page fault of about 13 µs, a third of a large bundle's load). The
// bytes are valid only during use; Parse keeps no reference to them.
// Anything but a non-empty regular file is read as before.
func withFileBytes(path string, limit int64, use func([]byte) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Size() == 0 {
		data, err := readAll(f, limit)
		if err != nil {
			return err
		}
		return use(data)
	}
	if fi.Size() > limit {
		return fmt.Errorf("file is larger than %d bytes", limit)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("map %d bytes: %w", fi.Size(), err)
	}
	defer func() {
		if uerr := syscall.Munmap(data); uerr != nil && err == nil {
			err = fmt.Errorf("unmap: %w", uerr)
		}
	}()
	// A file truncated while mapped (cp over it, rather than the rename
	// every writer here does) faults on the lost pages: make that an error
	// instead of a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			err = errors.New("file shrank while being read; write bundles to a temporary file and rename it into place")
		}
	}()
	return use(data)
}
