package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// MaxBundleSize bounds how much Load reads, so a wrong path (a data dump, a
// device) fails fast instead of exhausting memory.
const MaxBundleSize = 512 << 20

// Seal validates b, computes its checksum and builds its predictor. Call it
// once after filling a Bundle by hand (as training does); Parse and Load do it
// for decoded bundles. It sets Format when empty.
func (b *Bundle) Seal() error {
	if b.Format == "" {
		b.Format = FormatVersion
	}
	if err := b.validate(); err != nil {
		return err
	}
	sum, err := b.checksum()
	if err != nil {
		return err
	}
	b.SHA256 = sum
	return b.compile()
}

// Marshal returns the bundle as indented JSON with a trailing newline: the
// bytes written to disk. The bundle must be sealed.
func (b *Bundle) Marshal() ([]byte, error) {
	if b.SHA256 == "" {
		return nil, fmt.Errorf("%w: marshal %q: bundle is not sealed", ErrInvalid, b.Name)
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%w: encode %q: %w", ErrInvalid, b.Name, err)
	}
	return append(data, '\n'), nil
}

// Save writes the sealed bundle to path atomically: a crash or a full disk
// leaves any previous file intact.
func (b *Bundle) Save(path string) error {
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("save bundle %s: %w", path, err)
	}
	return nil
}

// Parse decodes, verifies and compiles a bundle from its bytes.
func Parse(data []byte) (*Bundle, error) {
	b, err := decode(data)
	if err != nil {
		return nil, err
	}
	if err := b.validate(); err != nil {
		return nil, err
	}
	if err := b.verify(data); err != nil {
		return nil, err
	}
	if err := b.compile(); err != nil {
		return nil, err
	}
	return &b, nil
}

// checkFormat reports a document that is not JSON, not a bundle, or a
// bundle of another format version.
func checkFormat(data []byte) error {
	var probe struct {
		Format *string `json:"format"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, describeJSONError(data, err))
	}
	switch {
	case probe.Format == nil:
		return fmt.Errorf("%w: no \"format\" field", ErrNotBundle)
	case !strings.HasPrefix(*probe.Format, formatPrefix):
		return fmt.Errorf("%w: format %q", ErrNotBundle, *probe.Format)
	case *probe.Format != FormatVersion:
		return fmt.Errorf("%w: %q (this build reads %q)", ErrFormatVersion, *probe.Format, FormatVersion)
	}
	return nil
}

// Load reads and parses the bundle at path.
func Load(path string) (*Bundle, error) {
	var b *Bundle
	err := withFileBytes(path, MaxBundleSize, func(data []byte) error {
		var err error
		b, err = Parse(data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", path, err)
	}
	return b, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, limit)
}

// readAll reads f to its end, failing if it holds more than limit bytes.
func readAll(f *os.File, limit int64) ([]byte, error) {
	// Size the buffer from the file's size when it is known, as
	// os.ReadFile does: growing it from nothing allocates and copies about
	// twice the file.
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = min(fi.Size(), limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is larger than %d bytes", limit)
	}
	return data, nil
}

// describeJSONError adds the line and column to encoding/json's offsets so a
// person can find the damage, and names truncation plainly.
func describeJSONError(data []byte, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("truncated document (%d bytes): %w", len(data), err)
	}
	var offset int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		if syn.Error() == "unexpected end of JSON input" {
			return fmt.Errorf("truncated document (%d bytes)", len(data))
		}
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	}
	if offset < 0 || offset > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:offset], []byte("\n"))
	col := offset - int64(bytes.LastIndexByte(data[:offset], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
