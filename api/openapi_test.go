package api_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The OpenAPI description cannot drift from the handlers: these tests walk
// every route the mux registers (with every service configured, as the
// bad-text sweep does), read the handlers' source for the query parameters
// they read and the capability they ask, and check real answers of the
// server against the schemas.

// openapiDoc fetches the description over real HTTP.
func openapiDoc(t *testing.T, h http.Handler) map[string]any {
	t.Helper()
	ts := httptest.NewServer(h)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// fullServer is a server with every service of api.Config (sweepConfig).
func fullServer(t *testing.T) *api.Server {
	clock := storetest.NewClock(storetest.Epoch)
	return api.New(sweepConfig(storetest.Open(t), clock))
}

// operations answers the description's operations by pattern: "GET /api/v1/units".
func operationsOf(doc map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			out[strings.ToUpper(method)+" /api/v1"+path] = op.(map[string]any)
		}
	}
	return out
}

func TestOpenAPIEveryRouteDescribed(t *testing.T) {
	srv := fullServer(t)
	ops := operationsOf(openapiDoc(t, srv.Handler()))
	routes := srv.Routes()
	if len(routes) < 100 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, p := range routes {
		if ops[p] == nil {
			t.Errorf("the route %q has no operation in the OpenAPI description: add its entry to operations (api/openapi.go)", p)
		}
	}
	for p := range ops {
		if !slices.Contains(routes, p) {
			t.Errorf("the OpenAPI description has %q, which no route registers", p)
		}
	}
}

func TestOpenAPIDocumentValid(t *testing.T) {
	doc := openapiDoc(t, fullServer(t).Handler())
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi: %v", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == "" || info["version"] == "" || info["version"] == nil {
		t.Errorf("info: %v", info)
	}
	comps := doc["components"].(map[string]any)
	// Every $ref resolves.
	var walk func(v any, at string)
	refs := 0
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				refs++
				parts := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
				if !strings.HasPrefix(r, "#/components/") || len(parts) != 2 {
					t.Errorf("%s: $ref %q is not local", at, r)
				} else if sect, _ := comps[parts[0]].(map[string]any); sect == nil || sect[parts[1]] == nil {
					t.Errorf("%s: $ref %q resolves to nothing", at, r)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
	if refs < 100 {
		t.Errorf("only %d $refs", refs)
	}
	tags := map[string]bool{}
	for _, tg := range doc["tags"].([]any) {
		tags[tg.(map[string]any)["name"].(string)] = true
	}
	ids := map[string]string{}
	for pattern, op := range operationsOf(doc) {
		_, path, _ := strings.Cut(pattern, " ")
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", pattern)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share the operationId %q", pattern, other, id)
		}
		ids[id] = pattern
		sum, _ := op["x-pingan-summary"].(map[string]any)
		if op["summary"] == "" || sum["zh-CN"] == "" || sum["en"] == "" || strings.HasPrefix(fmt.Sprint(sum["zh-CN"]), "openapi.") {
			t.Errorf("%s: summary %v %v: write openapi.op.… in messages_openapi.go", pattern, op["summary"], sum)
		}
		for _, tg := range op["tags"].([]any) {
			if !tags[tg.(string)] {
				t.Errorf("%s: tag %v is not among the document's tags", pattern, tg)
			}
		}
		// Path parameters: exactly the pattern's wildcards.
		var declared []string
		params, _ := op["parameters"].([]any)
		seen := map[string]bool{}
		for _, p := range params {
			p := p.(map[string]any)
			key := p["in"].(string) + ":" + p["name"].(string)
			if seen[key] {
				t.Errorf("%s: parameter %s twice", pattern, key)
			}
			seen[key] = true
			if p["in"] == "path" {
				declared = append(declared, p["name"].(string))
				if p["required"] != true {
					t.Errorf("%s: path parameter %v not required", pattern, p["name"])
				}
			}
			if d, _ := p["x-pingan-description"].(map[string]any); d["zh-CN"] == "" || strings.HasPrefix(fmt.Sprint(d["zh-CN"]), "openapi.") {
				t.Errorf("%s: parameter %s has no description: write it in messages_openapi.go", pattern, key)
			}
		}
		if want := wildcardsOf(path); !slices.Equal(declared, want) {
			t.Errorf("%s: path parameters %v, want %v", pattern, declared, want)
		}
		resp, _ := op["responses"].(map[string]any)
		ok := false
		for st := range resp {
			ok = ok || strings.HasPrefix(st, "2")
		}
		if !ok {
			t.Errorf("%s: no answer of success among %v", pattern, resp)
		}
	}
}

