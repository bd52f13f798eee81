package apidoc

// The page's template, style and script. The style and script are inlined
// verbatim and allowed by hash in the page's Content-Security-Policy, so
// editing them needs no other change.

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Doc.Info.Title}} {{.Doc.Info.Version}}</title>
<link rel="icon" href="data:,">
<style>{{.Style}}</style>
</head>
<body>
<header>
<h1>{{.Doc.Info.Title}} <small>{{.Doc.Info.Version}}</small></h1>
{{with .Doc.Info.Description}}<p>{{md .}}</p>{{end}}
<p>OpenAPI {{.Doc.OpenAPI}} document: <a href="/openapi.json">/openapi.json</a>. Every form below sends a real request to this server.</p>
</header>
<div class="cols">
<nav aria-label="Operations">
{{range .Groups}}<h2>{{.Tag.Name}}</h2>
<ul>{{range .Ops}}<li><a href="#{{anchor .Method .Path}}"><span class="m {{lower .Method}}">{{.Method}}</span> {{.Path}}</a></li>{{end}}</ul>
{{end}}<h2>Schemas</h2>
<ul>{{range .Schemas}}<li><a href="#schema-{{.Name}}">{{.Name}}</a></li>{{end}}</ul>
</nav>
<main>
{{range .Groups}}<h2 id="tag-{{.Tag.Name}}">{{.Tag.Name}}</h2>
{{with .Tag.Description}}<p>{{md .}}</p>{{end}}
{{range .Ops}}<section class="op" id="{{anchor .Method .Path}}">
<h3><span class="m {{lower .Method}}">{{.Method}}</span> <code>{{.Path}}</code></h3>
<p class="summary">{{.Op.Summary}}</p>
{{with .Op.Description}}<p>{{md .}}</p>{{end}}
{{if .Params}}<h4>Parameters</h4>
<table><tr><th>Name</th><th>In</th><th>Description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td>{{.In}}</td><td>{{md .Description}}</td></tr>{{end}}
</table>{{end}}
{{if .Op.RequestBody}}<h4>Request body</h4>
<p>{{with .Op.RequestBody.Description}}{{md .}} {{end}}Schema: {{if .BodySchema}}<a href="#schema-{{.BodySchema}}">{{.BodySchema}}</a>{{else}}any{{end}}</p>{{end}}
<h4>Responses</h4>
<table><tr><th>Status</th><th>Description</th><th>Body</th></tr>
{{range .Responses}}<tr><td>{{.Code}}</td><td>{{md .Description}}</td><td>{{if .Schema}}<a href="#schema-{{.Schema}}">{{.Schema}}</a>{{else}}{{.Type}}{{end}}</td></tr>{{end}}
</table>
<form class="try" data-method="{{.Method}}" data-path="{{.Path}}">
<h4>Try it</h4>
{{range .Params}}<label>{{.Name}} <input data-param="{{.Name}}" value="{{.Example}}" required></label>
{{end}}{{if .Auth}}<label>Bearer token <input name="token" type="password" autocomplete="off"></label>
{{end}}{{if .Op.RequestBody}}<textarea name="body" rows="10" spellcheck="false" aria-label="request body">{{.Body}}</textarea>
{{end}}<button type="submit">Send {{.Method}} {{.Path}}</button>
<pre class="out" aria-live="polite"></pre>
</form>
</section>
{{end}}{{end}}
<h2 id="schemas">Schemas</h2>
{{range .Schemas}}<section class="schema" id="schema-{{.Name}}"><h3>{{.Name}}</h3><pre>{{.JSON}}</pre></section>
{{end}}
</main>
</div>
<script>{{.Script}}</script>
</body>
</html>
`

const pageCSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header{padding:1rem 2rem;background:#1d2330;color:#fff}header a{color:#9cd3ff}
h1 small{font-size:.6em;color:#9aa5b8}
.cols{display:flex;align-items:flex-start}
nav{position:sticky;top:0;max-height:100vh;overflow:auto;min-width:17rem;padding:0 1rem;border-right:1px solid #dde2ea}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:.2rem 0}nav a{text-decoration:none;color:#1d2330;font-size:.9em}
nav h2{font-size:1rem;margin:1rem 0 .3rem}
main{flex:1;padding:0 2rem 4rem;min-width:0}
.op,.schema{background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:3.2rem;text-align:center;border-radius:3px;color:#fff;font:bold 12px monospace;padding:2px 4px}
.m.get{background:#2f7d32}.m.post{background:#1565c0}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eef0f4;text-align:left;padding:.25rem .5rem;vertical-align:top}
pre{background:#f3f5f8;padding:.5rem;overflow:auto;border-radius:4px}
form.try{border-top:1px dashed #dde2ea;margin-top:.5rem}
form.try label{display:block;margin:.3rem 0}
textarea{width:100%;font:13px monospace;box-sizing:border-box}
button{margin:.4rem 0;padding:.3rem .8rem;cursor:pointer}
pre.out:empty{display:none}
code{background:#eef1f5;border-radius:3px;padding:0 .2em}header code{background:#39435a;color:#e8eef7}
@media (max-width:900px){.cols{display:block}nav{position:static;max-height:none;border:0}main{padding:0 1rem 2rem}}
`

const pageJS = `
"use strict";
document.addEventListener("submit", async function (ev) {
  const form = ev.target.closest("form.try");
  if (!form) return;
  ev.preventDefault();
  const out = form.querySelector("pre.out");
  let path = form.dataset.path;
  for (const input of form.querySelectorAll("input[data-param]")) {
    path = path.replace("{" + input.dataset.param + "}", encodeURIComponent(input.value));
  }
  const init = {method: form.dataset.method, headers: {}};
  const body = form.querySelector("textarea");
  if (body) {
    init.body = body.value;
    init.headers["Content-Type"] = "application/json";
  }
  const token = form.querySelector("input[name=token]");
  if (token && token.value) init.headers["Authorization"] = "Bearer " + token.value;
  out.textContent = "Sending...";
  delete out.dataset.status;
  try {
    const res = await fetch(path, init);
    let text = await res.text();
    try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: show as is */ }
    out.textContent = res.status + " " + res.statusText + "\n" + text;
    out.dataset.status = String(res.status);
  } catch (e) {
    out.textContent = "Request failed: " + e;
    out.dataset.status = "error";
  }
});
`
