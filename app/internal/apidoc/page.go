package apidoc

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"sort"
	"strings"
	"sync"
)

// Page is a rendered documentation page and the Content-Security-Policy
// that lets exactly its inline style and script run.
type Page struct {
	HTML []byte
	CSP  string
}

// NewPage renders the documentation page of doc. The page is one HTML
// document: its style and script are inline, it loads nothing else, and its
// forms call the server that served it (same origin).
func NewPage(doc *Document) *Page {
	v := view{Doc: doc, Style: template.CSS(pageCSS), Script: template.JS(pageJS)}
	for _, t := range doc.Tags {
		v.Groups = append(v.Groups, &group{Tag: t})
	}
	byTag := map[string]*group{}
	for _, g := range v.Groups {
		byTag[g.Tag.Name] = g
	}
	doc.Operations(func(path, method string, op *Operation) {
		o := opView{Path: path, Method: method, Op: op, Auth: len(op.Security) > 0 && len(op.Security[0]) > 0}
		if op.RequestBody != nil {
			mt := op.RequestBody.Content["application/json"]
			o.BodySchema = schemaName(mt.Schema)
			if mt.Example != nil {
				o.Body = pretty(mt.Example)
			}
		}
		for _, p := range op.Parameters {
			ex := ""
			if p.Example != nil {
				ex = strings.Trim(pretty(p.Example), `"`)
			}
			o.Params = append(o.Params, paramView{Parameter: p, Example: ex})
		}
		for _, code := range sortedKeys(op.Responses) {
			r := op.Responses[code]
			rv := respView{Code: code, Description: r.Description}
			for ct, mt := range r.Content {
				rv.Type, rv.Schema = ct, schemaName(mt.Schema)
			}
			o.Responses = append(o.Responses, rv)
		}
		tag := "other"
		if len(op.Tags) > 0 {
			tag = op.Tags[0]
		}
		g, ok := byTag[tag]
		if !ok {
			g = &group{Tag: Tag{Name: tag}}
			byTag[tag] = g
			v.Groups = append(v.Groups, g)
		}
		g.Ops = append(g.Ops, o)
	})
	for _, name := range sortedKeys(doc.Components.Schemas) {
		v.Schemas = append(v.Schemas, schemaView{Name: name, JSON: pretty(doc.Components.Schemas[name])})
	}
	var buf bytes.Buffer
	if err := pageTemplate().Execute(&buf, v); err != nil {
		// The template and its data are ours; a failure is a bug.
		panic("apidoc: render page: " + err.Error())
	}
	return &Page{
		HTML: buf.Bytes(),
		CSP: "default-src 'none'; script-src '" + hash(pageJS) + "'; style-src '" + hash(pageCSS) +
			"'; connect-src 'self'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
	}
}

type view struct {
	Doc     *Document
	Groups  []*group
	Schemas []schemaView
	Style   template.CSS
	Script  template.JS
}

type group struct {
	Tag Tag
	Ops []opView
}

type opView struct {
	Path, Method string
	Op           *Operation
	Params       []paramView
	BodySchema   string
	Body         string
	Auth         bool
	Responses    []respView
}

type paramView struct {
	Parameter
	Example string
}

type respView struct {
	Code, Description, Type, Schema string
}

type schemaView struct {
	Name, JSON string
}

func schemaName(s *Schema) string {
	if s == nil {
		return ""
	}
	if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
		return name
	}
	if s.Type != nil {
		b, _ := json.Marshal(s.Type)
		return strings.Trim(string(b), `"`)
	}
	return ""
}

// pretty indents v as JSON. HTML escaping is left to the template, so the
// page shows "<" rather than "\u003c".
func pretty(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedPaths(m map[string]*PathItem) []string { return sortedKeys(m) }

func anchor(method, path string) string {
	r := strings.NewReplacer("/", "-", "{", "", "}", "")
	return strings.ToLower(method) + r.Replace(path)
}

// inlineMarkdown renders the one piece of CommonMark the descriptions use,
// `code` spans, and escapes everything else.
func inlineMarkdown(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unmatched backtick: show it as it is
		return template.HTML(template.HTMLEscapeString(s))
	}
	var sb strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			sb.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		} else {
			sb.WriteString(template.HTMLEscapeString(p))
		}
	}
	return template.HTML(sb.String())
}

// pageTemplate is parsed at the first page, not at package init: model-api
// starts without it.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"anchor": anchor,
		"lower":  strings.ToLower,
		"md":     inlineMarkdown,
	}).Parse(pageHTML))
})