// ---- the handlers' source ----

// routeSource is what the source says of a route: its handler, the
// capability it asks (the constant's name), the query parameters and
// headers its handler reads, the type its body is decoded into.
type routeSource struct {
	handler, capName string
	public           bool
	query, headers   []string
	body             ast.Expr
}

// readSource parses the package's source and answers each registered
// route's handler, capability, parameters and body.
func readSource(t *testing.T) (map[string]*routeSource, map[string]string, map[string]*ast.TypeSpec) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]*ast.FuncDecl{}
	types := map[string]*ast.TypeSpec{}
	pkgConsts := map[string]ast.Expr{}
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				funcs[d.Name.Name] = d
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.ValueSpec:
						for i, n := range sp.Names {
							if i < len(sp.Values) {
								pkgConsts[n.Name] = sp.Values[i]
							}
						}
					case *ast.TypeSpec:
						types[sp.Name.Name] = sp
					}
				}
			}
		}
	}
	// The capabilities' values, from the domain's source.
	caps := map[string]string{}
	pf, err := parser.ParseFile(fset, "../permission.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(pf, func(n ast.Node) bool {
		if sp, ok := n.(*ast.ValueSpec); ok {
			for i, name := range sp.Names {
				if i < len(sp.Values) {
					if lit, ok := sp.Values[i].(*ast.BasicLit); ok && strings.HasPrefix(name.Name, "Cap") {
						caps[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
		return true
	})

	routes := map[string]*routeSource{}
	for _, fn := range funcs {
		if fn.Body == nil {
			continue
		}
		local := map[string]ast.Expr{}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if sp, ok := n.(*ast.ValueSpec); ok {
				for i, name := range sp.Names {
					if i < len(sp.Values) {
						local[name.Name] = sp.Values[i]
					}
				}
			}
			return true
		})
		var str func(e ast.Expr) (string, bool)
		str = func(e ast.Expr) (string, bool) {
			switch e := e.(type) {
			case *ast.BasicLit:
				s, err := strconv.Unquote(e.Value)
				return s, err == nil
			case *ast.BinaryExpr:
				a, ok1 := str(e.X)
				b, ok2 := str(e.Y)
				return a + b, ok1 && ok2 && e.Op == token.ADD
			case *ast.Ident:
				if v, ok := local[e.Name]; ok {
					return str(v)
				}
				if v, ok := pkgConsts[e.Name]; ok {
					return str(v)
				}
			}
			return "", false
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "authed" && sel.Sel.Name != "public") {
				return true
			}
			pattern, ok := str(call.Args[0])
			if !ok {
				t.Errorf("%s: a route whose pattern is not a constant: %s", fn.Name.Name, fset.Position(call.Pos()))
				return true
			}
			rs := &routeSource{public: sel.Sel.Name == "public"}
			h := call.Args[1]
			if c, ok := h.(*ast.CallExpr); ok {
				if s, ok := c.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "may" && len(c.Args) == 2 {
					if cs, ok := c.Args[0].(*ast.SelectorExpr); ok {
						rs.capName = cs.Sel.Name
					}
					h = c.Args[1]
				}
			}
			if c, ok := h.(*ast.CallExpr); ok { // s.limited or s.limitedAll(limiter, key, handler): the rate limits (limits.go)
				if s, ok := c.Fun.(*ast.SelectorExpr); ok && (s.Sel.Name == "limited" || s.Sel.Name == "limitedAll") && len(c.Args) == 3 {
					h = c.Args[2]
				}
			}
			if s, ok := h.(*ast.SelectorExpr); ok {
				rs.handler = s.Sel.Name
			}
			routes[pattern] = rs
			return true
		})
	}
	for pattern, rs := range routes {
		fn := funcs[rs.handler]
		if fn == nil {
			t.Errorf("%s: its handler %q is not found", pattern, rs.handler)
			continue
		}
		visited := map[string]bool{}
		var read func(fn *ast.FuncDecl, depth int)
		read = func(fn *ast.FuncDecl, depth int) {
			if visited[fn.Name.Name] || fn.Body == nil {
				return
			}
			visited[fn.Name.Name] = true
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var name string
				var recv ast.Expr
				switch f := call.Fun.(type) {
				case *ast.Ident:
					name = f.Name
				case *ast.SelectorExpr:
					name, recv = f.Sel.Name, f.X
				}
				lit := ""
				if len(call.Args) > 0 {
					if b, ok := call.Args[0].(*ast.BasicLit); ok && b.Kind == token.STRING {
						lit, _ = strconv.Unquote(b.Value)
					}
				}
				isHeader := false
				if s, ok := recv.(*ast.SelectorExpr); ok && s.Sel.Name == "Header" {
					isHeader = true
				}
				switch {
				case lit != "" && name == "Get" && isHeader:
					rs.headers = append(rs.headers, lit)
				case lit != "" && recv != nil && slices.Contains([]string{"str", "int", "bool", "time", "has", "Get", "FormValue"}, name):
					rs.query = append(rs.query, lit)
				case name == "decode" && len(call.Args) == 3 && rs.body == nil && depth == 0:
					if u, ok := call.Args[2].(*ast.UnaryExpr); ok {
						if id, ok := u.X.(*ast.Ident); ok && id.Obj != nil {
							if vs, ok := id.Obj.Decl.(*ast.ValueSpec); ok {
								rs.body = vs.Type
							}
						}
					}
				}
				if next := funcs[name]; next != nil && depth < 2 {
					read(next, depth+1)
				}
				return true
			})
		}
		read(fn, 0)
	}
	return routes, caps, types
}

