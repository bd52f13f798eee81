package apidoc

import _ "embed" // the page's template, style and script

// The page's template, style and script. The style and script are inlined
// verbatim and allowed by hash in the page's Content-Security-Policy, so
// editing them needs no other change.

//go:embed page.html.tmpl
var pageHTML string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string
