package apidoc

import (
	"strings"
	"testing"
)

func testDoc() *Document {
	return &Document{
		OpenAPI: "3.1.0",
		Info:    Info{Title: "Test <API>", Version: "1.0.0"},
		Tags:    []Tag{{Name: "t", Description: "things"}},
		Paths: map[string]*PathItem{
			"/items/{id}": {Get: &Operation{OperationID: "getItem", Summary: "Get <b>one</b>", Tags: []string{"t"},
				Description: "Uses `id` <exactly>.",
				Parameters:  []Parameter{{Name: "id", In: "path", Required: true, Schema: &Schema{Type: "string"}, Example: "a1"}},
				Responses:   map[string]*Response{"200": {Description: "ok", Content: map[string]MediaType{"application/json": {Schema: Ref("Item")}}}}}},
			"/items": {Post: &Operation{OperationID: "addItem", Summary: "Add", Tags: []string{"t"},
				Security:    []SecurityRequirement{{"bearer": {}}},
				RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{"application/json": {Schema: Ref("Item"), Example: map[string]any{"name": "x</textarea>"}}}},
				Responses:   map[string]*Response{"201": {Description: "added"}}}},
		},
		Components: Components{Schemas: map[string]*Schema{"Item": {Type: "object"}}},
	}
}

func TestPage(t *testing.T) {
	p := NewPage(testDoc())
	html := string(p.HTML)
	for _, want := range []string{
		"<script>" + pageJS + "</script>", // verbatim, so the CSP hash matches
		"<style>" + pageCSS + "</style>",
		`<form class="try" data-method="GET" data-path="/items/{id}">`,
		`<input data-param="id" value="a1" required>`,
		`<input name="token" type="password"`,
		`<a href="#schema-Item">Item</a>`,
		"Test &lt;API&gt;",
		"Get &lt;b&gt;one&lt;/b&gt;",
		"x&lt;/textarea&gt;",
		"Uses <code>id</code> &lt;exactly&gt;.",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, want := range []string{"script-src '" + hash(pageJS) + "'", "style-src '" + hash(pageCSS) + "'", "connect-src 'self'", "default-src 'none'"} {
		if !strings.Contains(p.CSP, want) {
			t.Errorf("CSP %q lacks %q", p.CSP, want)
		}
	}
	if strings.Count(html, "<form") != 2 {
		t.Errorf("want one try-it form per operation, got %d", strings.Count(html, "<form"))
	}
}

func TestOperationsOrder(t *testing.T) {
	var got []string
	testDoc().Operations(func(path, method string, _ *Operation) { got = append(got, method+" "+path) })
	if strings.Join(got, ",") != "POST /items,GET /items/{id}" {
		t.Errorf("Operations visited %v", got)
	}
}
