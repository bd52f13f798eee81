package hash

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Known values from DVC's own test suites. Unless noted, paths are in
// iterative/dvc at tag 3.64.0 (commit 72abd013cfa6c27bb42293e6f6cb218acceff458)
// or iterative/dvc-data at tag 3.16.12 (commit
// f437c417daff3e94914feeec2cdc02289228c426).
func TestBytesKnownValues(t *testing.T) {
	tests := map[string]struct {
		content, md5 string
	}{
		"dvc-data tests/hashfile/test_build.py::test_build_file":      {"foo", "acbd18db4cc2f85cedef654fccc4a4d8"},
		"dvc-data tests/hashfile/test_build.py::test_build_directory": {"bar", "37b51d194a7513e45b56f6524f2d51f2"},
		"dvc-data tests/index/conftest.py foo":                        {"foo\n", "d3b07384d113edec49eaa6238ad5ff00"},
		"dvc-data tests/index/conftest.py bar":                        {"bar\n", "c157a79031e1c40f85931829bc5fc552"},
		"dvc-data tests/index/conftest.py baz":                        {"baz\n", "258622b1688250cb619f3c9ccaefb7eb"},
		"dvc-data tests/hashfile/test_state.py::test_hashes":          {"foo content", "6dbda444875c24ec1bbdb433456be11f"},
		"dvc tests/func/test_diff.py::test_added_deep":                {"text", "1cb251ec0d568de6a929b520c4aed8d1"},
		"dvc tests/func/test_commit.py::test_commit_granular_dir":     {"subfoo", "4ce8d2a2cf314a52fa7f315ca37ca445"},
		"dvc tests/func/test_data_cloud.py::test_output_remote":       {"one", "f97c5d29941bfb1b2fdab0874906ab82"},
		// DVC 3 hashes raw bytes: the CRLF file of the Windows branch has
		// its own md5 (2.x's md5-dos2unix would have given the LF one).
		"dvc tests/func/test_external_repo.py::test_subrepos_are_ignored LF":   {"/foo\n", "947d2b84e5aa88170e80dff467a5bfb6"},
		"dvc tests/func/test_external_repo.py::test_subrepos_are_ignored CRLF": {"/foo\r\n", "d561e684092f0ff908aa82ee9cc1e594"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Bytes([]byte(tc.content)); got != tc.md5 {
				t.Errorf("md5(%q) = %s, want %s", tc.content, got, tc.md5)
			}
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			info, err := File(p)
			if err != nil {
				t.Fatal(err)
			}
			if info.MD5 != tc.md5 || info.Size != int64(len(tc.content)) {
				t.Errorf("File = %s/%d, want %s/%d", info.MD5, info.Size, tc.md5, len(tc.content))
			}
		})
	}
}

