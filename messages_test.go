package pingan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestMessageKeysOnce(t *testing.T) {
	keys, twice := MessageKeys()
	if len(twice) > 0 {
		t.Errorf("keys written in more than one file of the catalogue: %v", twice)
	}
	for _, k := range keys {
		t2 := catalogue[k]
		if t2[0] == "" || t2[1] == "" {
			t.Errorf("message %q lacks its Chinese or its English text: %q", k, t2)
		}
		if strings.Count(t2[0], "%")-2*strings.Count(t2[0], "%%") != strings.Count(t2[1], "%")-2*strings.Count(t2[1], "%%") {
			t.Errorf("message %q: the Chinese and the English text take different arguments: %q", k, t2)
		}
	}
}

// keyCalls are the functions and methods whose argument at the index is a
// message key: the domain's constructors, the collector, and the pages'
// and the API's translators.
var keyCalls = map[string]int{"E": 1, "Msg": 0, "Add": 1, "T": 0, "Text": 1, "fieldError": 1, "invalidField": 1}

// keyLike is what a message key looks like: dotted lower-case words.
var keyLike = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// TestEveryMessageKeyWritten reads every Go file and template of the
// project and checks that each literal key given to a message function is
// in the catalogue, in both languages.
func TestEveryMessageKeyWritten(t *testing.T) {
	fset := token.NewFileSet()
	tmplKey := regexp.MustCompile(`\.T "([^"]+)"`)
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		switch {
		case strings.HasSuffix(path, ".html"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
				checked++
				if !HasMessage(m[1]) {
					t.Errorf("%s: the key %q is not in the catalogue", path, m[1])
				}
			}
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var name string
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				i, ok := keyCalls[name]
				if !ok || i >= len(call.Args) {
					return true
				}
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				key, err := strconv.Unquote(lit.Value)
				if err != nil || !keyLike.MatchString(key) {
					return true
				}
				checked++
				if !HasMessage(key) {
					t.Errorf("%s: the key %q is not in the catalogue", fset.Position(lit.Pos()), key)
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d message keys found in the code: the scan is broken", checked)
	}
}

func TestParseLang(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   Lang
	}{
		{"", ZH},
		{"zh-CN,zh;q=0.9", ZH},
		{"en-US,en;q=0.9", EN},
		{"en-US,en;q=0.9,zh-CN;q=0.8", EN},
		{"zh-CN;q=0.5,en;q=0.9", EN},
		{"fr-FR,de;q=0.8", ZH},
		{"fr,en;q=0.3", EN},
		{"EN", EN},
	} {
		if got := ParseLang(tt.header); got != tt.want {
			t.Errorf("ParseLang(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestErrorTexts(t *testing.T) {
	var v Invalid
	v.Require("title", "")
	v.Add("grid", "grid.code.bad", "A/B")
	err := v.Err()
	if got := ErrorText(err, EN); got != "invalid input" {
		t.Errorf("ErrorText EN = %q", got)
	}
	f := FieldTexts(err, ZH)
	if f["title"] != "必填" || !strings.Contains(f["grid"], `"A/B"`) || !strings.Contains(f["grid"], "网格编码") {
		t.Errorf("FieldTexts ZH = %q", f)
	}
	if f := FieldTexts(err, EN); f["title"] != "required" || !strings.Contains(f["grid"], "slash, %") {
		t.Errorf("FieldTexts EN = %q", f)
	}
	if got := err.Error(); !strings.Contains(got, "title: 必填") {
		t.Errorf("Error() = %q, want the Chinese text for logs", got)
	}
	if got := ErrorText(os.ErrNotExist, EN); got != Text(EN, "error.internal") {
		t.Errorf("an internal error shows %q", got)
	}
}
