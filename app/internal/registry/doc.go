// Package registry holds the set of models model-api serves and swaps it
// atomically on reload.
//
// A [Snapshot] is immutable: a request takes the current one once and uses
// it to the end, so a reload in the middle of a request never mixes two sets.
// [Registry.Reload] loads a whole models directory (index and every bundle,
// checksums verified) and installs it only if everything loaded; otherwise
// the previous snapshot keeps serving.
package registry
