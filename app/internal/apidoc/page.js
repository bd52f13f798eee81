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
