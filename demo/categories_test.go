package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkDisputeTree finds in the demo city the GB/T 31000-2015
// dispute categories right: 邻里纠纷 a category of its own, not under 01
// 婚恋家庭纠纷, and every case whose words are of one category filed under
// that category in the end, also those a reporter filed wrongly and the
// centre corrected.
func checkDisputeTree(t *testing.T, db *store.DB, _ *City) {
	ctx := context.Background()
	cats, err := db.Categories.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*pingan.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	for _, want := range disputeTree {
		got := byCode[want.Code]
		if got == nil || got.Name != want.Name || got.Parent != want.Parent || got.Kind != want.Kind {
			t.Errorf("category %s: %+v, want %s under %q", want.Code, got, want.Name, want.Parent)
		}
	}
	for _, c := range cats {
		if strings.Contains(c.Name, "邻里") && c.Parent != "" {
			t.Errorf("%s %s lies under %s", c.Code, c.Name, c.Parent)
		}
	}
	// The category each title belongs to.
	home := map[string]string{}
	for _, p := range profiles {
		for _, r := range p.reports {
			home[r[0]] = p.code
		}
	}
	_, cases := digest(t, db)
	misfiled, neighbours := 0, 0
	for _, c := range cases {
		if c.Source == pingan.SourceInspection {
			continue // a failed checklist item's hazard, titled by its site and item (sites.go)
		}
		want := home[c.Title]
		if want == "" {
			t.Fatalf("case %s: title %q of no profile", c.Number, c.Title)
		}
		if want == "02" {
			neighbours++
		}
		if c.Status == pingan.StatusReported || c.Status == pingan.StatusRejected {
			if c.Category != want {
				misfiled++ // reported wrongly, not accepted (yet)
			}
			continue
		}
		if c.Category != want {
			t.Errorf("case %s %q is filed under %s %s, want %s", c.Number, c.Title, c.Category, byCode[c.Category].Name, want)
		}
	}
	if neighbours == 0 {
		t.Error("no neighbours' dispute in the demo")
	}
	t.Logf("%d cases, %d neighbours' disputes, %d still misfiled awaiting acceptance", len(cases), neighbours, misfiled)
}
