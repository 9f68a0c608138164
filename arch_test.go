package pingan_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/pingan-gov/pingan"

// TestDependenciesPointInwards fails when the domain or one of the pure
// packages (workflow, calendar) imports, directly or through another
// package of the module, the store, the HTTP layer, a database driver or
// net/http.
func TestDependenciesPointInwards(t *testing.T) {
	forbidden := []string{"net/http", "database/sql", "os/exec", module + "/store", module + "/api", module + "/web",
		module + "/secret", "modernc.org/", "github.com/jackc/"}
	checkImports(t, []string{".", "workflow", "calendar"}, forbidden)
}

// TestAdaptersKeepTheirPlace fails when an adapter reaches the store or a
// database driver (only cmd/pingan wires the store in), or when the two
// HTTP adapters, or the demo and the background jobs, import each other.
func TestAdaptersKeepTheirPlace(t *testing.T) {
	store := []string{"database/sql", module + "/store", module + "/cmd", "modernc.org/", "github.com/jackc/"}
	rules := map[string][]string{
		"api":             append([]string{module + "/web", module + "/demo", module + "/jobs"}, store...),
		"web":             append([]string{module + "/api", module + "/demo", module + "/jobs"}, store...),
		"open311":         append([]string{module + "/api", module + "/web", module + "/demo", module + "/jobs"}, store...),
		"jobs":            append([]string{module + "/api", module + "/web", module + "/demo"}, store...),
		"demo":            append([]string{module + "/api", module + "/web", module + "/jobs"}, store...),
		"importer":        append([]string{"net/http", module + "/api", module + "/web"}, store...),
		"geo":             append([]string{"net/http", module + "/api", module + "/web"}, store...),
		"internal/pinyin": {module + "/", "net/http", "database/sql"},
		"internal/limit":  {module + "/", "net/http", "database/sql"},
		// The MQTT subscriber reaches the readings through the domain's service.
		"mqtt": append([]string{"net/http", module + "/api", module + "/web", module + "/demo", module + "/jobs"}, store...),
		// The load generator speaks HTTP to a server like any client.
		"loadgen": append([]string{module + "/api", module + "/web", module + "/demo", module + "/jobs", module + "/workflow"}, store...),
		"notify": append([]string{module + "/api", module + "/web", module + "/demo", module + "/jobs",
			module + "/secret", module + "/geo", module + "/workflow", module + "/files", module + "/paper"}, store...),
		"paper": append([]string{"net/http", module + "/api", module + "/web", module + "/demo", module + "/jobs",
			module + "/secret", module + "/geo", module + "/workflow", module + "/files"}, store...),
		"monthly": append([]string{"net/http", module + "/api", module + "/web", module + "/demo", module + "/jobs",
			module + "/secret", module + "/geo", module + "/workflow", module + "/files"}, store...),
		"sheet": append([]string{"net/http", module + "/api", module + "/web", module + "/demo", module + "/jobs",
			module + "/secret", module + "/geo", module + "/workflow", module + "/files", module + "/paper"}, store...),
		"files": append([]string{"net/http", module + "/api", module + "/web", module + "/demo", module + "/jobs",
			module + "/secret", module + "/geo", module + "/workflow"}, store...),
		"internal/httpx": append([]string{module + "/api", module + "/web", module + "/demo", module + "/jobs",
			module + "/secret", module + "/geo", module + "/importer", module + "/calendar", module + "/workflow"}, store...),
	}
	for pkg, forbidden := range rules {
		checkImports(t, []string{pkg}, forbidden)
	}
}

// checkImports fails for every import of pkgs, direct or through another
// package of the module, that is forbidden: a path, or a prefix ending in
// "/" (module + "/" forbids the whole module).
func checkImports(t *testing.T, pkgs, forbidden []string) {
	t.Helper()
	for _, pkg := range pkgs {
		seen := map[string]bool{}
		var walk func(dir string, via []string)
		walk = func(dir string, via []string) {
			if seen[dir] {
				return
			}
			seen[dir] = true
			for _, imp := range imports(t, dir) {
				for _, f := range forbidden {
					if imp == f || strings.HasPrefix(imp, f) && strings.HasSuffix(f, "/") || strings.HasPrefix(imp, f+"/") ||
						f == module+"/" && imp == module {
						t.Errorf("package %s imports %s (via %s)", pkg, imp, strings.Join(append(via, dir), " → "))
					}
				}
				if rest, ok := strings.CutPrefix(imp, module); ok {
					if rest = strings.TrimPrefix(rest, "/"); rest == "" {
						rest = "."
					}
					walk(rest, append(via, dir))
				}
			}
		}
		walk(pkg, nil)
	}
}

// imports answers the imports of the non-test Go files in dir ("" is the root).
func imports(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("package directory %s: %v", dir, err)
		}
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range af.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			out = append(out, p)
		}
	}
	return out
}
