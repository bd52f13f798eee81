package release

import "errors"

// ErrNotDescendant is returned by [Bump] when the new revision does not
// descend from the one the Application pins: deploying it would roll the
// environment back.
var ErrNotDescendant = errors.New("release: the revision does not descend from the deployed one")

// ErrInvalid is returned for a release whose revision, repository, tag or
// digest is malformed, and for an Application that is not one.
var ErrInvalid = errors.New("release: invalid")
