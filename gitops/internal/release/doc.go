// Package release reads and writes what an environment runs: the commit an
// ArgoCD Application pins as spec.source.targetRevision and the image it
// passes to the chart as Helm parameters (image.repository, image.tag,
// image.digest). The release workflow writes dev's Application with it, and
// the promotion pull request prod's, through cmd/bumpapp.
//
// # Never backwards
//
// [Bump] refuses a revision that does not descend from the one the
// Application pins ([ErrNotDescendant]), so a re-run of an old workflow
// cannot roll an environment back; the same revision and image again is no
// change. Ancestry is asked of git (git merge-base --is-ancestor), so the
// checkout needs the history of both commits.
//
// # Editing in place
//
// The Application is edited as a YAML node tree: comments, key order and
// every other field stay as they were, and only targetRevision and the
// three parameters change (the parameters are added after the existing
// keys of spec.source.helm when the Application has none yet).
package release
