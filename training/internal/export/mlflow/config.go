package mlflow

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Name is the tracker's name in --tracker and in a run's sync state.
const Name = "mlflow"

// Config says which MLflow server to talk to and how.
type Config struct {
	// TrackingURI is the server's base address (http or https), as
	// MLFLOW_TRACKING_URI gives it. Required.
	TrackingURI string
	// Token is sent as "Authorization: Bearer <token>"
	// (MLFLOW_TRACKING_TOKEN). Optional.
	Token string
	// Username and Password are sent as HTTP Basic authentication when no
	// Token is set (MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD), as
	// MLflow's Python client does (mlflow/utils/rest_utils.py,
	// MlflowHostCreds). Optional.
	Username, Password string
	// Experiment is the experiment the runs go to, created if missing
	// (MLFLOW_EXPERIMENT_NAME). Optional. Default: the data set's name,
	// or "mlops".
	Experiment string
}

// ErrNotConfigured is returned when MLFLOW_TRACKING_URI is not set.
var ErrNotConfigured = errors.New("mlflow: MLFLOW_TRACKING_URI is not set (e.g. http://127.0.0.1:5000)")

// ConfigFromEnv reads the MLFLOW_* variables MLflow's own client reads.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		TrackingURI: strings.TrimRight(getenv("MLFLOW_TRACKING_URI"), "/"),
		Token:       getenv("MLFLOW_TRACKING_TOKEN"),
		Username:    getenv("MLFLOW_TRACKING_USERNAME"),
		Password:    getenv("MLFLOW_TRACKING_PASSWORD"),
		Experiment:  getenv("MLFLOW_EXPERIMENT_NAME"),
	}
	if c.TrackingURI == "" {
		return c, ErrNotConfigured
	}
	u, err := url.Parse(c.TrackingURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("mlflow: MLFLOW_TRACKING_URI %q must be an http(s) server address; file stores and databricks:// are not supported", c.TrackingURI)
	}
	return c, nil
}
