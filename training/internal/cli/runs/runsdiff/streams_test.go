package runsdiff_test

import (
	"io"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
)

func streamsTo(w io.Writer) streams.Streams { return streams.Streams{Out: w, ErrOut: io.Discard} }
