package forest

import "errors"

// ErrConfig is returned by New for an invalid Config, and by Fit when
// Config.MaxFeatures asks for more features than the data have; the message
// names the field.
var ErrConfig = errors.New("forest: invalid config")
