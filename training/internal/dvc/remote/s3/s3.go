// Package s3 is a DVC remote in Amazon S3 or an S3-compatible store,
// through aws-sdk-go-v2. Credentials, region and endpoint come from the
// standard AWS sources (environment, shared config and credentials files,
// profiles, SSO, instance roles) unless the remote's DVC options set them.
// Each call is one HTTP request, except the upload of an object above the
// part size, which is a multipart upload: retries are the caller's
// (remote.Retry), not the SDK's.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
)

// Options configures a remote. Only URL is required; the other fields
// mirror DVC's S3 remote options of the same meaning.
type Options struct {
	// URL is s3://bucket[/prefix]. Required.
	URL string
	// Endpoint is a custom endpoint URL (DVC's endpointurl), for an
	// S3-compatible server. Optional. Default: AWS's, or AWS_ENDPOINT_URL.
	Endpoint string
	// Region. Optional. Default: from the environment or profile, else
	// us-east-1.
	Region string
	// Profile names a shared-config profile. Optional. Default: AWS_PROFILE
	// or "default".
	Profile string
	// AccessKeyID, SecretAccessKey and SessionToken set static
	// credentials. Optional. Default: the standard chain.
	AccessKeyID, SecretAccessKey, SessionToken string
	// CredentialsFile and ConfigFile replace ~/.aws/credentials and
	// ~/.aws/config (DVC's credentialpath and configpath). Optional.
	CredentialsFile, ConfigFile string
	// PathStyle addresses the bucket in the path (endpoint/bucket/key)
	// instead of the host name, as most S3-compatible servers need.
	// Optional. Default: on when a custom endpoint is set (Endpoint or
	// AWS_ENDPOINT_URL), off otherwise.
	PathStyle *bool
	// HTTPClient replaces the SDK's HTTP client. Optional.
	HTTPClient *http.Client
	// PartSize is the largest object sent in one PutObject request; a
	// larger one is sent as a multipart upload in parts of this size (more
	// when it would take over 10,000 parts, S3's limit). S3 requires 5 MiB
	// or more for every part but the last; smaller values are for tests
	// against servers that accept them. Optional. Default: DefaultPartSize.
	PartSize int64
}

// DefaultPartSize is the default Options.PartSize: 5 MiB, S3's minimum
// part size and the default of the SDK's upload manager
// (feature/s3/manager DefaultUploadPartSize).
const DefaultPartSize = 5 << 20

// Remote stores objects in one bucket below a prefix.
type Remote struct {
	client   *s3.Client
	bucket   string
	prefix   string
	url      string
	partSize int64
}

var _ remote.Remote = (*Remote)(nil)

// ParseURL splits s3://bucket/prefix.
func ParseURL(raw string) (bucket, prefix string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("s3: remote url %q: %w", raw, err)
	}
	if u.Scheme != "s3" || u.Host == "" {
		return "", "", fmt.Errorf("s3: remote url %q: want s3://bucket[/prefix]", raw)
	}
	return u.Host, strings.Trim(u.Path, "/"), nil
}

// New builds a remote from opts.
func New(ctx context.Context, opts Options) (*Remote, error) {
	bucket, prefix, err := ParseURL(opts.URL)
	if err != nil {
		return nil, err
	}
	if opts.PartSize < 0 {
		return nil, fmt.Errorf("s3: Options.PartSize is %d; it must be 0 (the default, %d) or more", opts.PartSize, DefaultPartSize)
	}
	if opts.PartSize == 0 {
		opts.PartSize = DefaultPartSize
	}
	var load []func(*awsconfig.LoadOptions) error
	if opts.Region != "" {
		load = append(load, awsconfig.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		load = append(load, awsconfig.WithSharedConfigProfile(opts.Profile))
	}
	if opts.CredentialsFile != "" {
		load = append(load, awsconfig.WithSharedCredentialsFiles([]string{opts.CredentialsFile}))
	}
	if opts.ConfigFile != "" {
		load = append(load, awsconfig.WithSharedConfigFiles([]string{opts.ConfigFile}))
	}
	if opts.AccessKeyID != "" {
		load = append(load, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, opts.SessionToken)))
	}
	if opts.HTTPClient != nil {
		load = append(load, awsconfig.WithHTTPClient(opts.HTTPClient))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("s3: load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	// Objects are verified by md5 on our side; the SDK's optional CRC
	// checksums add nothing and some S3-compatible servers reject them.
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	// A custom endpoint, from the options or AWS_ENDPOINT_URL and
	// the shared config (which LoadDefaultConfig reads into BaseEndpoint),
	// means an S3-compatible server: address buckets by path.
	pathStyle := opts.Endpoint != "" || cfg.BaseEndpoint != nil
	if opts.PathStyle != nil {
		pathStyle = *opts.PathStyle
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		o.UsePathStyle = pathStyle
		// One request per call: the transfer code (remote.Retry) retries
		// every operation itself, and the SDK's own 3 attempts inside each
		// of ours would multiply them (5 x 3 = 15 requests for one object).
		// RetryMaxAttempts (AWS_MAX_ATTEMPTS, max_attempts) would wrap the
		// retryer again, so it is cleared too.
		o.Retryer = aws.NopRetryer{}
		o.RetryMaxAttempts = 0
	})
	return &Remote{client: client, bucket: bucket, prefix: prefix, url: "s3://" + bucket + "/" + prefix, partSize: opts.PartSize}, nil
}

// String returns the remote's URL.
func (r *Remote) String() string { return strings.TrimSuffix(r.url, "/") }

func (r *Remote) key(k string) string {
	if r.prefix == "" {
		return k
	}
	return r.prefix + "/" + k
}

func notFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey")
}

// Exists sends a HEAD request for key.
func (r *Remote) Exists(ctx context.Context, key string) (bool, error) {
	_, err := r.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &r.bucket, Key: aws.String(r.key(key))})
	if err == nil {
		return true, nil
	}
	if notFound(err) {
		return false, nil
	}
	return false, err
}

// Put uploads body in one PutObject request or, above the part size, as a
// multipart upload; S3 applies either atomically, so the key never holds
// part of the object.
func (r *Remote) Put(ctx context.Context, key string, body io.ReadSeeker, size int64) error {
	if size > r.partSize {
		return r.putMultipart(ctx, key, body, size)
	}
	_, err := r.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &r.bucket, Key: aws.String(r.key(key)), Body: body, ContentLength: aws.Int64(size),
	})
	return err
}

// Get downloads key.
func (r *Remote) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := r.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &r.bucket, Key: aws.String(r.key(key))})
	if err != nil {
		if notFound(err) {
			return nil, fmt.Errorf("%w: %s", remote.ErrNotFound, remote.URL(r, key))
		}
		return nil, err
	}
	return out.Body, nil
}

// Client exposes the SDK client (tests use it to plant objects).
func (r *Remote) Client() *s3.Client { return r.client }

// Bucket returns the bucket name.
func (r *Remote) Bucket() string { return r.bucket }

// ObjectKey returns the S3 key of a remote key.
func (r *Remote) ObjectKey(key string) string { return r.key(key) }