func TestOpenAPIMatchesTheHandlers(t *testing.T) {
	srv := fullServer(t)
	doc := openapiDoc(t, srv.Handler())
	ops := operationsOf(doc)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	src, caps, types := readSource(t)
	for _, pattern := range srv.Routes() {
		if pattern == "GET /api/v1/openapi.json" {
			continue // registered where the table is
		}
		rs, op := src[pattern], ops[pattern]
		if rs == nil {
			t.Errorf("%s: not found in the source", pattern)
			continue
		}
		if op == nil {
			continue // TestOpenAPIEveryRouteDescribed says so
		}
		// The capability and whether a token is needed.
		want := ""
		if rs.capName != "" {
			want = caps[rs.capName]
			if want == "" {
				t.Errorf("%s: capability %s not found in permission.go", pattern, rs.capName)
			}
		}
		if got, _ := op["x-pingan-capability"].(string); got != want {
			t.Errorf("%s: x-pingan-capability %q, the route asks %q", pattern, got, want)
		}
		if sec, ok := op["security"].([]any); (ok && len(sec) == 0) != rs.public {
			t.Errorf("%s: public %v in the source, security %v in the description", pattern, rs.public, op["security"])
		}
		// Every query parameter and header the handler reads is declared.
		declared := map[string]bool{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := p.(map[string]any)
			declared[p["in"].(string)+":"+p["name"].(string)] = true
		}
		for _, q := range rs.query {
			if !declared["query:"+q] {
				t.Errorf("%s: the handler %s reads the query parameter %q, which the description does not declare", pattern, rs.handler, q)
			}
		}
		for _, h := range rs.headers {
			if h != "Authorization" && !declared["header:"+h] {
				t.Errorf("%s: the handler %s reads the header %q, which the description does not declare", pattern, rs.handler, h)
			}
		}
		// The body: the type decoded into, or its fields.
		rb, _ := op["requestBody"].(map[string]any)
		if rs.body == nil {
			continue
		}
		if rb == nil {
			t.Errorf("%s: the handler decodes a body, the description has none", pattern)
			continue
		}
		sch := rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		name := strings.TrimPrefix(fmt.Sprint(sch["$ref"]), "#/components/schemas/")
		props := map[string]any{}
		if s, ok := schemas[name].(map[string]any); ok {
			props, _ = s["properties"].(map[string]any)
		}
		switch b := rs.body.(type) {
		case *ast.SelectorExpr: // pingan.NewCase
			if base := strings.TrimSuffix(name, "Input"); base != b.Sel.Name && name != b.Sel.Name {
				t.Errorf("%s: the body is decoded into %s, the description says %s", pattern, b.Sel.Name, name)
			}
		case *ast.Ident: // a type of the package
			ts := types[b.Name]
			if ts == nil {
				t.Errorf("%s: the body's type %s is not found", pattern, b.Name)
				break
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				checkFields(t, pattern, st, props)
			}
		case *ast.StructType: // a struct of the handler's own
			checkFields(t, pattern, b, props)
		}
	}
}

