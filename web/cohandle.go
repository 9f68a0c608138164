package web

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Co-handling (主办/协办) on the pages: the 协办单位 card of the case page,
// the assisting units of the dispatch form (a multi-select behind the unit
// picker), and the 协办 tab of a handler's inbox.

// assistUnitsField is the dispatch form's field of the assisting units.
const assistUnitsField = "assist_units"

// assistView is one assisting unit of a case as the card shows it.
type assistView struct {
	A        pingan.Assist
	UnitName string
	Mine     bool // the reader's own unit
}

// assistViews answers the case's assists for its card: the active ones,
// then the withdrawn, each by the unit's name.
func assistViews(c *pingan.Case, u *pingan.User, name func(string) string) []*assistView {
	var active, withdrawn []*assistView
	for _, a := range c.Assists {
		v := &assistView{A: a, UnitName: a.UnitName, Mine: u != nil && a.Unit == u.UnitCode && a.State.Active()}
		if v.UnitName == "" {
			v.UnitName = name(a.Unit)
		}
		if a.State.Active() {
			active = append(active, v)
		} else {
			withdrawn = append(withdrawn, v)
		}
	}
	return append(active, withdrawn...)
}

// Chosen reports whether the form, shown again, had code among the values
// of field (a multi-select).
func (a *actionForm) Chosen(field, code string) bool {
	return slices.Contains(strings.Split(a.Values[field], ","), code)
}

// assistCodes reads the assisting units of a dispatch from a form: each
// value of the field, blanks dropped.
func assistCodes(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// assistTab is the 协办 tab of a handler's inbox: the cases the user's own
// unit assists now, not by jurisdiction (store FindAssists).
var assistTab = tab{ID: "assist", Assists: true}

// assistCases answers the cases of the 协办 tab; none when the service
// cannot list them.
func (s *Server) assistCases(ctx context.Context, u *pingan.User) ([]*pingan.Case, error) {
	af, ok := s.cases.(pingan.AssistFinder)
	if !ok {
		return nil, nil
	}
	return af.FindAssists(ctx, u, inboxPage*4)
}

// countAssists counts the cases of the 协办 tab and how many are overdue now.
func (s *Server) countAssists(ctx context.Context, u *pingan.User) (n, overdue int, err error) {
	cs, err := s.assistCases(ctx, u)
	now := s.clock.Now()
	for _, c := range cs {
		if c.OverdueAt(now) {
			overdue++
		}
	}
	return len(cs), overdue, err
}

// assistRows dresses the cases of the 协办 tab for the list, those still to
// report first.
func (s *Server) assistRows(ctx context.Context, u *pingan.User, cats map[string]*pingan.Category, now time.Time, lang pingan.Lang) ([]*row, error) {
	cs, err := s.assistCases(ctx, u)
	if err != nil {
		return nil, err
	}
	rs := s.rows(ctx, u, cs, cats, now, lang)
	slices.SortStableFunc(rs, func(a, b *row) int {
		return assistRank(a.C) - assistRank(b.C)
	})
	return rs, nil
}

// assistRank orders the 协办 tab: to sign, then in progress, then reported.
func assistRank(c *pingan.Case) int {
	if len(c.Assists) == 0 {
		return 3
	}
	switch c.Assists[0].State {
	case pingan.AssistDispatched:
		return 0
	case pingan.AssistSigned:
		return 1
	}
	return 2
}
