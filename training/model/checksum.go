package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
)

// checksum returns the hex sha256 of the canonical content.
func (b *Bundle) checksum() (string, error) {
	c := *b
	c.SHA256 = ""
	c.pred = nil
	data, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("%w: encode %q: %w", ErrInvalid, b.Name, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// verify checks the recorded checksum of b, decoded from data. It first
// hashes data itself with its whitespace removed, which is the canonical
// content when the file is the indented output of [Bundle.Marshal]: that
// costs one pass over the bytes instead of re-encoding the bundle. Only when
// that does not match (a reformatted, reordered or edited file) does it
// re-encode the decoded bundle, so what is accepted or rejected, and with
// which error, is what re-encoding alone decides.
func (b *Bundle) verify(data []byte) error {
	if b.rawChecksumMatches(data) {
		return nil
	}
	sum, err := b.checksum()
	if err != nil {
		return err
	}
	if sum != b.SHA256 {
		return fmt.Errorf("%w: recorded %q, content hashes to %q", ErrChecksum, b.SHA256, sum)
	}
	return nil
}

// sha256Tail is how the canonical content ends: the "sha256" field, last in
// Bundle, with its value empty.
const sha256Tail = `"sha256":""}`

// rawChecksumMatches reports whether data, a JSON document that decoded into
// b, hashes to the recorded checksum once its whitespace is removed and its
// top-level "sha256" value emptied.
//
// A match means the compacted data are the bytes the checksum was computed
// over when the bundle was sealed, so they are json.Marshal's encoding of a
// bundle, and decoding them gave b back. That holds except where decoding
// loses information json.Marshal wrote, and there re-encoding b would not
// give the recorded checksum: those bundles go the slow way and are
// rejected as before. They are a hyper-parameter that was an integer beyond
// float64's exact range, and a string with invalid UTF-8, which json.Marshal
// writes as \ufffd.
func (b *Bundle) rawChecksumMatches(data []byte) bool {
	if len(b.SHA256) != 2*sha256.Size || bytes.Contains(data, []byte(`\ufffd`)) {
		return false
	}
	for _, v := range b.Hyperparameters {
		if f, ok := v.(float64); ok && math.Abs(f) >= 1<<53 {
			return false
		}
	}
	// The canonical content ends with the "sha256" field; anything else (an
	// escaped or misplaced value) is left to the slow path. It is hashed as
	// it is compacted, through a small buffer rather than a copy of the
	// file: at start-up, fresh memory costs more than the hashing.
	recorded := `"sha256":"` + b.SHA256 + `"}`
	h := sha256.New()
	canon := compactJSON(make([]byte, 0, max(min(len(data), 16<<10), 256)), data, func(buf []byte) []byte {
		n := len(buf) - len(recorded)
		if n <= 0 {
			return buf
		}
		h.Write(buf[:n])
		return append(buf[:0], buf[n:]...)
	})
	if !bytes.HasSuffix(canon, []byte(recorded)) {
		return false
	}
	h.Write(canon[:len(canon)-len(recorded)])
	h.Write([]byte(sha256Tail))
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], h.Sum(nil))
	return string(hexSum[:]) == b.SHA256
}

// compactJSON appends data without the whitespace between its tokens to dst
// and returns the extended slice. For valid JSON the result equals
// json.Compact's; for anything else it is unspecified. When spill is not
// nil, compactJSON passes dst to it whenever dst is at least half full and
// carries on appending to the slice spill returns: spill consumes a prefix
// of dst and returns the rest.
func compactJSON(dst, data []byte, spill func(dst []byte) []byte) []byte {
	// Copy whole runs of tokens and skip whole runs of whitespace: indented
	// JSON is short runs of each, and a copy per byte costs three times as
	// much.
	start := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case isSpace(c):
			dst = append(dst, data[start:i]...)
			if spill != nil && len(dst) >= cap(dst)/2 {
				dst = spill(dst)
			}
			for i+1 < len(data) && isSpace(data[i+1]) {
				i++
			}
			start = i + 1
		case c == '"':
			// Skip the string: it ends at the next quote not escaped.
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		}
	}
	return append(dst, data[start:]...)
}

// isSpace reports whether c is JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
