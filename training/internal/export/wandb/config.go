package wandb

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Name is the tracker's name in --tracker and in a run's sync state.
const Name = "wandb"

// DefaultBaseURL is W&B's hosted API (core/internal/api/api.go).
const DefaultBaseURL = "https://api.wandb.ai"

// Config says which W&B server and project to write to, read from the
// variables the W&B SDK reads.
type Config struct {
	// APIKey authenticates (WANDB_API_KEY). Required.
	APIKey string
	// BaseURL is the API server (WANDB_BASE_URL). Optional. Default:
	// DefaultBaseURL.
	BaseURL string
	// Entity is the user or team (WANDB_ENTITY). Optional. Default: the
	// API key's default entity, as the server reports it.
	Entity string
	// Project receives the runs (WANDB_PROJECT). Optional. Default: the
	// data set's name, or "mlops".
	Project string
}

// ErrNotConfigured is returned when WANDB_API_KEY is not set.
var ErrNotConfigured = errors.New("wandb: WANDB_API_KEY is not set")

// ConfigFromEnv reads WANDB_API_KEY, WANDB_BASE_URL, WANDB_ENTITY and
// WANDB_PROJECT.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		APIKey:  getenv("WANDB_API_KEY"),
		BaseURL: strings.TrimRight(getenv("WANDB_BASE_URL"), "/"),
		Entity:  getenv("WANDB_ENTITY"),
		Project: getenv("WANDB_PROJECT"),
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.APIKey == "" {
		return c, ErrNotConfigured
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("wandb: WANDB_BASE_URL %q must be an http(s) address", c.BaseURL)
	}
	return c, nil
}
