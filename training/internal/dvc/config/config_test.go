package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The valid fixtures are written as DVC (configobj) writes them, so each
// must parse and marshal back byte for byte.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ini")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(name, data)
			if strings.HasPrefix(name, "invalid-") {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse error = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(c.Marshal()); got != string(data) {
				t.Errorf("Marshal(Parse):\ngot:\n%s\nwant:\n%s", got, data)
			}
		})
	}
}

// `dvc remote add -d storage s3://bucket/prefix` on an empty config
// writes [core] first, then the remote (dvc/config.py _pack_remotes), and
// configobj quotes values as checked against configobj 5.0.8.
func TestMarshalOrderAndQuoting(t *testing.T) {
	c := &Config{}
	c.Set(`remote "storage"`, "url", "s3://bucket/prefix")
	c.Set("core", "remote", "storage")
	c.Set(`remote "odd"`, "a", "x,y")
	c.Set(`remote "odd"`, "b", "x#y")
	c.Set(`remote "odd"`, "c", "")
	c.Set(`remote "odd"`, "d", " lead")
	c.Set(`remote "odd"`, "e", `say "hi"`)
	c.Set(`remote "odd"`, "f", "/tmp/a b")
	want := `[core]
    remote = storage
['remote "storage"']
    url = s3://bucket/prefix
['remote "odd"']
    a = "x,y"
    b = "x#y"
    c = ""
    d = " lead"
    e = 'say "hi"'
    f = /tmp/a b
`
	if got := string(c.Marshal()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseNormalizes(t *testing.T) {
	c, err := Parse("x", []byte("# comment\n[ remote \"a\" ]\nURL = /x # trailing\n['remote \"b\"']\n  url = 'quoted # not a comment'\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get(`remote "a"`, "url"); v != "/x" {
		t.Errorf("url of a = %q", v)
	}
	if v, _ := c.Get(`remote "b"`, "url"); v != "quoted # not a comment" {
		t.Errorf("url of b = %q", v)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ini")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		out := c.Marshal()
		again, err := Parse("again", out)
		if err != nil {
			t.Fatalf("marshalled config does not parse: %v\n%s", err, out)
		}
		if string(again.Marshal()) != string(out) {
			t.Fatalf("marshal is not stable:\n%s", out)
		}
	})
}
