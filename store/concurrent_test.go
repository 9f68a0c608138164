package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// TestConcurrentSuiteListed fails when a test of the suite starts a
// goroutine but is missing from concurrent, so that the race detector's
// pass never silently drops a test that races.
func TestConcurrentSuiteListed(t *testing.T) {
	paths, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	spawns := map[string]bool{}  // function name → starts a goroutine
	names := map[string]string{} // function name → its name in the suite
	for _, p := range paths {
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				ast.Inspect(n, func(m ast.Node) bool {
					if _, ok := m.(*ast.GoStmt); ok {
						spawns[n.Name.Name] = true
					}
					return true
				})
			case *ast.CompositeLit:
				// {"Name", testName}: an entry of the suite.
				if len(n.Elts) == 2 {
					lit, ok1 := n.Elts[0].(*ast.BasicLit)
					id, ok2 := n.Elts[1].(*ast.Ident)
					if ok1 && ok2 && lit.Kind == token.STRING {
						if name, err := strconv.Unquote(lit.Value); err == nil {
							names[id.Name] = name
						}
					}
				}
			}
			return true
		})
	}
	if len(names) < 50 {
		t.Fatalf("found only %d entries of the suite: the parse is wrong", len(names))
	}
	found := 0
	for fn, name := range names {
		if spawns[fn] {
			found++
			if !concurrent[name] {
				t.Errorf("%s (%s) starts goroutines: add %q to concurrent in suite_test.go", name, fn, name)
			}
		}
	}
	if found == 0 {
		t.Error("no test of the suite starts a goroutine: the check finds nothing")
	}
	for name := range concurrent {
		ok := false
		for _, n := range names {
			ok = ok || n == name
		}
		if !ok {
			t.Errorf("concurrent names %q, which is not in the suite", name)
		}
	}
}
