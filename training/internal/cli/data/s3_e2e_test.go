package data_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote/s3"
)

// The versitygw root user the e2e gateway runs with.
const (
	gwAccess = "mlopse2e"
	gwSecret = "mlops-e2e-secret-key"
)

// gateway is versitygw serving a posix directory on 127.0.0.1: a real S3
// server that checks SigV4 signatures and stores each object as a file
// (root/bucket/key), so a test can corrupt one on disk.
type gateway struct {
	bin, root, addr string

	mu  sync.Mutex // guards cmd and out
	cmd *exec.Cmd
	out bytes.Buffer
}

// startGateway starts versitygw (MLOPS_VERSITYGW) on a free loopback port
// with an empty bucket named "bucket"; it stops when the test ends.
func startGateway(t *testing.T) *gateway {
	t.Helper()
	bin := os.Getenv("MLOPS_VERSITYGW")
	if bin == "" {
		t.Fatal("MLOPS_VERSITYGW is not set; make e2e-data-s3 installs versitygw and sets it")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	g := &gateway{bin: bin, root: t.TempDir(), addr: addr}
	t.Cleanup(func() {
		g.stop()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", g.output())
		}
	})
	g.start(t)
	client := g.client(t, gwAccess, gwSecret)
	if _, err := client.CreateBucket(t.Context(), &awss3.CreateBucketInput{Bucket: aws.String("bucket")}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return g
}

func (g *gateway) endpoint() string { return "http://" + g.addr }

func (g *gateway) output() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.out.String()
}

type lockedWriter struct{ g *gateway }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.g.mu.Lock()
	defer w.g.mu.Unlock()
	return w.g.out.Write(p)
}

// start runs versitygw and waits (at most 30s) until it answers HTTP.
func (g *gateway) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(g.bin, "--access", gwAccess, "--secret", gwSecret, "--port", g.addr, "posix", g.root)
	cmd.Stdout, cmd.Stderr = lockedWriter{g}, lockedWriter{g}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	g.mu.Lock()
	g.cmd = cmd
	g.mu.Unlock()
	hc := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("versitygw exited before it was ready: %v\n%s", err, g.output())
		default:
		}
		if resp, err := hc.Get(g.endpoint()); err == nil {
			resp.Body.Close()
			go func() { <-exited }()
			return
		}
	}
	t.Fatalf("versitygw not answering on %s after 30s\n%s", g.addr, g.output())
}

