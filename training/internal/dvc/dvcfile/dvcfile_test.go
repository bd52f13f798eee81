package dvcfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
)

// The valid fixtures are texts DVC's tests assert exactly (iterative/dvc
// at tag 3.64.0, commit 72abd013cfa6c27bb42293e6f6cb218acceff458):
//
//   - valid-dir.dvc: tests/func/test_install.py::test_merge_driver_no_ancestor
//   - valid-file-meta.dvc: tests/func/test_move.py::test_move_meta
//   - valid-import.dvc: dvc/testing/workspace_tests.py::TestImport.test_import_dir
//     with the values of tests/func/test_import_url.py::TestImport
//   - valid-file.dvc: tests/func/test_add.py::test_add (compared as a dict there)
//
// valid-legacy-2x.dvc is a DVC 2.x file (no "hash: md5"); valid-flags.dvc
// exercises the optional fields in Output.dumpd's order. Each must parse
// and marshal back byte for byte.
func TestParseFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.dvc")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(name, data)
			if strings.HasPrefix(name, "invalid-") {
				if err == nil || !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse(%s) error = %v, want ErrInvalid", name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%s): %v", name, err)
			}
			out, err := f.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != string(data) {
				t.Errorf("Marshal(Parse(%s)):\ngot:\n%s\nwant:\n%s", name, out, data)
			}
		})
	}
}

// What `dvc add foo` writes for "foo" and `dvc add data` for a directory
// holding foo and bar (test_add, test_merge_driver_no_ancestor).
func TestNewFile(t *testing.T) {
	tests := map[string]struct {
		info hash.Info
		path string
		want string
	}{
		"file": {hash.Info{MD5: "acbd18db4cc2f85cedef654fccc4a4d8", Size: 3}, "foo",
			"outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n"},
		"directory": {hash.Info{MD5: "5ea40360f5b4ec688df672a4db9c17d1.dir", Size: 6, NFiles: 2, IsDir: true}, "data",
			"outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n"},
		"executable": {hash.Info{MD5: "acbd18db4cc2f85cedef654fccc4a4d8", Size: 3, IsExec: true}, "run.sh",
			"outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  isexec: true\n  hash: md5\n  path: run.sh\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			o := Out{Path: tc.path}
			o.SetInfo(tc.info)
			f := &File{Outs: []Out{o}}
			got, err := f.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestPathFor(t *testing.T) {
	for in, want := range map[string]string{"data": "data.dvc", "data/": "data.dvc", "sub/dir": "sub/dir.dvc", "./x": "x.dvc"} {
		if got := PathFor(in); got != filepath.FromSlash(want) {
			t.Errorf("PathFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.dvc")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := Parse("fuzz.dvc", data)
		if err != nil {
			return
		}
		out, err := df.Marshal()
		if err != nil {
			return
		}
		again, err := Parse("again.dvc", out)
		if err != nil {
			t.Fatalf("marshalled file does not parse: %v\n%s", err, out)
		}
		out2, err := again.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("marshal is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
