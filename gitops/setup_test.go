package gitops

// docs/cicd.md's one-time setup lists exactly the repository variables and
// secrets the workflows read, so a person setting up a fork finds every one
// of them in one table.

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// setupSection is the heading of docs/cicd.md's checklist; the workflows'
// error messages point at it by name.
const setupSection = "## One-time setup"

var settingRow = regexp.MustCompile("(?m)^\\s*\\| `([A-Z][A-Z0-9_]*)` \\| (variable|secret) \\|")

// documentedSettings reads the name -> kind (variable or secret) rows of the
// section of doc that starts at heading, up to the next second-level
// heading.
func documentedSettings(doc, heading string) (map[string]string, error) {
	start := strings.Index("\n"+doc, "\n"+heading+"\n")
	if start < 0 {
		return nil, fmt.Errorf("no %q section", heading)
	}
	section := doc[start:]
	if end := strings.Index(section[len(heading):], "\n## "); end >= 0 {
		section = section[:len(heading)+end]
	}
	out := map[string]string{}
	for _, m := range settingRow.FindAllStringSubmatch(section, -1) {
		if prev, dup := out[m[1]]; dup {
			return nil, fmt.Errorf("%s listed twice (%s, %s)", m[1], prev, m[2])
		}
		out[m[1]] = m[2]
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q lists no `NAME` | variable or secret | rows", heading)
	}
	return out, nil
}

func TestDocumentedSettings(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      map[string]string
		err       string
	}{
		{
			name: "rows of the section only",
			doc: "# T\n| `OUTSIDE` | variable | x |\n## One-time setup\n\n  | Name | Kind |\n  | --- | --- |\n" +
				"  | `A_B` | variable | v |\n  | `KEY` | secret | s |\n| `lower` | variable | not a name |\n## Next\n| `AFTER` | variable | x |\n",
			want: map[string]string{"A_B": "variable", "KEY": "secret"},
		},
		{name: "no section", doc: "## Setup\n| `A` | variable |\n", err: "no"},
		{name: "empty section", doc: "## One-time setup\ntext\n## Next\n", err: "lists no"},
		{name: "duplicate", doc: "## One-time setup\n| `A` | variable |\n| `A` | secret |\n", err: "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := documentedSettings(tc.doc, setupSection)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err %v, want one containing %q", err, tc.err)
				}
			case err != nil:
				t.Fatal(err)
			case !maps.Equal(got, tc.want):
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCICDDocumentsEveryVariable: the setup table and the workflows agree
// on every variable and secret, and on which is which. GITHUB_TOKEN is
// GitHub's own and set up by nobody.
func TestCICDDocumentsEveryVariable(t *testing.T) {
	doc := string(readFile(t, filepath.Join(repoRoot, "docs", "cicd.md")))
	documented, err := documentedSettings(doc, setupSection)
	if err != nil {
		t.Fatalf("docs/cicd.md: %v", err)
	}
	kinds := map[string]string{"vars": "variable", "secrets": "secret"}
	read := map[string]string{}     // name -> kind
	readBy := map[string][]string{} // name -> workflows
	ref := regexp.MustCompile(`\b(vars|secrets)\.([A-Za-z0-9_]+)`)
	for _, w := range loadWorkflows(t) {
		for _, m := range ref.FindAllStringSubmatch(string(w.raw), -1) {
			if m[2] == "GITHUB_TOKEN" {
				continue
			}
			read[m[2]] = kinds[m[1]]
			if !slices.Contains(readBy[m[2]], w.name) {
				readBy[m[2]] = append(readBy[m[2]], w.name)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(read)) {
		switch kind, ok := documented[name]; {
		case !ok:
			t.Errorf("%v read %s.%s; docs/cicd.md %q does not list it", readBy[name], map[string]string{"variable": "vars", "secret": "secrets"}[read[name]], name, setupSection)
		case kind != read[name]:
			t.Errorf("docs/cicd.md lists %s as a %s; the workflows read it as a %s", name, kind, read[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(documented)) {
		if _, ok := read[name]; !ok {
			t.Errorf("docs/cicd.md %q lists %s, which no workflow reads", setupSection, name)
		}
	}
}

// TestDeployDocumentsTheSetup: docs/deploy.md's checklist points at the
// bootstrap and at cicd.md's table rather than repeating it.
func TestDeployDocumentsTheSetup(t *testing.T) {
	doc := string(readFile(t, filepath.Join(repoRoot, "docs", "deploy.md")))
	documented, err := documentedSettings(doc, "## One-time setup checklist")
	if err == nil {
		t.Errorf("docs/deploy.md repeats the variables table (%d rows): link cicd.md's instead", len(documented))
	}
	for _, link := range []string{"(bootstrap.md)", "(cicd.md#one-time-setup)", "(cicd.md#the-stacks-runners)"} {
		if !strings.Contains(doc, link) {
			t.Errorf("docs/deploy.md's checklist lacks the link %s", link)
		}
	}
}