func TestDirKnownValues(t *testing.T) {
	self := func(names ...string) map[string]string {
		m := map[string]string{}
		for _, n := range names {
			m[n] = filepath.Base(n)
		}
		return m
	}
	tests := map[string]struct {
		files  map[string]string
		oid    string
		size   int64 // -1: the test asserts none
		nfiles int
	}{
		"dvc-data tests/hashfile/test_build.py::test_build_directory": {
			map[string]string{"foo": "foo", "bar": "bar"}, "5ea40360f5b4ec688df672a4db9c17d1.dir", 6, 2},
		"dvc-data tests/index/conftest.py": {
			map[string]string{"bar": "bar\n", "baz": "baz\n"}, "1f69c66028c35037e8bf67e5bc4ceb6a.dir", -1, 2},
		"dvc tests/func/test_install.py::test_merge_driver": {
			self("master", "one", "two"), "839ef9371606817569c1ee0e5f4ed233.dir", 12, 3},
		"dvc tests/func/test_import_url.py::TestImport.dir_md5": {
			map[string]string{"file": "file", "subdir/subfile": "subfile"}, "b6dcab6ccd17ca0a8bf4a215a37d14cc.dir", 11, 2},
		"dvc tests/func/test_commit.py::test_commit_granular_dir": {
			self("foo", "bar", "subdir/subfoo", "subdir/subbar"), "1aca2c799df82929bbdd976557975546.dir", -1, 4},
		"dvc tests/func/test_virtual_directory.py::test_virtual_remove": {
			self("foo", "bar", "subdir/lorem", "subdir/ipsum"), "15b0e3c73ad2c748ce206988cb6b7319.dir", 16, 4},
		"dvc tests/func/test_virtual_directory.py::test_virtual_add": {
			self("foo", "bar", "foobar", "subdir/file"), "de78e9fff7c3478c6b316bf08437d0f6.dir", 16, 4},
		"dvc tests/func/test_diff.py::test_no_cache_entry": {
			map[string]string{"1": "1", "2": "2"}, "5fb6b29836c388e093ca0715c872fe2a.dir", -1, 2},
		"dvc tests/func/test_data_cloud.py::test_output_remote": {
			map[string]string{"one": "one", "two": "two"}, "6b18131dc289fd37006705affe961ef8.dir", -1, 2},
		"dvc tests/func/test_external_repo.py::test_subrepos_are_ignored LF": {
			map[string]string{".gitignore": "/foo\n", "bar": "bar", "foo": "foo"}, "e1d9e8eae5374860ae025ec84cfd85c7.dir", -1, 3},
		"dvc tests/func/test_external_repo.py::test_subrepos_are_ignored CRLF": {
			map[string]string{".gitignore": "/foo\r\n", "bar": "bar", "foo": "foo"}, "0d2086760aea091f1504eafc8843bb18.dir", -1, 3},
		// Computed with CPython (json.dumps(..., sort_keys=True)), not from
		// a DVC test: checks nested sorting.
		"nested, computed with CPython": {
			map[string]string{"b.txt": "b\n", "sub/a.txt": "a\n"}, "314195fee9670c7466e8c360f5199922.dir", 4, 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			for rel, content := range tc.files {
				p := filepath.Join(root, "d", filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			info, tree, err := Path(context.Background(), root, "d", nil)
			if err != nil {
				t.Fatal(err)
			}
			if info.MD5 != tc.oid {
				t.Errorf("oid = %s, want %s\nmanifest: %s", info.MD5, tc.oid, tree.Bytes())
			}
			if tc.size >= 0 && info.Size != tc.size {
				t.Errorf("size = %d, want %d", info.Size, tc.size)
			}
			if info.NFiles != tc.nfiles || !info.IsDir {
				t.Errorf("nfiles = %d (dir %v), want %d", info.NFiles, info.IsDir, tc.nfiles)
			}
		})
	}
}

// The manifest bytes dvc-data's tests/index/conftest.py gives literally.
func TestTreeBytesExact(t *testing.T) {
	tree := Tree{{RelPath: "baz", MD5: "258622b1688250cb619f3c9ccaefb7eb"}, {RelPath: "bar", MD5: "c157a79031e1c40f85931829bc5fc552"}}
	tree.Sort()
	want := `[{"md5": "c157a79031e1c40f85931829bc5fc552", "relpath": "bar"}, {"md5": "258622b1688250cb619f3c9ccaefb7eb", "relpath": "baz"}]`
	if got := string(tree.Bytes()); got != want {
		t.Errorf("Bytes = %s, want %s", got, want)
	}
	oid, _ := tree.Digest()
	if oid != "1f69c66028c35037e8bf67e5bc4ceb6a.dir" {
		t.Errorf("Digest = %s", oid)
	}
	if empty, _ := (Tree{}).Digest(); empty != "d751713988987e9331980363e24189ce.dir" {
		t.Errorf("empty tree = %s, want md5 of [] + .dir", empty)
	}
	// Non-ASCII relpaths are \u-escaped as Python's json.dumps does.
	uni := Tree{{RelPath: "á", MD5: "acbd18db4cc2f85cedef654fccc4a4d8"}}
	if got := string(uni.Bytes()); got != `[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "\u00e1"}]` {
		t.Errorf("unicode manifest = %s", got)
	}
}

func TestParseTree(t *testing.T) {
	tests := map[string]struct {
		in      string
		wantErr bool
	}{
		"dvc manifest":      {`[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}]`, false},
		"with meta":         {`[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar", "size": 3, "isexec": false}]`, false},
		"empty":             {`[]`, false},
		"not json":          {`{`, true},
		"bad md5":           {`[{"md5": "xyz", "relpath": "bar"}]`, true},
		"escaping relpath":  {`[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "../etc/passwd"}]`, true},
		"absolute relpath":  {`[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "/etc/passwd"}]`, true},
		"repeated relpath":  {`[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "a"}, {"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "a"}]`, true},
		"dir inside a tree": {`[{"md5": "37b51d194a7513e45b56f6524f2d51f2.dir", "relpath": "a"}]`, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseTree([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseTree(%s) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrBadManifest) {
				t.Errorf("error %v does not wrap ErrBadManifest", err)
			}
		})
	}
}

func FuzzParseTree(f *testing.F) {
	f.Add([]byte(`[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tree, err := ParseTree(b)
		if err != nil {
			return
		}
		again, err := ParseTree(tree.Bytes())
		if err != nil || len(again) != len(tree) {
			t.Fatalf("re-parse of %s: %v", tree.Bytes(), err)
		}
	})
}
