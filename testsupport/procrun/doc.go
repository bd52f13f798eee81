// Package procrun runs the real programs that end-to-end checks drive
// (model-api, Prometheus, ...) as child processes of a test: found through
// the environment variables the make targets set, bound to a free loopback
// address, waited for with a bounded deadline, their output kept and logged
// when the test fails, and stopped (SIGTERM, then a kill) when it ends.
//
// End-to-end checks run only with MLOPS_E2E=1 and never under -short;
// [RequireE2E] skips them otherwise.
package procrun
