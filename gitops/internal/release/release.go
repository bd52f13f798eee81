package release

import (
	"fmt"
	"regexp"
	"strings"
)

// Helm parameter names the chart reads the image from.
const (
	ParamRepository = "image.repository"
	ParamTag        = "image.tag"
	ParamDigest     = "image.digest"
)

// Release is what an environment runs: a commit of this repository (the
// chart, its values and alert rules as of that commit) and an image.
type Release struct {
	// Revision is the full commit sha the Application pins.
	Revision string
	// Repository is the image repository, "<registry>/<path>" without a tag.
	Repository string
	// Tag is the image's immutable tag (the commit sha it was built from).
	Tag string
	// Digest is the image's manifest digest, "sha256:<64 hex>".
	Digest string
}

var (
	commitSHA  = regexp.MustCompile(`^[0-9a-f]{40}$`)
	digest     = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	repository = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+$`)
	tag        = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
)

// Validate reports the first malformed field, naming it.
func (r Release) Validate() error {
	switch {
	case !commitSHA.MatchString(r.Revision):
		return fmt.Errorf("%w: revision %q: want a full commit sha (40 lower-case hex digits)", ErrInvalid, r.Revision)
	case !repository.MatchString(r.Repository):
		return fmt.Errorf("%w: repository %q: want <registry>/<path>, without a tag or digest", ErrInvalid, r.Repository)
	case !tag.MatchString(r.Tag):
		return fmt.Errorf("%w: tag %q: want a Docker tag", ErrInvalid, r.Tag)
	case !digest.MatchString(r.Digest):
		return fmt.Errorf("%w: digest %q: want sha256:<64 hex digits>", ErrInvalid, r.Digest)
	}
	return nil
}

// Image is the reference the chart renders: repository@digest.
func (r Release) Image() string { return r.Repository + "@" + r.Digest }

// String describes r for logs and commit messages.
func (r Release) String() string {
	short := r.Revision
	if len(short) > 12 {
		short = short[:12]
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s:%s@%s", short, r.Repository, r.Tag, r.Digest))
}