// checkFields checks that each field a body's struct declares with a json
// tag is a property of its schema.
func checkFields(t *testing.T, pattern string, st *ast.StructType, props map[string]any) {
	t.Helper()
	for _, f := range st.Fields.List {
		if f.Tag == nil {
			continue
		}
		tag, _ := strconv.Unquote(f.Tag.Value)
		name, _, _ := strings.Cut(reflectTag(tag, "json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if props[name] == nil {
			t.Errorf("%s: the body's field %q is not in the description's request schema (%d properties)", pattern, name, len(props))
		}
	}
}

func reflectTag(tag, key string) string {
	for tag != "" {
		k, rest, ok := strings.Cut(tag, ":\"")
		if !ok {
			return ""
		}
		v, after, _ := strings.Cut(rest, "\"")
		if strings.TrimSpace(k) == key {
			return v
		}
		tag = after
	}
	return ""
}

// ---- real answers against their schemas ----

// fits checks a JSON value against a schema of the description: its type,
// every key of an object a property of it (unless it allows others), every
// required property present, an enum's value among its values.
func fits(doc map[string]any, s map[string]any, v any, at string, errs *[]string) {
	if len(*errs) > 20 {
		return
	}
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for depth := 0; s["$ref"] != nil && depth < 10; depth++ {
		s = schemas[strings.TrimPrefix(s["$ref"].(string), "#/components/schemas/")].(map[string]any)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		if v == nil {
			return
		}
		for _, alt := range alts {
			if alt.(map[string]any)["type"] != "null" {
				fits(doc, alt.(map[string]any), v, at, errs)
			}
		}
		return
	}
	var types []string
	switch ty := s["type"].(type) {
	case string:
		types = []string{ty}
	case []any:
		for _, x := range ty {
			types = append(types, x.(string))
		}
	case nil:
		return // any value
	}
	got := "null"
	switch v.(type) {
	case string:
		got = "string"
	case float64:
		got = "number"
	case bool:
		got = "boolean"
	case []any:
		got = "array"
	case map[string]any:
		got = "object"
	}
	ok := slices.Contains(types, got) || got == "number" && slices.Contains(types, "integer")
	if got == "null" && (slices.Contains(types, "array") || slices.Contains(types, "object")) {
		ok = true // a Go slice or map that is nil
	}
	if !ok {
		fail("a %s where the schema says %v", got, types)
		return
	}
	if e, ok := s["enum"].([]any); ok && got == "string" && !slices.Contains(e, v) {
		fail("%q is not among %v", v, e)
	}
	switch v := v.(type) {
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range v {
				fits(doc, items, x, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		for k, x := range v {
			switch {
			case props[k] != nil:
				fits(doc, props[k].(map[string]any), x, at+"."+k, errs)
			case extra != nil:
				fits(doc, extra, x, at+"."+k, errs)
			case s["additionalProperties"] == false || props != nil:
				fail("the key %q is not a property of the schema", k)
			}
		}
		req, _ := s["required"].([]any)
		for _, k := range req {
			if _, ok := v[k.(string)]; !ok {
				fail("the required property %q is missing", k)
			}
		}
	}
}

func TestOpenAPIAnswersFitTheirSchemas(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{DSN: filepath.Join(t.TempDir(), "pingan.db"), Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	srv := api.New(sweepConfig(db, clock))
	e := &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
	ids := sweepFixture(e)
	bodies := sweepBody(e, ids)
	doc := openapiDoc(t, e.h)
	ops := operationsOf(doc)

	// The GETs first, then the rest in the order of registration (a
	// patrol's life: its check-in before its end).
	routes := srv.Routes()
	sort.SliceStable(routes, func(i, j int) bool {
		return strings.HasPrefix(routes[i], "GET ") && !strings.HasPrefix(routes[j], "GET ")
	})
	checked := 0
	for _, pattern := range routes {
		op := ops[pattern]
		if op == nil {
			continue
		}
		method, tmpl, _ := strings.Cut(pattern, " ")
		if method == "DELETE" {
			continue // ends the fixture's session or input
		}
		var segs []string
		for _, seg := range strings.Split(tmpl, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				v, ok := sweepFill(pattern, strings.TrimSuffix(name, "}"), ids)
				if !ok {
					t.Fatalf("%s: no value for %s", pattern, seg)
				}
				seg = url.PathEscape(v)
			}
			segs = append(segs, seg)
		}
		target := strings.Join(segs, "/") + "?" + sweepQuery(pattern)
		user := sweepUser(pattern)
		token := ""
		if sec, ok := op["security"].([]any); !ok || len(sec) > 0 {
			token = e.token(user)
		}
		req := httptest.NewRequest(method, target, strings.NewReader(bodies[pattern]))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		ctype := rec.Header().Get("Content-Type")
		if rec.Code >= 300 {
			if method == "GET" && !strings.Contains(pattern, "/evidence/") {
				t.Errorf("%s as %s: %d %.300s", pattern, user, rec.Code, rec.Body.String())
			} else {
				t.Logf("%s as %s: %d (not checked)", pattern, user, rec.Code)
			}
			continue
		}
		resp, _ := op["responses"].(map[string]any)[strconv.Itoa(rec.Code)].(map[string]any)
		if resp == nil {
			t.Errorf("%s: answers %d, which the description does not list", pattern, rec.Code)
			continue
		}
		content, _ := resp["content"].(map[string]any)
		if rec.Body.Len() == 0 {
			if content != nil {
				t.Errorf("%s: an empty answer where the description has %v", pattern, content)
			}
			continue
		}
		media, _, _ := strings.Cut(ctype, ";")
		mt, _ := content[media].(map[string]any)
		if mt == nil && content["*/*"] != nil {
			continue // a file of any type
		}
		if mt == nil {
			t.Errorf("%s: answers %s, which the description does not list", pattern, media)
			continue
		}
		if !strings.Contains(media, "json") {
			continue
		}
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Errorf("%s: %v", pattern, err)
			continue
		}
		var errs []string
		fits(doc, mt["schema"].(map[string]any), v, pattern, &errs)
		for _, e := range errs {
			t.Error(e)
		}
		checked++
	}
	if checked < 90 {
		t.Errorf("only %d answers checked", checked)
	}
	t.Logf("%d answers checked against their schemas", checked)
}
