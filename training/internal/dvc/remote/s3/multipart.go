package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	// maxParts is S3's limit on the parts of one upload.
	maxParts = 10000
	// partJobs bounds the parts of one object in flight at once; the
	// transfer code already sends several objects in parallel.
	partJobs = 4
	// abortTimeout bounds the clean-up of a failed upload, which runs
	// even when the caller's context has ended.
	abortTimeout = 30 * time.Second
)

// partSizeFor returns the part size for an object of size bytes: the
// configured one, raised when the object would need more than maxParts.
func (r *Remote) partSizeFor(size int64) int64 {
	ps := r.partSize
	if minSize := (size + maxParts - 1) / maxParts; ps < minSize {
		ps = minSize
	}
	return ps
}

// putMultipart sends body as a multipart upload: create, parts (a few at a
// time), complete. The object appears only when the upload completes; on
// any failure the upload is aborted so its parts are not left stored (and
// billed) on the server, and a retry starts afresh.
func (r *Remote) putMultipart(ctx context.Context, key string, body io.ReadSeeker, size int64) (err error) {
	k := aws.String(r.key(key))
	up, err := r.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &r.bucket, Key: k})
	if err != nil {
		return err
	}
	defer func() {
		if err == nil {
			return
		}
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		if _, aerr := r.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: &r.bucket, Key: k, UploadId: up.UploadId,
		}); aerr != nil {
			err = errors.Join(err, fmt.Errorf("abort multipart upload of %s: %w", r.key(key), aerr))
		}
	}()
	parts, err := r.uploadParts(ctx, k, up.UploadId, body, size)
	if err != nil {
		return err
	}
	_, err = r.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &r.bucket, Key: k, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	return err
}

// uploadParts sends the parts of body and returns them in order, for the
// completion request.
func (r *Remote) uploadParts(ctx context.Context, key, uploadID *string, body io.ReadSeeker, size int64) ([]types.CompletedPart, error) {
	ps := r.partSizeFor(size)
	n := int((size + ps - 1) / ps)
	parts := make([]types.CompletedPart, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex // guards body (when it is not an io.ReaderAt) and firstErr
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, partJobs)
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
		mu.Unlock()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			off := int64(i) * ps
			length := min(ps, size-off)
			part, err := readPart(&mu, body, off, length)
			if err != nil {
				fail(fmt.Errorf("read part %d: %w", i+1, err))
				return
			}
			num := aws.Int32(int32(i + 1))
			out, err := r.client.UploadPart(ctx, &s3.UploadPartInput{
				Bucket: &r.bucket, Key: key, UploadId: uploadID, PartNumber: num,
				Body: part, ContentLength: aws.Int64(length),
			})
			if err != nil {
				fail(fmt.Errorf("upload part %d of %d: %w", i+1, n, err))
				return
			}
			parts[i] = types.CompletedPart{ETag: out.ETag, PartNumber: num}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	// The parent context may have ended between parts.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return parts, nil
}

// readPart returns length bytes of body from off as a reader the SDK can
// rewind (it reads a body twice to sign it): a window on body when it
// reads at offsets (an *os.File does), else a copy read under mu.
func readPart(mu *sync.Mutex, body io.ReadSeeker, off, length int64) (io.ReadSeeker, error) {
	if ra, ok := body.(io.ReaderAt); ok {
		return io.NewSectionReader(ra, off, length), nil
	}
	mu.Lock()
	defer mu.Unlock()
	if _, err := body.Seek(off, io.SeekStart); err != nil {
		return nil, err
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	return bytes.NewReader(buf), nil
}
