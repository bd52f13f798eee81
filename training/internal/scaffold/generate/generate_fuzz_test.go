package generate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/scaffold/profile"
)

// FuzzGenerate checks that whatever file is profiled, Generate either
// reports problems or returns a params.yaml that training parses (Generate
// parses it back itself and reports a failure as a bug) with ranges that
// hold every observed value.
func FuzzGenerate(f *testing.F) {
	for _, s := range []string{
		"a,b,y\n1,5,p\n2,6,q\n3,7,p\n4,8,q\n",
		"true,null,y\n1e300,-1e300,\"a\nb\"\n-1e308,1e308,c\n1e308,-1e308,a\n0,0,c\n",
		"x,y\n0.1,p\n0.3,p\n1e-9,q\n2e-9,q\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := profile.Read(t.Context(), "fuzz.csv", bytes.NewReader(data), "")
		if err != nil {
			return
		}
		res, err := Generate(p, Options{Path: "data/fuzz.csv"})
		if err != nil {
			if strings.Contains(err.Error(), "please report this") {
				t.Fatal(err)
			}
			return
		}
		for _, feat := range res.Params.Data.Features {
			c, _ := p.Column(feat.Name)
			if feat.Min > c.Min || feat.Max < c.Max {
				t.Fatalf("feature %q: range [%v, %v] does not hold the observed [%v, %v]", feat.Name, feat.Min, feat.Max, c.Min, c.Max)
			}
		}
	})
}
