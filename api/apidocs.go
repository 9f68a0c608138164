package api

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
)

// The docs page of the API (/api/docs): an HTML page, its style and a
// small script of its own that reads /api/v1/openapi.json and lists the
// operations by group — method, path, summary (Chinese first), the
// capability and roles, parameters, and the request and answer schemas,
// expandable. Everything is embedded; nothing is fetched from elsewhere,
// so the page works offline.

//go:embed docs/index.html docs/docs.js docs/docs.css
var docsFS embed.FS

var docsTemplate = template.Must(template.ParseFS(docsFS, "docs/index.html"))

// DocsPath is where DocsHandler serves the page; its script and style lie
// under DocsPath + "/".
const DocsPath = "/api/docs"

// docsLabels are the page's words, handed to its script.
var docsLabels = []string{"loading", "failed", "filter", "params", "body", "responses", "required", "public", "capability",
	"roles", "schema", "download", "in.path", "in.query", "in.header", "nullable", "optional", "any"}

// DocsHandler serves the docs page at DocsPath and its script and style,
// with a Content-Security-Policy of its own: scripts, styles and requests
// from the same origin only. Mount it with mux.Handle(api.DocsPath, h) and
// mux.Handle(api.DocsPath+"/", h).
func (s *Server) DocsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+DocsPath, s.docsPage)
	for name, ctype := range map[string]string{"docs.js": "text/javascript; charset=utf-8", "docs.css": "text/css; charset=utf-8"} {
		b, err := docsFS.ReadFile("docs/" + name)
		if err != nil {
			panic(err) // embedded above
		}
		mux.HandleFunc("GET "+DocsPath+"/"+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Cache-Control", "public, max-age=300")
			w.Write(b)
		})
	}
	return httpx.Handler(mux, httpx.Config{Log: s.log, Header: http.Header{
		"Content-Security-Policy": {"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
	}})
}

// docsPage answers the page, Chinese first; ?lang=en puts English first.
func (s *Server) docsPage(w http.ResponseWriter, r *http.Request) {
	lang := pingan.ZH
	if r.URL.Query().Get("lang") == "en" {
		lang = pingan.EN
	}
	labels := map[string]string{"lang": string(lang)}
	for _, k := range docsLabels {
		labels[k] = pingan.Text(lang, "openapi.docs."+k)
	}
	var buf bytes.Buffer
	err := docsTemplate.Execute(&buf, map[string]any{
		"Lang":   string(lang),
		"Title":  pingan.Text(lang, "openapi.docs.title"),
		"Intro":  pingan.Text(lang, "openapi.docs.intro"),
		"Labels": labels, // written as JSON in the script element
		"Spec":   Prefix + "openapi.json",
		"Base":   DocsPath + "/",
	})
	if err != nil {
		s.log.Error("the API docs page", slog.Any("error", err))
		http.Error(w, pingan.Text(lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
}
