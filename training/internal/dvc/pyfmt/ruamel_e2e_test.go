package pyfmt

// The differential test below compares MarshalYAML and MarshalJSON with
// ruamel.yaml (the YAML library DVC writes its files with) and Python's
// json module on thousands of generated documents. It needs Debian's
// python3-ruamel.yaml, so it runs in `make e2e` (MLOPS_E2E=1), not in
// `make test`.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func pyLit(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return fmt.Sprint(x)
	case float64:
		if math.IsInf(x, 1) {
			return "float('inf')"
		}
		if math.IsInf(x, -1) {
			return "float('-inf')"
		}
		if math.IsNaN(x) {
			return "float('nan')"
		}
		return FormatFloat(x)
	case string:
		b := AppendJSONString(nil, x)
		return string(b)
	case []any:
		var p []string
		for _, e := range x {
			p = append(p, pyLit(e))
		}
		return "[" + strings.Join(p, ", ") + "]"
	case Map:
		var p []string
		for _, kv := range x {
			p = append(p, pyLit(kv.Key)+": "+pyLit(kv.Value))
		}
		return "{" + strings.Join(p, ", ") + "}"
	}
	panic(v)
}

var words = []string{"a", "bb", "cmd", "mlops", "train", "--params", "params.yaml", "x: y", "#", "a #b", "-", "- x", "'q'", "it's", "\"dq\"", "1", "1.0", "1e3", "true", "null", "~", "", " ", "  ", "yes", "2001-01-01", "café", "tab\there", "nl\nx", "\x01", "{a}", "[b]", "a,b", "?", "?x", ":", "a:", "a:b", "%", "@", "`", "=", "<<", "...", "---", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "0x1F", "0o7", "1_0", ".5", "+1", "-2", ".inf", "\u00a0", "a\\b", "!", "&a", "*a", "|", ">"}

func randStr(r *rand.Rand) string {
	n := r.IntN(25)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			if r.IntN(8) == 0 {
				b.WriteString("  ")
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	if r.IntN(3) == 0 {
		return words[r.IntN(len(words))]
	}
	return b.String()
}

func randVal(r *rand.Rand, depth int) any {
	k := r.IntN(10)
	if depth > 3 {
		k = r.IntN(6)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return r.IntN(2000) - 1000
	case 3:
		fs := []float64{1.0, 0.0001, 1e-5, 1e16, 1e15, 0.1, 123.456, -0.5, 2.5e-300, math.Inf(1), 3.0e20, 1.0 / 3}
		return fs[r.IntN(len(fs))]
	case 4, 5:
		return randStr(r)
	case 6, 7:
		n := r.IntN(4)
		s := []any{}
		for i := 0; i < n; i++ {
			s = append(s, randVal(r, depth+1))
		}
		return s
	default:
		n := r.IntN(4)
		m := Map{}
		for i := 0; i < n; i++ {
			m.Set(strings.ReplaceAll(randStr(r), ":", ";"), randVal(r, depth+1))
		}
		return m
	}
}

func TestE2ERuamel(t *testing.T) {
	if os.Getenv("MLOPS_E2E") == "" {
		t.Skip("set MLOPS_E2E=1 (needs python3-ruamel.yaml); see mk/data.mk")
	}
	python := os.Getenv("MLOPS_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	r := rand.New(rand.NewPCG(1, 2))
	var cases []Map
	var lits []string
	for i := 0; i < 3000; i++ {
		m := Map{}
		for j := 0; j < 3; j++ {
			m.Set(strings.ReplaceAll(randStr(r), ":", ";"), randVal(r, 0))
		}
		cases = append(cases, m)
		lits = append(lits, pyLit(m))
	}
	script := `import sys, io, json
from ruamel.yaml import YAML
y = YAML(); y.default_flow_style=False
cases = [` + strings.Join(lits, ",\n") + `]
out = []
for c in cases:
    s = io.StringIO(); y.dump(c, s); out.append(s.getvalue()); out.append(json.dumps(c, sort_keys=True))
sys.stdout.write(json.dumps(out))
`
	scriptPath := t.TempDir() + "/diff.py"
	if err := os.WriteFile(scriptPath, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(python, scriptPath).Output()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	bad, skipped := 0, 0
	for i, c := range cases {
		got, err := MarshalYAML(c)
		if err != nil {
			skipped++
			continue
		}
		js, _ := MarshalJSON(c)
		if string(js) != out[2*i+1] && bad < 5 {
			bad++
			t.Errorf("json case %d\ngot:\n%s\nwant:\n%s", i, js, out[2*i+1])
		}
		if string(got) != out[2*i] && bad < 5 {
			bad++
			t.Errorf("case %d\ngot:\n%s\nwant:\n%s", i, got, out[2*i])
		}
	}
	t.Logf("compared %d documents; skipped %d that need complex keys", len(cases)-skipped, skipped)
}
