package demo

import (
	"context"
	"fmt"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkAssessment reads the small city's assessment as its assessor: a
// scheme whose ended month is published with totals that differ, a veto
// graded last, a 通报 and a 约谈 with the last-ranked unit, an objection
// upheld with its correction logged.
func checkAssessment(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	assessor, err := db.Users.UserByUsername(ctx, "assessor")
	if err != nil {
		t.Fatal(err)
	}
	schemes, err := db.Schemes.Schemes(ctx, assessor, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(schemes) == 0 {
		t.Fatal("no scheme")
	}
	var vetoes, notices, upheld, corrections, published int
	for _, s := range schemes {
		periods, err := db.Assess.Periods(ctx, assessor, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range periods {
			a, err := db.Assess.Assessment(ctx, assessor, s.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != pingan.AssessPublished {
				t.Errorf("%s %s: %s", s.Name, p, a.Status)
			}
			published++
			totals, distinct := "", map[float64]bool{}
			for _, r := range a.Results {
				totals += fmt.Sprintf(" %s%s=%.2f%s", r.UnitName, map[bool]string{true: "(否决)"}[r.Vetoed], r.Total, r.Grade)
				distinct[r.Total] = true
				if r.Vetoed {
					vetoes++
					if r.Rank != r.Peers {
						t.Errorf("%s %s: vetoed %s ranks %d of %d", s.Name, p, r.UnitName, r.Rank, r.Peers)
					}
				}
				notices += len(r.Notices)
				corrections += len(r.Corrections)
				for _, o := range r.Objections {
					if o.Upheld {
						upheld++
					}
				}
			}
			t.Logf("%s %s:%s", s.Name, p, totals)
			if len(a.Results) > 2 && len(distinct) < len(a.Results)/2 {
				t.Errorf("%s %s: totals too alike:%s", s.Name, p, totals)
			}
		}
	}
	if published == 0 || vetoes != 1 || notices != 2 || upheld != 1 || corrections != 1 {
		t.Errorf("%d periods published, %d vetoes, %d notices, %d objections upheld, %d corrections; want some, 1, 2, 1, 1",
			published, vetoes, notices, upheld, corrections)
	}
}