// stop ends the gateway (SIGTERM, SIGKILL after 10s); it is safe to call
// from any goroutine and when it is not running.
func (g *gateway) stop() {
	g.mu.Lock()
	cmd := g.cmd
	g.cmd = nil
	g.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	for i := 0; i < 200; i++ {
		if cmd.Process.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
}

// client returns an S3 client for the gateway with the given credentials.
func (g *gateway) client(t *testing.T, access, secret string) *awss3.Client {
	t.Helper()
	r, err := s3.New(t.Context(), s3.Options{
		URL: "s3://bucket", Endpoint: g.endpoint(), Region: "us-east-1", AccessKeyID: access, SecretAccessKey: secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.Client()
}

// objectFile is where the gateway stores oid below s3://bucket/prefix.
func (g *gateway) objectFile(prefix, oid string) string {
	return filepath.Join(g.root, "bucket", filepath.FromSlash(prefix), "files", "md5", oid[:2], oid[2:])
}

// objectFiles counts the files the gateway holds below s3://bucket/prefix.
func (g *gateway) objectFiles(t *testing.T, prefix string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(g.root, "bucket", filepath.FromSlash(prefix)), func(_ string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// gwCredentials writes credentials for the gateway into .dvc/config.local.
func gwCredentials(t *testing.T, dir, access, secret string) {
	t.Helper()
	mlops(t, dir, "data", "remote", "modify", "--local", "s3r", "access_key_id", access)
	mlops(t, dir, "data", "remote", "modify", "--local", "s3r", "secret_access_key", secret)
}

// gwProject makes a committed repository tracking data/ (iris.csv and
// big.bin, one byte above the S3 part size, so it goes up in two parts)
// and model.bin, whose default remote s3r is s3://bucket/<prefix> at
// endpoint, with the root user's credentials.
func gwProject(t *testing.T, endpoint, prefix string) string {
	t.Helper()
	dir := newRepo(t)
	write(t, dir, "data/iris.csv", "sepal_length,species\n5.1,setosa\n7.0,versicolor\n")
	big := bytes.Repeat([]byte("mlops e2e\n"), s3.DefaultPartSize/10+1)[:s3.DefaultPartSize+1]
	write(t, dir, "data/big.bin", string(big))
	write(t, dir, "model.bin", "model")
	mlops(t, dir, "data", "add", "data", "model.bin")
	mlops(t, dir, "data", "remote", "add", "-d", "s3r", "s3://bucket/"+prefix)
	mlops(t, dir, "data", "remote", "modify", "s3r", "endpointurl", endpoint)
	gwCredentials(t, dir, gwAccess, gwSecret)
	dvctest.Git(t, dir, "add", "-A")
	dvctest.Git(t, dir, "commit", "-q", "-m", "data")
	return dir
}

// gwClone is a fresh clone of dir with the given credentials.
func gwClone(t *testing.T, dir, access, secret string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "clone")
	dvctest.Git(t, t.TempDir(), "clone", "-q", dir, dst)
	gwCredentials(t, dst, access, secret)
	return dst
}

// md5Hex returns the md5 of b, as the cache names objects.
func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// TestE2EDataS3 runs the data commands against versitygw, a real S3
// server that checks SigV4 signatures, on 127.0.0.1: push (a multipart
// upload among them), pull into fresh clones with and without the data
// folder, a corrupted object on the server, wrong credentials, and a push
// interrupted by the server going away and then resumed. It runs in
// `make e2e-data-s3` (MLOPS_E2E=1, MLOPS_VERSITYGW).
func TestE2EDataS3(t *testing.T) {
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end check: run with MLOPS_E2E=1 (make e2e-data-s3)")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	gw := startGateway(t)
	src := gwProject(t, gw.endpoint(), "dvc")
	files := map[string]string{
		"data/iris.csv": read(t, src, "data/iris.csv"), "data/big.bin": read(t, src, "data/big.bin"), "model.bin": "model",
	}

	// Push first: the subtests below read what it stored.
	if out, _ := mlops(t, src, "data", "push"); out != "4 files pushed\n" {
		t.Errorf("push: %q", out)
	}
	t.Run("push stored the objects, one of them in parts", func(t *testing.T) {
		if n := gw.objectFiles(t, "dvc"); n != 4 {
			t.Errorf("the gateway holds %d objects, want 4 (manifest, 2 files, model.bin)", n)
		}
		big, err := os.ReadFile(gw.objectFile("dvc", md5Hex([]byte(files["data/big.bin"]))))
		if err != nil || string(big) != files["data/big.bin"] {
			t.Errorf("the multipart object on the gateway: %d bytes (%v), want the %d pushed", len(big), err, len(files["data/big.bin"]))
		}
		if out, _ := mlops(t, src, "data", "push"); out != "Everything is up to date.\n" {
			t.Errorf("second push: %q", out)
		}
	})

	t.Run("pull into a fresh clone", func(t *testing.T) {
		dir := gwClone(t, src, gwAccess, gwSecret)
		if out, _ := mlops(t, dir, "data", "pull"); out != "4 files fetched\nA\tdata\nA\tmodel.bin\n" {
			t.Errorf("pull: %q", out)
		}
		checkFiles(t, dir, files)
		rm(t, dir, "data/iris.csv")
		if out, _ := mlops(t, dir, "data", "pull"); out != "M\tdata\n" {
			t.Errorf("pull after deleting data/iris.csv: %q", out)
		}
		checkFiles(t, dir, files)
	})

	t.Run("pull into a fresh clone with the data folder present", func(t *testing.T) {
		dir := gwClone(t, src, gwAccess, gwSecret)
		if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		if out, _ := mlops(t, dir, "data", "pull"); out != "4 files fetched\nA\tmodel.bin\nM\tdata\n" {
			t.Errorf("pull: %q", out)
		}
		checkFiles(t, dir, files)
	})

	t.Run("a corrupted object on the server is never checked out", func(t *testing.T) {
		obj := gw.objectFile("dvc", md5Hex([]byte(files["data/iris.csv"])))
		good, err := os.ReadFile(obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(obj, []byte("sepal_length,species\n9.9,tampered\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.WriteFile(obj, good, 0o644) })
		dir := gwClone(t, src, gwAccess, gwSecret)
		code, out, errOut := run(t, dir, "data", "pull")
		t.Logf("pull with a corrupted object on the server, stderr:\n%s", errOut)
		if code != 1 || !strings.Contains(out, "A\tmodel.bin\n") || strings.Contains(out, "data\n") {
			t.Errorf("pull: exit %d, stdout %q; want 1 and only model.bin checked out\nstderr:\n%s", code, out, errOut)
		}
		for _, w := range []string{"data not checked out", `remote "s3r"`, "corrupt", "s3://bucket/dvc/files/md5/"} {
			if !strings.Contains(errOut, w) {
				t.Errorf("pull stderr lacks %q:\n%s", w, errOut)
			}
		}
		checkFiles(t, dir, map[string]string{"data/iris.csv": "", "data/big.bin": "", "model.bin": "model"})
		oid := md5Hex([]byte(files["data/iris.csv"]))
		entries, _ := os.ReadDir(filepath.Join(dir, ".dvc", "cache", "files", "md5", oid[:2]))
		for _, e := range entries {
			if strings.Contains(e.Name(), oid[2:]) {
				t.Errorf("the corrupt object left %s in the cache", e.Name())
			}
		}
	})

	t.Run("wrong credentials", func(t *testing.T) {
		dir := gwClone(t, src, gwAccess, "not-the-secret")
		wrong := func(args ...string) {
			t.Helper()
			code, _, errOut := run(t, dir, args...)
			t.Logf("mlops %s with a wrong secret, stderr:\n%s", strings.Join(args, " "), errOut)
			if code != 1 || !strings.Contains(errOut, "StatusCode: 403") {
				t.Errorf("mlops %s with a wrong secret: exit %d, stderr %q; want 1 and the status 403", strings.Join(args, " "), code, errOut)
			}
			if !strings.Contains(errOut, `remote "s3r"`) {
				t.Errorf("mlops %s with a wrong secret does not name the remote:\n%s", strings.Join(args, " "), errOut)
			}
		}
		wrong("data", "pull")
		wrong("data", "status", "--cloud")
		// Push needs a full cache to ask the server anything.
		gwCredentials(t, dir, gwAccess, gwSecret)
		mlops(t, dir, "data", "pull")
		gwCredentials(t, dir, gwAccess, "not-the-secret")
		wrong("data", "push")
	})

	t.Run("an interrupted push resumes", func(t *testing.T) {
		// A proxy in front of the gateway stops it when the third object
		// upload starts (a PutObject, or the creation of a multipart
		// upload); objects go one at a time (-j 1), so exactly two are on
		// the server when the push fails.
		target, _ := url.Parse(gw.endpoint())
		var uploads, stopAt atomic.Int64
		stopAt.Store(3)
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.ErrorLog = log.New(io.Discard, "", 0) // "connection refused" while the gateway is down is the point
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			starts := (r.Method == http.MethodPut && !q.Has("uploadId")) || (r.Method == http.MethodPost && q.Has("uploads"))
			if starts && uploads.Add(1) == stopAt.Load() {
				gw.stop()
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		dir := gwProject(t, srv.URL, "resume")
		for i := range 6 {
			write(t, dir, fmt.Sprintf("more/%d.txt", i), fmt.Sprintf("file %d\n", i))
		}
		mlops(t, dir, "data", "add", "more")
		dvctest.Git(t, dir, "add", "-A")
		dvctest.Git(t, dir, "commit", "-q", "-m", "more")
		const total = 4 + 7 // the first project's objects; more/: 6 files and a manifest
		code, _, errOut := run(t, dir, "data", "push", "-j", "1")
		if code != 1 || !strings.Contains(errOut, `remote "s3r"`) {
			t.Errorf("push to a server that went away: exit %d; want 1 naming the remote\nstderr:\n%s", code, errOut)
		}
		if n := gw.objectFiles(t, "resume"); n != 2 {
			t.Fatalf("%d objects on the server after the interrupted push, want the 2 sent before it stopped", n)
		}
		gw.start(t)
		stopAt.Store(0)
		want := fmt.Sprintf("%d files pushed\n", total-2)
		if out, _ := mlops(t, dir, "data", "push"); out != want {
			t.Errorf("resumed push: %q, want %q (only what is missing)", out, want)
		}
		if n := gw.objectFiles(t, "resume"); n != total {
			t.Errorf("%d objects on the server after the resumed push, want %d", n, total)
		}
		cl := gwClone(t, dir, gwAccess, gwSecret)
		if out, _ := mlops(t, cl, "data", "pull"); !strings.HasPrefix(out, fmt.Sprintf("%d files fetched\n", total)) {
			t.Errorf("pull of the resumed push: %q", out)
		}
		checkFiles(t, cl, map[string]string{"more/5.txt": "file 5\n", "data/big.bin": files["data/big.bin"]})
	})
}
