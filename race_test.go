package pingan_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRacePassCoversGoroutines fails when a package of the module starts a
// goroutine (a go statement in its code or its tests) but the race
// detector's pass of the README's test command does not cover it: that
// pass names its packages, and a new concurrent package must join it.
func TestRacePassCoversGoroutines(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(readme), "\n") {
		if _, race, ok := strings.Cut(line, "go test -race "); ok && strings.HasPrefix(line, "go vet ./... && ") {
			for _, f := range strings.Fields(race) {
				if strings.HasPrefix(f, "./") {
					patterns = append(patterns, strings.TrimSuffix(strings.TrimPrefix(f, "./"), "/..."))
				}
			}
		}
	}
	if len(patterns) == 0 {
		t.Fatal("README.md has no test command with a race pass naming its packages")
	}
	covered := func(dir string) bool {
		for _, p := range patterns {
			if dir == p || strings.HasPrefix(dir, p+"/") {
				return true
			}
		}
		return false
	}
	spawning := map[string]bool{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if _, ok := n.(*ast.GoStmt); ok {
				spawning[filepath.ToSlash(filepath.Dir(path))] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !spawning["store"] {
		t.Fatal("the store starts no goroutine: the walk is wrong")
	}
	for dir := range spawning {
		if !covered(dir) {
			t.Errorf("package ./%s starts goroutines but the race pass of README.md's test command does not name it", dir)
		}
	}
}
