package s3_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/mlopsgo/mlops/training/internal/dvc/remote/s3"
)

// recorder passes requests to gofakes3, counting them by S3 operation,
// and answers 500 to the upload of part failPart ("" fails none).
type recorder struct {
	next     http.Handler
	failPart string
	mu       sync.Mutex
	ops      map[string]int
}

func operation(r *http.Request) string {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		return "CreateMultipartUpload"
	case r.Method == http.MethodPut && q.Has("partNumber"):
		return "UploadPart"
	case r.Method == http.MethodPost && q.Has("uploadId"):
		return "CompleteMultipartUpload"
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		return "AbortMultipartUpload"
	case r.Method == http.MethodPut:
		return "PutObject"
	}
	return r.Method
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := operation(r)
	rec.mu.Lock()
	rec.ops[op]++
	rec.mu.Unlock()
	if op == "UploadPart" && r.URL.Query().Get("partNumber") == rec.failPart {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>test</Message></Error>`)
		return
	}
	rec.next.ServeHTTP(w, r)
}

// onlyReadSeeker hides the io.ReaderAt of a *bytes.Reader.
type onlyReadSeeker struct{ io.ReadSeeker }

// Objects above the part size go up as multipart uploads, whole or not
// at all: a failed part aborts the upload and leaves no object behind.
func TestMultipartUpload(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	const partSize = 1024
	tests := []struct {
		name     string
		size     int64
		failPart string
		hideAt   bool // the body is not an io.ReaderAt
		want     map[string]int
		wantErr  bool
	}{
		{name: "at the part size: one PutObject", size: partSize, want: map[string]int{"PutObject": 1}},
		{
			name: "one byte above: two parts", size: partSize + 1,
			want: map[string]int{"CreateMultipartUpload": 1, "UploadPart": 2, "CompleteMultipartUpload": 1},
		},
		{
			name: "more parts than are sent at once", size: 9*partSize + 7,
			want: map[string]int{"CreateMultipartUpload": 1, "UploadPart": 10, "CompleteMultipartUpload": 1},
		},
		{
			name: "a body read in sequence", size: 3*partSize + 1, hideAt: true,
			want: map[string]int{"CreateMultipartUpload": 1, "UploadPart": 4, "CompleteMultipartUpload": 1},
		},
		{
			name: "a failed part aborts the upload", size: 2*partSize + 1, failPart: "2", wantErr: true,
			want: map[string]int{"CreateMultipartUpload": 1, "AbortMultipartUpload": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := s3mem.New()
			if err := mem.CreateBucket("bucket"); err != nil {
				t.Fatal(err)
			}
			rec := &recorder{next: gofakes3.New(mem).Server(), failPart: tt.failPart, ops: map[string]int{}}
			srv := httptest.NewServer(rec)
			t.Cleanup(srv.Close)
			r, err := s3.New(t.Context(), s3.Options{
				URL: "s3://bucket/store", Endpoint: srv.URL, Region: "us-east-1",
				AccessKeyID: "test", SecretAccessKey: "test", PartSize: partSize,
			})
			if err != nil {
				t.Fatal(err)
			}
			data := make([]byte, tt.size)
			for i := range data {
				data[i] = byte(i * 7 % 251)
			}
			var body io.ReadSeeker = bytes.NewReader(data)
			if tt.hideAt {
				body = onlyReadSeeker{body}
			}
			err = r.Put(t.Context(), "files/md5/ab/cdef", body, tt.size)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Put: %v, want error: %v", err, tt.wantErr)
			}
			rec.mu.Lock()
			for op, n := range tt.want {
				if rec.ops[op] != n {
					t.Errorf("%s requests = %d, want %d (all: %v)", op, rec.ops[op], n, rec.ops)
				}
			}
			rec.mu.Unlock()
			ok, err := r.Exists(t.Context(), "files/md5/ab/cdef")
			if err != nil || ok == tt.wantErr {
				t.Errorf("object exists = %v (%v) after Put, want %v", ok, err, !tt.wantErr)
			}
			if tt.wantErr {
				// Nothing pending: the failed upload's parts are gone.
				ups, err := r.Client().ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: aws.String("bucket")})
				if err != nil || len(ups.Uploads) != 0 {
					t.Errorf("pending uploads after a failed Put: %v (%v)", ups, err)
				}
				return
			}
			rc, err := r.Get(t.Context(), "files/md5/ab/cdef")
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if got, err := io.ReadAll(rc); err != nil || !bytes.Equal(got, data) {
				t.Errorf("object read back: %d bytes (%v), want the %d bytes sent", len(got), err, len(data))
			}
		})
	}
}

func TestNegativePartSize(t *testing.T) {
	_, err := s3.New(t.Context(), s3.Options{URL: "s3://bucket", PartSize: -1})
	if err == nil {
		t.Fatal("New accepted PartSize -1")
	}
}
