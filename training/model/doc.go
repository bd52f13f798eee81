// Package model defines the model bundle: the one JSON document that carries
// everything needed to serve and monitor a trained classifier, and the pure,
// allocation-free inference over it.
//
// # Format
//
// A bundle is a JSON object whose "format" field names its version
// ([FormatVersion]). It holds the algorithm and its fitted parameters, the
// feature names in order with their declared valid ranges, the class names,
// the data set's name and md5, per-feature training statistics with a
// histogram (the drift baseline), the hyper-parameters, the evaluation
// metrics, and a sha256 of its canonical content. A model trained with
// params.yaml's data.missing: impute also records, per feature, the value a
// missing input is replaced with (the "impute" field, the training median;
// [Bundle.FillMissing] applies it); the field is absent otherwise, so such
// bundles keep their bytes and older bundles load unchanged.
//
// The canonical content is the compact encoding/json encoding of the bundle
// with the "sha256" field empty. Bundles hold no timestamps, host names or
// commit ids, so the same data, parameters, seed and code give the same bytes.
//
// # Loading
//
// [Parse] and [Load] decode strictly (unknown fields are errors), check the
// format version and the checksum, validate every shape and index, and only
// then build the predictor, so a corrupt, truncated or foreign file fails
// with an error that says which, never with a panic at prediction time.
//
// Loading is cheap where the bytes are: the trees of a random forest or of
// boosted trees are decoded by hand, and the checksum is computed over the
// file's own bytes without their whitespace. Either shortcut applies only
// when it gives what encoding/json and re-encoding give; anything else (a
// reformatted, edited or damaged file) takes the encoding/json path, so the
// same files are accepted and rejected with the same errors.
//
// # Index
//
// models/index.json ([Index]) lists the bundles to serve, names the
// champion and gives every bundle its role: [RoleChampion] for the one
// served by default, [RoleChallenger] for the others. Format version 2
// records the roles; a version 1 index, written before roles existed, is
// still read, its champion field deciding them. [LoadDir] loads a whole
// directory and checks each bundle against the checksum the index records.
package model
