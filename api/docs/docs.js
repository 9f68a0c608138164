// The API's docs page: reads the OpenAPI description and lists its
// operations by group. Self-contained; no library, nothing from elsewhere.
(function () {
  "use strict";
  var L = JSON.parse(document.getElementById("labels").textContent);
  var zhFirst = L.lang !== "en";
  var doc = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  // Both languages of a bilingual text, the page's own first.
  function both(parent, pair, fallback) {
    if (!pair) { parent.appendChild(document.createTextNode(fallback || "")); return; }
    var first = zhFirst ? pair["zh-CN"] : pair.en, second = zhFirst ? pair.en : pair["zh-CN"];
    parent.appendChild(document.createTextNode(first || fallback || ""));
    if (second && second !== first) parent.appendChild(el("span", "en", second));
  }
  function resolve(s) {
    var seen = 0;
    while (s && s.$ref && seen++ < 20) {
      var name = s.$ref.split("/").pop();
      s = doc.components.schemas[name];
    }
    return s || {};
  }
  function refName(s) { return s && s.$ref ? s.$ref.split("/").pop() : ""; }
  // typeOf describes a schema in one line: string, Case, array of Unit …
  function typeOf(s) {
    if (!s) return L.any;
    if (s.$ref) return refName(s);
    if (s.anyOf) {
      return s.anyOf.filter(function (x) { return x.type !== "null"; }).map(typeOf).join(" | ") + " | null";
    }
    var t = s.type;
    if (Array.isArray(t)) t = t.join(" | ");
    if (!t) return L.any;
    if (s.type === "array") return "[" + typeOf(s.items) + "]";
    if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && !s.properties) {
      return "{string: " + typeOf(s.additionalProperties) + "}";
    }
    if (s.format) t += " (" + s.format + ")";
    if (s.contentEncoding) t += " (" + s.contentEncoding + ")";
    return t;
  }
  // objectOf answers the object schema a schema leads to, if any.
  function objectOf(s) {
    if (!s) return null;
    if (s.anyOf) s = s.anyOf.filter(function (x) { return x.type !== "null"; })[0];
    if (s && s.type === "array") return objectOf(s.items);
    if (s && s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && !s.properties) {
      return objectOf(s.additionalProperties);
    }
    s = resolve(s);
    return s && s.properties ? s : null;
  }
  // schemaTree renders an object's properties; nested objects open on demand.
  function schemaTree(s, depth) {
    var o = objectOf(s);
    var ul = el("ul", "props");
    if (!o) { ul.appendChild(el("li", "type", typeOf(s))); return ul; }
    var req = o.required || [];
    Object.keys(o.properties).sort().forEach(function (name) {
      var p = o.properties[name], li = el("li");
      var line = el("span");
      line.appendChild(el("code", "", name));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(el("span", "type", typeOf(p)));
      if (req.indexOf(name) < 0) line.appendChild(el("span", "en", L.optional));
      var r = resolve(p.anyOf ? p.anyOf[0] : p);
      if (r.enum) line.appendChild(el("span", "enum", " " + r.enum.filter(function (v) { return v !== ""; }).join(" | ")));
      if (objectOf(p) && depth < 8) {
        var d = el("details", "schema");
        var sm = el("summary");
        sm.appendChild(line);
        d.appendChild(sm);
        d.addEventListener("toggle", function once() {
          if (d.open && d.childNodes.length === 1) d.appendChild(schemaTree(p, depth + 1));
        });
        li.appendChild(d);
      } else {
        li.appendChild(line);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function contentBlock(title, content) {
    var box = el("div");
    Object.keys(content || {}).forEach(function (media) {
      var s = content[media].schema;
      var d = el("details", "schema");
      var sm = el("summary");
      sm.appendChild(el("code", "", media));
      sm.appendChild(document.createTextNode(" "));
      sm.appendChild(el("span", "type", typeOf(s)));
      d.appendChild(sm);
      d.addEventListener("toggle", function () {
        if (d.open && d.childNodes.length === 1) d.appendChild(schemaTree(s, 0));
      });
      box.appendChild(d);
    });
    return box;
  }
  function operation(method, path, op) {
    var d = el("details", "op");
    d.id = op.operationId;
    d.dataset.search = (method + " " + path + " " + op.operationId + " " + op.summary + " " +
      (op["x-pingan-summary"] ? op["x-pingan-summary"]["zh-CN"] : "")).toLowerCase();
    var sm = el("summary");
    sm.appendChild(el("span", "method m-" + method, method.toUpperCase()));
    sm.appendChild(el("span", "path", path));
    var title = el("span", "summary");
    both(title, op["x-pingan-summary"], op.summary);
    sm.appendChild(title);
    if (op.security && op.security.length === 0) sm.appendChild(el("span", "badge", L.public));
    if (op["x-pingan-capability"]) sm.appendChild(el("span", "badge cap", op["x-pingan-capability"]));
    d.appendChild(sm);
    d.addEventListener("toggle", function () {
      if (!d.open || d.childNodes.length > 1) return;
      var body = el("div", "body");
      if (op["x-pingan-capability"]) {
        body.appendChild(el("p", "", L.capability + ": " + op["x-pingan-capability"] + " · " + L.roles + ": " +
          (op["x-pingan-roles"] || []).join(", ")));
      }
      if (op.parameters && op.parameters.length) {
        body.appendChild(el("h3", "", L.params));
        var t = el("table");
        op.parameters.forEach(function (p) {
          var tr = el("tr");
          var name = el("td");
          name.appendChild(el("code", "", p.name));
          if (p.required) name.appendChild(el("span", "req", " *" + L.required));
          tr.appendChild(name);
          tr.appendChild(el("td", "", L["in." + p.in] || p.in));
          var ty = typeOf(p.schema);
          if (p.schema && p.schema.enum) ty += ": " + p.schema.enum.join(" | ");
          tr.appendChild(el("td", "type", ty));
          var desc = el("td");
          both(desc, p["x-pingan-description"], p.description);
          tr.appendChild(desc);
          t.appendChild(tr);
        });
        body.appendChild(t);
      }
      if (op.requestBody) {
        body.appendChild(el("h3", "", L.body));
        body.appendChild(contentBlock(L.body, op.requestBody.content));
      }
      body.appendChild(el("h3", "", L.responses));
      Object.keys(op.responses).sort().forEach(function (status) {
        var r = op.responses[status];
        if (r.$ref) r = doc.components.responses[refName(r)] || r;
        var p = el("div", "response");
        var head = el("p");
        head.appendChild(el("code", "", status));
        head.appendChild(document.createTextNode(" "));
        both(head, r["x-pingan-description"], r.description);
        p.appendChild(head);
        if (r.content && status < "400") p.appendChild(contentBlock("", r.content));
        body.appendChild(p);
      });
      d.appendChild(body);
    });
    return d;
  }
  function render() {
    var main = document.getElementById("ops"), toc = document.getElementById("toc");
    main.textContent = "";
    var byTag = {};
    Object.keys(doc.paths).sort().forEach(function (path) {
      var item = doc.paths[path];
      ["get", "post", "put", "patch", "delete"].forEach(function (m) {
        if (!item[m]) return;
        var tag = (item[m].tags || [""])[0];
        (byTag[tag] = byTag[tag] || []).push(operation(m, path, item[m]));
      });
    });
    (doc.tags || []).forEach(function (tag) {
      var ops = byTag[tag.name];
      if (!ops) return;
      var sec = el("section", "tag");
      sec.id = "tag-" + tag.name;
      var h = el("h2");
      both(h, tag["x-pingan-name"], tag.name);
      sec.appendChild(h);
      ops.forEach(function (o) { sec.appendChild(o); });
      main.appendChild(sec);
      var a = el("a");
      a.href = "#tag-" + tag.name;
      a.textContent = (tag["x-pingan-name"] || {})[zhFirst ? "zh-CN" : "en"] || tag.name;
      toc.appendChild(a);
    });
    main.dataset.ready = "true";
  }
  function filter(words) {
    words = words.trim().toLowerCase();
    document.querySelectorAll("details.op").forEach(function (d) {
      d.classList.toggle("hidden", words !== "" && d.dataset.search.indexOf(words) < 0);
    });
    document.querySelectorAll("section.tag").forEach(function (s) {
      s.classList.toggle("hidden", s.querySelectorAll("details.op:not(.hidden)").length === 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("status");
    status.textContent = L.loading;
    document.getElementById("download").textContent = L.download;
    var f = document.getElementById("filter");
    f.placeholder = L.filter;
    f.addEventListener("input", function () { filter(f.value); });
    fetch(document.body.dataset.spec, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.statusText);
        return r.json();
      })
      .then(function (d) {
        doc = d;
        render();
        if (location.hash) {
          var target = document.getElementById(location.hash.slice(1));
          if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
        }
      })
      .catch(function (e) { status.textContent = L.failed + e.message; });
  });
})();
