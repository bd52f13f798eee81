package data_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote/s3"
)

// s3Server starts gofakes3, an in-memory S3, on 127.0.0.1 with an empty
// bucket named "bucket", and returns its endpoint URL.
func s3Server(t *testing.T) string {
	t.Helper()
	url, _ := s3ServerCounting(t)
	return url
}

// uploadCounter counts the multipart uploads a server completed.
type uploadCounter struct {
	next      http.Handler
	completed atomic.Int64
}

func (c *uploadCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Query().Has("uploadId") {
		c.completed.Add(1)
	}
	c.next.ServeHTTP(w, r)
}

// s3ServerCounting is s3Server that also counts completed multipart
// uploads.
func s3ServerCounting(t *testing.T) (string, *uploadCounter) {
	t.Helper()
	mem := s3mem.New()
	if err := mem.CreateBucket("bucket"); err != nil {
		t.Fatal(err)
	}
	c := &uploadCounter{next: gofakes3.New(mem).Server()}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv.URL, c
}

// s3Credentials writes the remote's credentials into .dvc/config.local,
// which git does not carry to a clone, as a user would.
func s3Credentials(t *testing.T, dir string) {
	t.Helper()
	mlops(t, dir, "data", "remote", "modify", "--local", "s3r", "access_key_id", "test")
	mlops(t, dir, "data", "remote", "modify", "--local", "s3r", "secret_access_key", "test")
}

// s3Project makes a committed repository tracking data/ (a.csv, whose
// first version "old" is also in the cache, b.csv, sub/c.csv) and
// model.bin, with the default remote s3r in the bucket at endpoint,
// and pushes pushTargets (everything when none).
func s3Project(t *testing.T, endpoint string, pushTargets ...string) string {
	t.Helper()
	dir := newRepo(t)
	write(t, dir, "data/a.csv", "old")
	mlops(t, dir, "data", "add", "data")
	write(t, dir, "data/a.csv", "a")
	write(t, dir, "data/b.csv", "b")
	write(t, dir, "data/sub/c.csv", "c")
	write(t, dir, "model.bin", "model")
	mlops(t, dir, "data", "add", "data", "model.bin")
	mlops(t, dir, "data", "remote", "add", "-d", "s3r", "s3://bucket/dvc")
	mlops(t, dir, "data", "remote", "modify", "s3r", "endpointurl", endpoint)
	mlops(t, dir, "data", "remote", "modify", "s3r", "region", "us-east-1")
	s3Credentials(t, dir)
	mlops(t, dir, append([]string{"data", "push"}, pushTargets...)...)
	dvctest.Git(t, dir, "add", "-A")
	dvctest.Git(t, dir, "commit", "-q", "-m", "data")
	return dir
}

// clone makes a fresh clone of dir: no cache, no data, no credentials
// until s3Credentials.
func clone(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "clone")
	dvctest.Git(t, t.TempDir(), "clone", "-q", dir, dst)
	s3Credentials(t, dst)
	return dst
}

// Pull and checkout against an S3 remote, in a fresh clone, with DVC 3's
// checkout rules: what is missing comes back without --force; only files
// the cache does not hold need it.
func TestPullCheckoutS3(t *testing.T) {
	t.Parallel()
	endpoint := s3Server(t)
	src := s3Project(t, endpoint)
	tests := []struct {
		name string
		// change edits the fresh clone after a first pull.
		change func(t *testing.T, dir string)
		args   []string
		// wantErr, when set, is in stderr and the exit code is 1.
		wantErr []string
		wantOut string
		want    map[string]string
	}{
		{
			name:    "deleted file in a folder output: pull",
			change:  func(t *testing.T, dir string) { rm(t, dir, "data/a.csv") },
			args:    []string{"data", "pull"},
			wantOut: "M\tdata\n",
			want:    map[string]string{"data/a.csv": "a", "data/b.csv": "b"},
		},
		{
			name:    "deleted file in a folder output: pull data",
			change:  func(t *testing.T, dir string) { rm(t, dir, "data/a.csv") },
			args:    []string{"data", "pull", "data"},
			wantOut: "M\tdata\n",
			want:    map[string]string{"data/a.csv": "a"},
		},
		{
			name:    "deleted file in a folder output: checkout data",
			change:  func(t *testing.T, dir string) { rm(t, dir, "data/a.csv") },
			args:    []string{"data", "checkout", "data"},
			wantOut: "M\tdata\n",
			want:    map[string]string{"data/a.csv": "a"},
		},
		{
			name:    "deleted folder output",
			change:  func(t *testing.T, dir string) { rm(t, dir, "data") },
			args:    []string{"data", "pull"},
			wantOut: "A\tdata\n",
			want:    map[string]string{"data/a.csv": "a", "data/sub/c.csv": "c"},
		},
		{
			name:    "modified file not in the cache is refused, named",
			change:  func(t *testing.T, dir string) { write(t, dir, "data/b.csv", "mine") },
			args:    []string{"data", "pull"},
			wantErr: []string{"data/b.csv", "not in the cache", "--force"},
			want:    map[string]string{"data/b.csv": "mine", "data/a.csv": "a"},
		},
		{
			name:    "modified file not in the cache is overwritten with --force",
			change:  func(t *testing.T, dir string) { write(t, dir, "data/b.csv", "mine") },
			args:    []string{"data", "pull", "--force"},
			wantOut: "M\tdata\n",
			want:    map[string]string{"data/b.csv": "b"},
		},
		{
			name:    "checkout refuses a modified file output too",
			change:  func(t *testing.T, dir string) { write(t, dir, "model.bin", "retrained") },
			args:    []string{"data", "checkout"},
			wantErr: []string{"model.bin not checked out", "would overwrite", "--force"},
			want:    map[string]string{"model.bin": "retrained"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := clone(t, src)
			if out, _ := mlops(t, dir, "data", "pull"); out != "5 files fetched\nA\tdata\nA\tmodel.bin\n" {
				t.Fatalf("first pull into a fresh clone: %q", out)
			}
			tt.change(t, dir)
			code, out, errOut := run(t, dir, tt.args...)
			if len(tt.wantErr) == 0 && (code != 0 || out != tt.wantOut) {
				t.Errorf("mlops %s: exit %d, stdout %q, want 0 and %q\nstderr:\n%s", strings.Join(tt.args, " "), code, out, tt.wantOut, errOut)
			}
			for _, w := range tt.wantErr {
				if code != 1 || !strings.Contains(errOut, w) {
					t.Errorf("mlops %s: exit %d, stderr %q; want 1 and %q", strings.Join(tt.args, " "), code, errOut, w)
				}
			}
			checkFiles(t, dir, tt.want)
		})
	}
}

