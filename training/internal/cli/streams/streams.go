// Package streams holds the standard streams every mlops command writes to:
// results on Out, logs and progress on ErrOut, so `mlops ... | jq` works.
package streams

import "io"

// Streams are a command's standard input, output and error.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}
