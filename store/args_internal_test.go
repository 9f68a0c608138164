package store

import (
	"slices"
	"testing"
)

func TestArgs(t *testing.T) {
	var a args
	if p := a.add("x"); p != "$1" {
		t.Errorf("first placeholder %s", p)
	}
	if l := a.list(2, 3, 4); l != "$2, $3, $4" {
		t.Errorf("list %s", l)
	}
	if l := a.list(); l != "" {
		t.Errorf("empty list %q", l)
	}
	if !slices.Equal([]any(a), []any{"x", 2, 3, 4}) {
		t.Errorf("values %v", a)
	}
}
