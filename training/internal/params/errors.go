package params

import "errors"

// ErrInvalid is returned when params.yaml parses but a value is out of range
// or inconsistent; the message names the key.
var ErrInvalid = errors.New("params: invalid value")