// A file holding a version the cache has (an older one) is replaced
// without --force, and that version stays in the cache.
func TestCheckoutReplacesCachedVersion(t *testing.T) {
	t.Parallel()
	dir := s3Project(t, s3Server(t))
	write(t, dir, "data/a.csv", "old")
	if out, _ := mlops(t, dir, "data", "checkout"); out != "M\tdata\n" {
		t.Errorf("checkout: %q", out)
	}
	checkFiles(t, dir, map[string]string{"data/a.csv": "a"})
	if _, err := os.Stat(filepath.Join(dir, ".dvc/cache/files/md5/14/9603e6c03516362a8da23f624db945")); err != nil {
		t.Errorf("the older version left the cache: %v", err)
	}
}

// Pull checks out every output whose objects all arrived and names the
// ones that did not, with the remote and the objects' URLs; it exits 1.
func TestPullOutputMissingOnRemote(t *testing.T) {
	t.Parallel()
	src := s3Project(t, s3Server(t), "data.dvc")
	for _, keepData := range []bool{false, true} {
		dir := clone(t, src)
		if keepData {
			// The folder is there, one of its files is not: the case.
			mlops(t, dir, "data", "pull", "data")
			rm(t, dir, "data/a.csv")
		}
		code, out, errOut := run(t, dir, "data", "pull")
		wantOut := "4 files fetched\nA\tdata\n"
		if keepData {
			wantOut = "M\tdata\n"
		}
		if code != 1 || out != wantOut {
			t.Errorf("pull (data folder kept: %v): exit %d, stdout %q; want 1 and %q\nstderr:\n%s", keepData, code, out, wantOut, errOut)
		}
		for _, w := range []string{"model.bin not checked out", `remote "s3r"`, "s3://bucket/dvc/files/md5/", "object not found"} {
			if !strings.Contains(errOut, w) {
				t.Errorf("pull stderr lacks %q:\n%s", w, errOut)
			}
		}
		if strings.Contains(errOut, "data not checked out") {
			t.Errorf("pull reports the data output that arrived:\n%s", errOut)
		}
		checkFiles(t, dir, map[string]string{"data/a.csv": "a", "data/sub/c.csv": "c", "model.bin": ""})
	}
}

// A file just above the S3 part size is pushed as a multipart upload and
// pulled back byte for byte into a fresh clone.
func TestPushPullMultipartS3(t *testing.T) {
	t.Parallel()
	endpoint, uploads := s3ServerCounting(t)
	dir := newRepo(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), s3.DefaultPartSize/16)
	big = append(big, '!')
	write(t, dir, "data/big.bin", string(big))
	mlops(t, dir, "data", "add", "data")
	mlops(t, dir, "data", "remote", "add", "-d", "s3r", "s3://bucket/dvc")
	mlops(t, dir, "data", "remote", "modify", "s3r", "endpointurl", endpoint)
	s3Credentials(t, dir)
	if out, _ := mlops(t, dir, "data", "push"); out != "2 files pushed\n" {
		t.Errorf("push: %q", out)
	}
	if n := uploads.completed.Load(); n != 1 {
		t.Errorf("%d multipart uploads completed, want 1 (for the %d-byte file)", n, len(big))
	}
	dvctest.Git(t, dir, "add", "-A")
	dvctest.Git(t, dir, "commit", "-q", "-m", "data")
	cl := clone(t, dir)
	if out, _ := mlops(t, cl, "data", "pull"); out != "2 files fetched\nA\tdata\n" {
		t.Errorf("pull: %q", out)
	}
	if got := read(t, cl, "data/big.bin"); got != string(big) {
		t.Errorf("pulled data/big.bin: %d bytes, want the %d pushed", len(got), len(big))
	}
}

func rm(t *testing.T, dir, rel string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
		t.Fatal(err)
	}
}

// checkFiles compares files below dir with want ("" for a file that must
// not exist).
func checkFiles(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	for rel, w := range want {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		switch {
		case w == "" && err == nil:
			t.Errorf("%s exists (%q), want it absent", rel, b)
		case w != "" && string(b) != w:
			t.Errorf("%s = %q (%v), want %q", rel, b, err, w)
		}
	}
}
