package registry

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoModels is returned when no model set has been loaded yet.
	ErrNoModels = errors.New("registry: no models are loaded")
	// ErrModelNotFound is returned (inside a *NotFoundError) for a model
	// name the current set does not hold.
	ErrModelNotFound = errors.New("registry: model not found")
)

// NotFoundError names the missing model and the ones available.
type NotFoundError struct {
	Name      string
	Available []string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("registry: model %q not found; available: %s", e.Name, strings.Join(e.Available, ", "))
}

// Unwrap makes errors.Is(err, ErrModelNotFound) true.
func (e *NotFoundError) Unwrap() error { return ErrModelNotFound }
