package web

import (
	"slices"
	"testing"
	"text/template/parse"
)

// Every template a page calls is parsed into it: a page is parsed with the
// shared files it calls alone (pageFiles), and a call of a template that is
// not there fails only when the page is executed along that branch.
func TestPagesHoldWhatTheyCall(t *testing.T) {
	for name, p := range loadPages() {
		for _, tt := range p.t.Templates() {
			if tt.Tree == nil {
				continue
			}
			walkCalls(tt.Tree.Root, func(called string) {
				if p.t.Lookup(called) == nil {
					t.Errorf("page %s: template %q calls %q, which is not parsed into it", name, tt.Name(), called)
				}
			})
		}
	}
}

// The dashboard holds its sections, and a page that calls none of the
// shared templates holds none of their files.
func TestPageFiles(t *testing.T) {
	dash := pageFiles("dashboard")
	for _, f := range []string{"templates/dashboard_hazards.html", "templates/dashboard_sites.html"} {
		if !slices.Contains(dash, f) {
			t.Errorf("pageFiles(dashboard) = %v, without %s", dash, f)
		}
	}
	if got, want := pageFiles("login"), append(slices.Clone(baseFiles), "templates/login.html"); !slices.Equal(got, want) {
		t.Errorf("pageFiles(login) = %v, want %v", got, want)
	}
	if got := pageFiles("case"); got[len(got)-1] != "templates/case.html" || !slices.Contains(got, "templates/mediation.html") {
		t.Errorf("pageFiles(case) = %v: want the mediation's card, and the page's own file last", got)
	}
}

func walkCalls(n parse.Node, f func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkCalls(c, f)
			}
		}
	case *parse.TemplateNode:
		f(n.Name)
	case *parse.IfNode:
		walkCalls(n.List, f)
		walkCalls(n.ElseList, f)
	case *parse.RangeNode:
		walkCalls(n.List, f)
		walkCalls(n.ElseList, f)
	case *parse.WithNode:
		walkCalls(n.List, f)
		walkCalls(n.ElseList, f)
	}
}
