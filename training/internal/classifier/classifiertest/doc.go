// Package classifiertest holds what the tests of every classifier.Trainer
// share: the Iris fixture, read straight from the repository's data/iris.csv,
// and a conformance suite of properties every algorithm must have
// (probabilities sum to one, identical fits from identical inputs, inputs left
// unmodified, cancellation, rejection of invalid input).
//
// It is imported only by _test.go files.
package classifiertest
