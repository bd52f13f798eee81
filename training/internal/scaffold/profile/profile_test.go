package profile

import (
	"fmt"
	"strings"
	"testing"
)

func TestReadRejects(t *testing.T) {
	tests := []struct {
		name, csv, label, want string
	}{
		{"empty file", "", "", "is empty, want a header line"},
		{"header only", "a,y\n", "", "has a header but no data rows"},
		{"unnamed column", "a,,y\n1,2,p\n", "", "column 2 has no name in the header line"},
		{"repeated column", "a,b,a\n1,2,3\n", "", `columns 1 and 3 are both named "a"`},
		{"label not found", "a,b\n1,2\n", "species", `label column "species" not found; the file has columns "a", "b"`},
		{"ragged row", "a,y\n1,p\n2,q,3\n", "", "line 3 has 3 fields, the header has 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(t.Context(), "x.csv", strings.NewReader(tt.csv), tt.label)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Read error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRead(t *testing.T) {
	csv := "\ufeff a ,txt,b,y\n1,x, ,p\n-2.5,2, ,q\n 3 ,y,4,p\n"
	p, err := Read(t.Context(), "x.csv", strings.NewReader(csv), "")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%d rows, label %d, classes %v; %+v", p.Rows, p.Label, p.Classes, p.Columns)
	want := "3 rows, label 3, classes map[p:2 q:1]; [" +
		"{Name:a Blank:0 FirstBlank:0 Numbers:3 Min:-2.5 Max:3 NotNumbers:0 FirstNotNumber:{Line:0 Value:}} " +
		"{Name:txt Blank:0 FirstBlank:0 Numbers:1 Min:2 Max:2 NotNumbers:2 FirstNotNumber:{Line:2 Value:x}} " +
		"{Name:b Blank:2 FirstBlank:2 Numbers:1 Min:4 Max:4 NotNumbers:0 FirstNotNumber:{Line:0 Value:}} " +
		"{Name:y Blank:0 FirstBlank:0 Numbers:0 Min:0 Max:0 NotNumbers:3 FirstNotNumber:{Line:2 Value:p}}]"
	if got != want {
		t.Errorf("profile\n got %s\nwant %s", got, want)
	}
	if p, err := Read(t.Context(), "x.csv", strings.NewReader(csv), "a"); err != nil || p.Label != 0 || p.Classes["-2.5"] != 1 {
		t.Errorf("label a: %v, %+v", err, p)
	}
}

func TestReadTooManyClasses(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,y\n")
	for i := range MaxClasses + 1 {
		fmt.Fprintf(&b, "%d,%d\n", i, i)
	}
	p, err := Read(t.Context(), "x.csv", strings.NewReader(b.String()), "")
	if err != nil {
		t.Fatal(err)
	}
	if !p.TooManyClasses || len(p.Classes) != MaxClasses {
		t.Errorf("TooManyClasses %v with %d classes, want true with %d", p.TooManyClasses, len(p.Classes), MaxClasses)
	}
}
