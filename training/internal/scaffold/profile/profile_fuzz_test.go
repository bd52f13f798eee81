package profile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead checks that Read never panics and that what it accepts adds
// up: every cell of every row is counted once as blank, a number or not a
// number, and the classes count the label's non-blank cells.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("../../dataset/testdata/*.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"a,b,y\n1,,p\n x ,2,q\n",
		"\ufeff a ,y\n1e999,p\nNaN,p\n-0,\n",
		"a,\"y,z\"\n\"1\n2\",\"p\nq\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(t.Context(), "fuzz.csv", bytes.NewReader(data), "")
		if err != nil {
			return
		}
		if p.Rows < 1 || p.Label != len(p.Columns)-1 {
			t.Fatalf("rows %d, label %d of %d columns", p.Rows, p.Label, len(p.Columns))
		}
		for _, c := range p.Columns {
			if c.Blank+c.Numbers+c.NotNumbers != p.Rows {
				t.Fatalf("column %q: %d blank + %d numbers + %d others != %d rows", c.Name, c.Blank, c.Numbers, c.NotNumbers, p.Rows)
			}
			if c.Numbers > 0 && c.Min > c.Max {
				t.Fatalf("column %q: min %v > max %v", c.Name, c.Min, c.Max)
			}
		}
		classRows := 0
		for _, n := range p.Classes {
			classRows += n
		}
		if label := p.Columns[p.Label]; !p.TooManyClasses && classRows != p.Rows-label.Blank {
			t.Fatalf("classes count %d rows, the label has %d non-blank cells", classRows, p.Rows-label.Blank)
		}
	})
}
