// Package algorithm is the registry of the algorithms training can run: for
// each, its model name (the params.yaml key under models:), the kind its
// bundles record, and how a params.yaml section becomes a validated
// configuration and then a trainer.
//
// Each algorithm's package owns its hyper-parameters: the YAML-tagged
// fields of its Config, their defaults, their checks (New rejects a bad
// value with a classifier.ParamError naming the key) and the map bundles
// and runs record. This package adds only what is common to every model
// (timeout:) and what is this project's choice rather than the library's
// (the SVM's linear kernel), so adding a parameter touches one file.
package algorithm
